/**
 * `cco serve` + `cco watch --connect` end to end: the built binary, the server headless in its own
 * process, the console in a real terminal (tmux), a real MCP client asking. Killing and restarting
 * the server shows "Disconnected", then the console reconnects by itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processAlive, readServerFile, type ServerInfo } from '../../src/store/server-file.js';
import { connectClient, parseResult } from '../helpers/server.js';
import { shellQuote, Tmux, track, until, BIN, requireTmuxAndBuild, screenAndLog } from './tmux.js';

let tmux: Tmux;
let home: string;
let clients: Client[] = [];
let servers: ChildProcess[] = [];

beforeAll(requireTmuxAndBuild);

beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'cco-e2e-connect-'));
  tmux = new Tmux();
});

afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  clients = [];
  await tmux.kill();
  for (const s of servers) s.kill('SIGKILL');
  servers = [];
  await rm(home, { recursive: true, force: true });
});

/** The last screen and the console's log, attached to every failure. */
const context = () => screenAndLog(tmux, home);

/** `cco serve` in its own process; resolves with its server file once it listens. */
async function serve(port = 0): Promise<{ info: ServerInfo; child: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port)], { env: { ...process.env, CCO_HOME: home }, stdio: 'ignore' });
  servers.push(child);
  const info = await until(async () => {
    const i = await readServerFile(join(home, 'server.json'));
    return i && i.pid === child.pid ? i : undefined;
  }, 'cco serve to write its server file');
  return { info, child };
}

async function stop(child: ChildProcess): Promise<void> {
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await gone;
  await until(() => !processAlive(child.pid!), 'cco serve to exit');
}

function ask(info: ServerInfo, command: string) {
  return (async () => {
    const client = await connectClient(info.mcpUrl);
    clients.push(client);
    return client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command }, tool_use_id: 'toolu_e2e' } });
  })();
}

async function decideWith(key: string, result: ReturnType<typeof track>): Promise<void> {
  const started = Date.now();
  while (!result.settled) {
    if (Date.now() - started > 5000) throw new Error(`pressing ${key} never decided the call\n${await context()}`);
    await tmux.press(key);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('cco watch --connect in a terminal', () => {
  it('a allows a call waiting on `cco serve`; a server restart shows "Disconnected", then the console reconnects and decides again', async () => {
    const first = await serve();
    const port = new URL(first.info.url).port;
    const command = [
      'env -u CONTINUOUS_INTEGRATION CI=0',
      `CCO_HOME=${shellQuote(home)}`,
      shellQuote(process.execPath),
      shellQuote(BIN),
      'watch --connect;',
      'echo $? > exit-status',
    ].join(' ');
    await tmux.start(command, { cwd: home, width: 110, height: 30 });
    await until(async () => (await tmux.screen()).includes('No calls waiting'), 'the remote console to draw', context);
    expect(tmux.lastScreen).toContain(first.info.mcpUrl);

    const result = track(ask(first.info, 'git push origin main'));
    await until(async () => (await tmux.screen()).includes('git push origin main'), 'the call on the remote console', context);
    await decideWith('a', result);
    expect(parseResult(result.value)).toMatchObject({ behavior: 'allow', updatedInput: { command: 'git push origin main' } });
    await until(async () => (await tmux.screen()).includes('1 allowed'), 'the count to follow', context);

    await stop(first.child);
    await until(async () => (await tmux.screen()).includes('Disconnected from cco'), 'the console to say it lost the server', context);

    const second = await serve(Number(port));
    await until(async () => !(await tmux.screen()).includes('Disconnected'), 'the console to reconnect', context, 15_000);
    const again = track(ask(second.info, 'make deploy'));
    await until(async () => (await tmux.screen()).includes('make deploy'), 'the new call on the reconnected console', context);
    await decideWith('d', again);
    expect(parseResult(again.value)).toMatchObject({ behavior: 'deny' });

    // q closes the console only: the server keeps running.
    await tmux.press('q');
    await until(async () => /^\d+\n$/.test(await readFile(join(home, 'exit-status'), 'utf8').catch(() => '')), 'the console to exit', context);
    expect(await readFile(join(home, 'exit-status'), 'utf8')).toBe('0\n');
    expect(processAlive(second.child.pid!)).toBe(true);
  });

  it('a wrong token: the console says the server refused it and exits 2, deciding nothing', async () => {
    const { info } = await serve();
    const command = [
      'env -u CONTINUOUS_INTEGRATION CI=0',
      `CCO_HOME=${shellQuote(home)}`,
      'CCO_API_TOKEN=not-a-token-of-this-cco',
      shellQuote(process.execPath),
      shellQuote(BIN),
      `watch --connect ${shellQuote(info.url)} 2> err.txt;`,
      'echo $? > exit-status',
    ].join(' ');
    await tmux.start(command, { cwd: home, width: 250, height: 30 });
    await until(async () => /^\d+\n$/.test(await readFile(join(home, 'exit-status'), 'utf8').catch(() => '')), 'the console to exit', context);
    expect(await readFile(join(home, 'exit-status'), 'utf8')).toBe('2\n');
    expect(await readFile(join(home, 'err.txt'), 'utf8')).toMatch(/refused the token \(HTTP 401\)/);
  });
});
