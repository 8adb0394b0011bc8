import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, parseResult, waitFor } from '../helpers/server.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { cco, startServe, type Served } from './cco-process.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

let served: Served | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
});

describe('cco protects its own files', () => {
  it('a running cco denies an agent reading its config, even with a rule allowing everything', async () => {
    const home = tempHome();
    await cco(['rules', 'add', '*', '--allow'], home);
    served = await startServe(home);
    const client = await connectClient(served.info.mcpUrl);
    const ask = (tool_name: string, input: Record<string, unknown>) =>
      client.callTool({ name: 'approval_prompt', arguments: { tool_name, input } }, undefined, { timeout: 5000 });

    const read = parseResult(await ask('Read', { file_path: join(home, 'config.json') }));
    expect(read).toEqual({ behavior: 'deny', message: expect.stringMatching(/^cco protects its own files: `.*config\.json` is cco's config file/) });
    const token = parseResult(await ask('Bash', { command: `cat ${join(home, 'server.json')}` }));
    expect(token).toMatchObject({ behavior: 'deny', message: expect.stringContaining("server file (it holds the decision API's token)") });
    // Anything else still follows the rules.
    expect(parseResult(await ask('Bash', { command: 'npm test' }))).toMatchObject({ behavior: 'allow' });
    await client.close();

    const log = await cco(['log', '--json'], home);
    expect(log.stdout).toContain('"decidedBy":"guard"');
  });

  it('a rule saved with "always allow" from a remote console (POST /api/console/always) does not get past the guard', async () => {
    const home = tempHome();
    served = await startServe(home);
    const client = await connectClient(served.info.mcpUrl);
    const ask = (tool_name: string, input: Record<string, unknown>) =>
      client.callTool({ name: 'approval_prompt', arguments: { tool_name, input } }, undefined, { timeout: 10_000 });
    // A call waits; the console saves an allow-everything rule, everywhere, forever, on it.
    const waiting = ask('Bash', { command: 'npm test' });
    for (let started = Date.now(); ;) {
      const res = await fetch(`${served.info.url}/api/pending`, { headers: { authorization: `Bearer ${served.info.token}` } });
      if (((await res.json()) as { pending: unknown[] }).pending.length > 0) break;
      if (Date.now() - started > 10_000) throw new Error('the call did not wait');
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const pattern of ['*', 'Read', 'Bash(cat:*)']) {
      const res = await fetch(`${served.info.url}/api/console/always`, {
        method: 'POST',
        headers: { authorization: `Bearer ${served.info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ grant: { pattern, fields: {}, scope: 'every agent, forever', callId: 'another' } }),
      });
      expect(res.status, pattern).toBe(200);
    }
    // The waiting call is allowed by the new rule (it is not the call the grant was made on).
    expect(parseResult(await waiting)).toMatchObject({ behavior: 'allow' });
    expect(parseResult(await ask('Read', { file_path: join(home, 'config.json') }))).toMatchObject({
      behavior: 'deny',
      message: expect.stringMatching(/^cco protects its own files/),
    });
    expect(parseResult(await ask('Read', { file_path: join(home, 'server.json') }))).toMatchObject({
      behavior: 'deny',
      message: expect.stringMatching(/^cco protects its own files/),
    });
    expect(parseResult(await ask('Bash', { command: `cat ${join(home, 'server.json')}` }))).toMatchObject({
      behavior: 'deny',
      message: expect.stringMatching(/^cco protects its own files/),
    });
    expect(parseResult(await ask('Read', { file_path: '/etc/hostname' }))).toMatchObject({ behavior: 'allow' });
    await client.close();
  });

  it('`cco rules test` shows the guard denial, before any rule', async () => {
    const home = tempHome();
    await runCli(home, 'rules', 'add', 'Read', '--allow');
    const r = await runCli(home, 'rules', 'test', 'Read', JSON.stringify({ file_path: join(home, 'audit.jsonl') }));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^DENY by cco's guard of its own files \(before any rule; no rule can allow this\)/);
    expect(r.stdout).toMatch(/message to the agent: cco protects its own files: .*audit\.jsonl` is in cco's folder \(\$CCO_HOME/);
    const usual = await runCli(home, 'rules', 'test', 'Read', '{"file_path":"~/.config/cco/config.json"}', '--json');
    expect(JSON.parse(usual.stdout)).toMatchObject({ evaluation: { action: 'deny', decidedBy: 'guard' }, trace: [] });
    expect((await runCli(home, 'rules', 'test', 'Read', '{"file_path":"/repo/x"}')).stdout).toMatch(/^ALLOW by rule r1/);
  });

  posixOnly('`cco serve` refuses to start when others can write its folder', async () => {
    const home = tempHome();
    chmodSync(home, 0o777);
    const r = await cco(['serve', '--port', '0'], home);
    chmodSync(home, 0o700);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(
      `can be written by other users (mode 777), so they could change cco's rules or its audit log. Run \`chmod 700 ${home}\`. Then start cco again.`,
    );
  });

  posixOnly('a reload of a config others can write is refused; the last good rules stay', async () => {
    const home = tempHome();
    await cco(['rules', 'add', 'Bash(rm:*)', '--deny', '-m', 'never rm'], home);
    served = await startServe(home);
    const file = join(home, 'config.json');
    chmodSync(file, 0o666);
    writeFileSync(file, readFileSync(file, 'utf8').replace('never rm', 'fine, rm'));
    await waitFor(
      () => /config not reloaded: .*config\.json can be written by other users.*last good rules stay active/s.test(served!.output()),
      5000,
      'the refusal',
    );
    const client = await connectClient(served.info.mcpUrl);
    const r = await client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: 'rm -rf build' } } }, undefined, {
      timeout: 5000,
    });
    expect(parseResult(r)).toEqual({ behavior: 'deny', message: 'never rm' });
    await client.close();
  });
});
