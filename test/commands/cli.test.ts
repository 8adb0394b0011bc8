/**
 * The real binary (`node bin/cco.js`, built by `npm run build`) against a real `cco serve`,
 * with a real MCP client asking. Exit codes and messages are what a person or a script sees.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { writeServerFile } from '../../src/store/server-file.js';
import { connectClient, parseResult } from '../helpers/server.js';
import { BIN, cco, pendingId, startServe, type Served } from './cco-process.js';

const homes: string[] = [];
async function newHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'cco-cli-'));
  homes.push(home);
  return home;
}

let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  clients = [];
});
afterAll(async () => {
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

beforeAll(() => {
  if (!existsSync(join(BIN, '../../dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm test` does).');
});

/** Ask as Claude Code would, and wait until the server lists the call; its id and the pending answer. */
async function ask(served: Served, command: string) {
  const client = await connectClient(served.info.mcpUrl);
  clients.push(client);
  const input = { command };
  const result = client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input, tool_use_id: 'toolu_cli' } });
  // A test that fails before awaiting it must not also leave an unhandled rejection behind.
  result.catch(() => undefined);
  const id = await pendingId(served.serverFile, command);
  return { id, input, answer: async () => parseResult(await result) };
}

describe('with cco serve running', () => {
  let home: string;
  let served: Served;
  beforeAll(async () => {
    home = await newHome();
    served = await startServe(home);
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('cco pending --json lists a waiting call', async () => {
    const call = await ask(served, 'echo listed');
    const run = await cco(['pending', '--json'], home);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { pending } = JSON.parse(run.stdout) as { pending: Array<Record<string, unknown>> };
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ id: call.id, toolName: 'Bash', input: call.input, toolUseId: 'toolu_cli', summary: 'echo listed' });

    const table = await cco(['pending'], home);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(new RegExp(`^${call.id}\\s.*Bash\\s+echo listed$`, 'm'));

    expect((await cco(['deny', call.id], home)).code).toBe(0);
    expect((await call.answer()).behavior).toBe('deny');
  });

  it('cco approve <id> allows the call with its input unchanged', async () => {
    const call = await ask(served, 'echo approve-me');
    const run = await cco(['approve', call.id], home);
    expect(run).toMatchObject({ code: 0, stdout: `Allowed ${call.id}.\n`, stderr: '' });
    expect(await call.answer()).toEqual({ behavior: 'allow', updatedInput: call.input });
  });

  it('cco approve <id> --input runs the call with the edited input', async () => {
    const call = await ask(served, 'echo original');
    const run = await cco(['approve', call.id, '--input', '{"command":"echo edited"}'], home);
    expect(run).toMatchObject({ code: 0, stdout: `Allowed ${call.id} with the edited input.\n`, stderr: '' });
    expect(await call.answer()).toEqual({ behavior: 'allow', updatedInput: { command: 'echo edited' } });
  });

  it('cco approve <id> --input with bad JSON fails and leaves the call waiting', async () => {
    const call = await ask(served, 'echo bad-input');
    const run = await cco(['approve', call.id, '--input', '{command: nope}'], home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^cco: --input is not valid JSON .*--input '\{"command":"npm test"\}'/);
    await expect(pendingId(served.serverFile, 'echo bad-input', 0)).resolves.toBe(call.id);
    expect((await cco(['deny', call.id], home)).code).toBe(0);
    await call.answer();
  });

  it('cco deny <id> -m sends exactly that message', async () => {
    const call = await ask(served, 'npm run test:all');
    const run = await cco(['deny', call.id, '-m', 'use npm test instead'], home);
    expect(run).toMatchObject({ code: 0, stdout: `Denied ${call.id}.\n`, stderr: '' });
    expect(await call.answer()).toEqual({ behavior: 'deny', message: 'use npm test instead' });
  });

  it('a second decision on the same call is refused', async () => {
    const call = await ask(served, 'echo twice');
    expect((await cco(['approve', call.id], home)).code).toBe(0);
    const again = await cco(['deny', call.id], home);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Call ${call.id} was already decided`);
    expect(await call.answer()).toEqual({ behavior: 'allow', updatedInput: call.input });
  });

  it('cco approve with an unknown id exits 1 and says how to find ids', async () => {
    const run = await cco(['approve', 'nope'], home);
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toBe('cco: No pending call with id nope. Run `cco pending` to see the ids.\n');
  });

  it('cco serve on a port in use fails, naming the port and --port', async () => {
    const port = new URL(served.info.url).port;
    const run = await cco(['serve', '--port', port], await newHome());
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    expect(run.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
    expect(run.stderr).toContain('--port');
  });
});

describe('without a server', () => {
  const noServer = /^cco: No cco server is running\. Start one with `cco watch` \(console\) or `cco serve` \(headless\)\./;

  it('cco pending exits 1 and suggests cco watch or cco serve', async () => {
    const run = await cco(['pending'], await newHome());
    expect(run).toMatchObject({ code: 1, stdout: '' });
    expect(run.stderr).toMatch(noServer);
  });

  it('a server file left by a dead server counts as no server', async () => {
    const home = await newHome();
    const dead = spawn(process.execPath, ['-e', '']);
    await new Promise((r) => dead.on('exit', r));
    await writeServerFile(join(home, 'server.json'), {
      url: 'http://127.0.0.1:9',
      mcpUrl: 'http://127.0.0.1:9/mcp',
      pid: dead.pid!,
      token: 'stale',
      startedAt: new Date().toISOString(),
      version: '0.0.0',
    });
    const run = await cco(['approve', 'abc123'], home);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(noServer);
  });

  it('cco watch without a TTY exits 2 and suggests cco serve', async () => {
    const home = await newHome();
    const run = await cco(['watch', '--port', '0'], home);
    expect(run).toMatchObject({ code: 2, stdout: '' });
    expect(run.stderr).toMatch(/^cco: cco watch needs an interactive terminal.*Run `cco serve`/);
    expect(existsSync(join(home, 'server.json'))).toBe(false);
  });

  it('cco --help exits 0 and lists the commands', async () => {
    const run = await cco(['--help'], await newHome());
    expect(run).toMatchObject({ code: 0, stderr: '' });
    for (const name of ['watch', 'serve', 'pending', 'approve', 'deny']) {
      expect(run.stdout).toMatch(new RegExp(`^\\s+${name}\\b`, 'm'));
    }
  });
});

describe('stopping cco serve', () => {
  it('SIGTERM denies the waiting call (cco stopped), exits 0 and removes the server file', async () => {
    const served = await startServe(await newHome());
    try {
      const call = await ask(served, 'echo pending-at-sigterm');
      served.child.kill('SIGTERM');
      const answer = await call.answer();
      expect(answer.behavior).toBe('deny');
      expect(answer.message).toMatch(/^cco stopped \(SIGTERM\)/);
      expect(await served.exited, served.output()).toEqual({ code: 0, signal: null });
      expect(existsSync(served.serverFile)).toBe(false);
      expect(served.output()).toMatch(/cco stopped; denied 1 waiting call: \S+ Bash echo pending-at-sigterm\./);
    } finally {
      await served.stop();
    }
  });
});

describe('usage errors point to the command they are about', () => {
  it.each([
    [['rules', 'add', '--bogus'], /unknown option '--bogus'\n\(run `cco rules add --help` for usage\)/],
    [['config', 'set', '--nope'], /\(run `cco config set --help` for usage\)/],
    [['bogus'], /\(run `cco --help` for usage\)/],
    [['run', '-p', 'x'], /Arguments for claude go after `--`, e.g. cco run --agent api -- -p "fix the flaky test"\n\(run `cco run --help` for usage\)/],
  ])('cco %j', async (args, expected) => {
    const run = await cco(args, await newHome());
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(expected);
    expect(run.stdout).toBe('');
  });
});

describe('the cco serve banner', () => {
  it('suggests cco setup and warns when the port is random', async () => {
    const served = await startServe(await newHome());
    try {
      const start = Date.now();
      while (!served.output().includes('Decide waiting calls') && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 10));
      const out = served.output();
      expect(out).toContain('Register it with Claude Code once: `cco setup`');
      expect(out).not.toContain('claude mcp add');
      expect(out).toMatch(new RegExp(`warning: port ${new URL(served.info.mcpUrl).port} was picked at random \\(--port 0\\)`));
    } finally {
      await served.stop();
    }
  });
});
