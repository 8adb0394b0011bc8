import { renameSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectClient, parseResult, waitFor } from '../helpers/server.js';
import { tempHome } from '../helpers/cli.js';
import { cco, pendingId, startServe, type Served } from './cco-process.js';

let served: Served | undefined;
let home: string | undefined;
afterEach(async () => {
  await served?.stop();
  served = undefined;
  home = undefined;
});

describe('rules reach a running server', () => {
  it('`cco rules add … --allow` in another process makes the next matching call resolve without a person', async () => {
    home = tempHome();
    served = await startServe(home);
    const client = await connectClient(served.info.mcpUrl);
    const ask = (command: string) =>
      client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command } } }, undefined, { timeout: 5000 });

    // Before the rule: the call waits for a person.
    const first = ask('npm test -- --watch');
    const id = await pendingId(served.serverFile, 'npm test -- --watch');

    const added = await cco(['rules', 'add', 'Bash(npm test:*)', '--allow'], home);
    expect(added.stdout).toBe('r1\n');
    await waitFor(() => served!.output().includes('config reloaded: 1 rules'), 5000, 'the server to reload its rules');

    // After: the next matching call is allowed at once by the rule; a non-matching one still waits.
    expect(parseResult(await ask('npm test'))).toEqual({ behavior: 'allow', updatedInput: { command: 'npm test' } });
    const other = ask('npm publish');
    await pendingId(served.serverFile, 'npm publish');

    // A call already waiting is left for the person (rules apply to calls as they arrive).
    expect((await cco(['approve', id], home)).code).toBe(0);
    expect(parseResult(await first)).toMatchObject({ behavior: 'allow' });
    const publishId = await pendingId(served.serverFile, 'npm publish');
    await cco(['deny', publishId, '-m', 'no publishing'], home);
    expect(parseResult(await other)).toEqual({ behavior: 'deny', message: 'no publishing' });
    await client.close();
  });

  it('a broken edit keeps the last good rules and says so; fixing it recovers', async () => {
    home = tempHome();
    await cco(['rules', 'add', 'Bash(rm:*)', '--deny', '-m', 'never rm'], home);
    served = await startServe(home);
    const client = await connectClient(served.info.mcpUrl);
    const ask = (command: string) =>
      client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command } } }, undefined, { timeout: 5000 });

    const file = join(home, 'config.json');
    const good = readFileSync(file, 'utf8');
    writeFileSync(file, good.replace('"deny"', '"deny",,'));
    await waitFor(
      () => /config file .* is invalid: it is not valid JSON.*last good rules stay active/s.test(served!.output()),
      5000,
      'the broken-config warning',
    );
    expect(parseResult(await ask('rm -rf build'))).toEqual({ behavior: 'deny', message: 'never rm' });
    expect(readFileSync(file, 'utf8')).toContain(',,'); // never overwritten

    writeFileSync(file, good.replace('never rm', 'still never rm'));
    await waitFor(() => served!.output().includes('config reloaded'), 5000, 'the reload after the fix');
    expect(parseResult(await ask('rm -rf build'))).toEqual({ behavior: 'deny', message: 'still never rm' });
    await client.close();
  });

  it('a config file that disappears keeps the last good rules and says so', async () => {
    home = tempHome();
    await cco(['rules', 'add', 'Bash(rm:*)', '--deny', '-m', 'never rm'], home);
    served = await startServe(home);
    const client = await connectClient(served.info.mcpUrl);
    renameSync(join(home, 'config.json'), join(home, 'config.json.moved'));
    await waitFor(() => /is missing or unreadable now.*last good rules stay active/s.test(served!.output()), 5000, 'the missing-config warning');
    const r = await client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: 'rm -rf build' } } }, undefined, {
      timeout: 5000,
    });
    expect(parseResult(r)).toEqual({ behavior: 'deny', message: 'never rm' });
    await client.close();
  });

  it('a broken config file stops `cco serve` from starting, with the path and the problem', async () => {
    home = tempHome();
    writeFileSync(join(home, 'config.json'), '{"defaultAction": "maybe"}');
    const r = await cco(['serve', '--port', '0'], home);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(join(home, 'config.json'));
    expect(r.stderr).toMatch(/"defaultAction" must be "allow", "deny" or "ask"/);
  });
});
