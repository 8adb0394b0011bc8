/**
 * The desktop notice end to end: the built `cco watch` in a real tmux pane, five calls asked at
 * once by a real MCP client, and what the program wrote to the pane (tmux's `pipe-pane -O`): one
 * OSC 9 notice wrapped in tmux's passthrough. Needs `npm run build` first (`npm test` does it).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { readServerFile } from '../../src/store/server-file.js';
import { connectClient } from '../helpers/server.js';
import { shellQuote, Tmux, until, BIN, requireTmuxAndBuild } from './tmux.js';

let tmux: Tmux | undefined;
let home: string | undefined;
const clients: Client[] = [];

beforeAll(requireTmuxAndBuild);

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
  await tmux?.kill();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Copy everything the pane's program writes to `file`. */
function pipePane(socket: string, file: string): Promise<void> {
  const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile('tmux', ['-L', socket, '-f', '/dev/null', 'pipe-pane', '-O', '-t', 'cco', `cat >> ${shellQuote(file)}`], { env, timeout: 5000 }, (error) =>
      error ? reject(error) : resolve(),
    );
  });
}

// eslint-disable-next-line no-control-regex
const PASSTHROUGH = /\u001bPtmux;\u001b\u001b\]9;([^\u0007]*)\u0007\u001b\\/g;

/** `cco watch` in a pane whose output is copied to a file; resolves when the console is drawn. */
async function startWatch(config: Record<string, unknown>) {
  home = await mkdtemp(join(tmpdir(), 'cco-e2e-notify-'));
  const raw = join(home, 'pane.raw');
  await writeFile(join(home, 'config.json'), JSON.stringify(config), { mode: 0o600 });
  const pane = new Tmux();
  tmux = pane;
  const command = ['env -u CONTINUOUS_INTEGRATION CI=0', `CCO_HOME=${shellQuote(home)}`, shellQuote(process.execPath), shellQuote(BIN), 'watch --port 0'].join(
    ' ',
  );
  await pane.start(command, { cwd: home, width: 120, height: 30 });
  await pipePane(pane.socket, raw);
  const log = join(home, 'cco.log');
  const context = async () => `--- screen ---\n${await pane.screen()}\n--- cco.log ---\n${await readFile(log, 'utf8').catch(() => '')}`;
  const info = await until(() => readServerFile(join(home!, 'server.json')), 'the server file of cco watch', context);
  await until(async () => (await pane.screen()).includes('No calls waiting'), 'the console to draw', context);
  const client = await connectClient(info.mcpUrl);
  clients.push(client);
  const ask = (command: string, id: string) =>
    void client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command }, tool_use_id: id } }).catch(() => undefined);
  /** The notices written so far, once there is one. */
  const notices = () =>
    until(
      async () => {
        const found = [...(await readFile(raw, 'utf8').catch(() => '')).matchAll(PASSTHROUGH)].map((m) => m[1]);
        return found.length > 0 ? found : undefined;
      },
      'the desktop notice in the pane output',
      context,
    );
  return { pane, ask, notices, context };
}

it('a burst of 5 waiting calls is one desktop notice, through the tmux passthrough', async () => {
  const { pane, ask, notices } = await startWatch({ 'notify.desktopAfter': '0s', 'notify.desktop': 'osc9' });
  for (let i = 0; i < 5; i++) ask(`make step-${i}`, `toolu_${i}`);
  expect(await notices()).toEqual([expect.stringMatching(/^cco: 5 asks from 1 agent, oldest \w+; new: test-agent#\w+ Bash: make step-0 \(\+4 more\)$/)]);
  expect(await pane.screen()).toContain('5 waiting');
});

it('keys pressed in the console hold the notice until the keyboard has been quiet for 5 s', async () => {
  const { pane, ask, notices, context } = await startWatch({ 'notify.desktopAfter': '0s', 'notify.desktop': 'osc9' });
  ask('make typing', 'toolu_t');
  await until(async () => (await pane.screen()).includes('make typing'), 'the call on screen', context);
  // Keys that decide nothing: the cursor moving, the help opening and closing.
  let lastKey = 0;
  for (const key of ['Down', 'Up', 'Down', 'Up']) {
    await pane.press(key);
    lastKey = Date.now();
    await new Promise((r) => setTimeout(r, 300));
  }
  await notices();
  // The planner's 5 s less a little for the pane's copy and the time tmux took to send the key.
  expect(Date.now() - lastKey).toBeGreaterThanOrEqual(4800);
}, 20_000);
