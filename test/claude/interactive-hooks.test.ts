/**
 * An interactive Claude Code session (the real CLI in tmux, offline) that asks cco through its
 * http hook, started with `cco run --via hooks -- --permission-mode default`:
 * - a Bash write reaches cco's queue, and allowing it in cco makes it run;
 * - a denial with a message reaches the model verbatim;
 * - a question answered at Claude's own prompt first leaves cco's queue as "answered elsewhere".
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Tmux, shellQuote } from '../e2e/tmux.js';
import { BIN } from '../commands/cco-process.js';
import { CLAUDE_CODE_VERSION } from './install.js';
import { createWorld, until, type World } from './harness.js';

beforeAll(() => Tmux.check());

/** End Claude the way a person does (Ctrl-C twice) and wait for the pane to say it exited, so nothing writes into the world while it is removed. */
async function quit(t: Tmux): Promise<void> {
  for (let i = 0; i < 2; i++) await t.press('C-c').catch(() => undefined);
  await until(
    async () => /^exit \d+/m.test(await t.screen()),
    () => `claude to exit; the screen:\n${t.lastScreen}`,
    20_000,
    100,
  ).catch(() => undefined);
  await t.kill();
}

/** What Claude's first screens need so they neither ask nor reach Anthropic (claude-routes.md, "Observed first-hand"). */
function onboarded(w: World): void {
  const config = {
    hasCompletedOnboarding: true,
    lastOnboardingVersion: CLAUDE_CODE_VERSION,
    theme: 'dark',
    customApiKeyResponses: { approved: ['test'], rejected: [] },
    projects: { [w.work]: { hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true } },
  };
  const home = w.env.HOME!;
  mkdirSync(w.env.CLAUDE_CONFIG_DIR!, { recursive: true });
  writeFileSync(join(home, '.claude.json'), JSON.stringify(config));
  writeFileSync(join(w.env.CLAUDE_CONFIG_DIR!, '.claude.json'), JSON.stringify(config));
}

async function startInteractive(w: World): Promise<Tmux> {
  onboarded(w);
  const t = new Tmux();
  const env = Object.entries(w.env)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => shellQuote(`${k}=${v}`))
    .join(' ');
  const argv = [process.execPath, BIN, 'run', '--via', 'hooks', '--', '--permission-mode', 'default', '--model', 'claude-sonnet-4-5'];
  await t.start(`env -i ${env} ${argv.map(shellQuote).join(' ')}; echo "exit $?"; sleep 600`, { cwd: w.work, width: 140, height: 45 });
  await until(
    async () => /for shortcuts|\? for|│ >|❯/.test(await t.screen()),
    () => `Claude's prompt; the screen:\n${t.lastScreen}`,
    60_000,
    200,
  );
  return t;
}

describe('interactive Claude Code through the http hook (real Claude Code in tmux)', () => {
  it("allowed in cco runs; denied in cco sends the message verbatim; answered at Claude's prompt leaves cco as answered elsewhere", async () => {
    const message = 'Not this file: write to notes/ instead.';
    const w = await createWorld([
      { tool: 'Bash', input: { command: 'echo allowed > allowed.txt', description: 'Write the allowed file' } },
      { tool: 'Bash', input: { command: 'echo denied > denied.txt', description: 'Write the denied file' } },
      { tool: 'Bash', input: { command: 'echo elsewhere > elsewhere.txt', description: 'Write the third file' } },
    ]);
    await w.serve();
    const t = await startInteractive(w);
    try {
      await converse(w, t, message);
    } finally {
      // Before the world is removed: Claude writes into its HOME until it has exited.
      await quit(t);
    }
  });
});

async function converse(w: World, t: Tmux, message: string): Promise<void> {
  {
    await t.type('write the three files');
    await t.press('Enter');

    // 1. A Bash write reaches cco's queue; allowing it there makes it run.
    const first = await until(
      async () => (await w.pending())[0],
      () => `the first call in cco; the screen:\n${t.lastScreen}`,
      60_000,
      200,
    );
    expect(first).toMatchObject({ toolName: 'Bash', input: { command: 'echo allowed > allowed.txt' } });
    expect(first.agent).toMatchObject({ route: 'claude-hook', cwd: w.work, permissionMode: 'default', conversationId: expect.any(String) });
    await w.decide(first.id, 'approve');
    await until(() => existsSync(join(w.work, 'allowed.txt')), 'allowed.txt to be written', 30_000, 100);
    expect(readFileSync(join(w.work, 'allowed.txt'), 'utf8')).toBe('allowed\n');

    // 2. Denied in cco with a message: the model reads it verbatim; nothing runs.
    const second = await until(
      async () => (await w.pending()).find((p) => p.input.command === 'echo denied > denied.txt'),
      () => `the second call; the screen:\n${t.lastScreen}`,
      60_000,
      200,
    );
    await w.decide(second.id, 'deny', { message });
    await until(
      () => w.api.results.length >= 2,
      () => `the denial to reach the model; the screen:\n${t.lastScreen}`,
      30_000,
      100,
    );
    expect(w.api.results[1]).toMatchObject({ isError: true, content: message });
    expect(existsSync(join(w.work, 'denied.txt'))).toBe(false);

    // 3. Answered Yes at Claude's own prompt first: the call runs, and leaves cco's queue as answered elsewhere.
    const third = await until(
      async () => (await w.pending()).find((p) => p.input.command === 'echo elsewhere > elsewhere.txt'),
      () => `the third call; the screen:\n${t.lastScreen}`,
      60_000,
      200,
    );
    await until(
      async () => /Do you want to proceed\?/.test(await t.screen()),
      () => `Claude's own dialog; the screen:\n${t.lastScreen}`,
      30_000,
      100,
    );
    await t.press('Enter');
    // A key that lands while the dialog is still being drawn can be lost: press again while it is shown.
    let shownSince = Date.now();
    await until(
      async () => {
        if (existsSync(join(w.work, 'elsewhere.txt'))) return true;
        if (!/Do you want to proceed\?/.test(await t.screen())) shownSince = Date.now();
        else if (Date.now() - shownSince > 3000) {
          await t.press('Enter');
          shownSince = Date.now();
        }
        return false;
      },
      () => `elsewhere.txt to be written; the screen:\n${t.lastScreen}`,
      30_000,
      200,
    );
    await until(async () => (await w.pending()).length === 0, 'the third call to leave cco', 30_000, 100);
    const decided = w.audit().find((e) => e.event === 'decision' && e.id === third.id);
    expect(decided).toMatchObject({ decidedBy: 'elsewhere' });
    const log = await w.ccoRun('log');
    expect(log.stdout).toMatch(new RegExp(`${third.id}\\s+.*answered elsewhere`));
    expect(
      w
        .audit()
        .filter((e) => e.event === 'decision')
        .map((e) => e.decidedBy),
    ).toEqual(['user', 'user', 'elsewhere']);
    // Interactive Claude looks for updates (downloads.claude.ai, github.com) even with the
    // no-traffic variables; the fake proxy refused each attempt, so nothing left loopback.
    expect(w.api.escaped.filter((e) => !/^CONNECT (downloads\.claude\.ai|github\.com):443$/.test(e))).toEqual([]);
  }
}
