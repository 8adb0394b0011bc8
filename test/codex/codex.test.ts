/**
 * The Codex route against the real Codex CLI (pinned, cached by install.ts), interactive in tmux
 * (`codex exec` never asks: it runs with approval policy "never"), driven offline by a fake
 * Responses API on loopback. The hook is registered by `cco setup --codex` and trusted the way a
 * person does it, at Codex's "Hooks need review" screen; no trust bypass. The model asks to run
 * `touch made.txt` unsandboxed, so Codex asks for approval, which goes to `cco hook codex`.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { cco, startServe, type Served } from '../commands/cco-process.js';
import { Tmux, shellQuote, until } from '../e2e/tmux.js';
import { ApiClient } from '../../src/client/api-client.js';
import { startFakeResponses, type FakeResponses } from './fake-responses.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface World {
  work: string;
  ccoHome: string;
  codexHome: string;
  api: FakeResponses;
  served?: Served;
  tmux: Tmux;
}

async function world(rules: unknown[], opts: { serve?: boolean } = {}): Promise<World> {
  const root = mkdtempSync(join(tmpdir(), 'cco-codex-'));
  const work = join(root, 'work');
  const ccoHome = join(root, 'cco');
  const codexHome = join(root, 'codex');
  for (const d of [work, ccoHome, codexHome]) mkdirSync(d, { recursive: true });
  const api = await startFakeResponses('touch made.txt');
  const tmux = new Tmux();
  cleanups.push(
    () => rmSync(root, { recursive: true, force: true }),
    () => api.close(),
    () => tmux.kill(),
  );
  writeFileSync(join(ccoHome, 'config.json'), JSON.stringify({ rules }));
  writeFileSync(
    join(codexHome, 'config.toml'),
    [
      'model = "fake-model"',
      'model_provider = "fake"',
      'approval_policy = "on-request"',
      'sandbox_mode = "read-only"',
      '',
      '[model_providers.fake]',
      'name = "fake"',
      `base_url = "${api.url}"`,
      'wire_api = "responses"',
      '',
      `[projects.${JSON.stringify(work)}]`,
      'trust_level = "trusted"',
      '',
    ].join('\n'),
  );
  const setup = await cco(['setup', '--codex'], ccoHome, 20_000, { env: { CODEX_HOME: codexHome } });
  expect(setup.code, setup.stderr).toBe(0);
  expect(setup.stdout).toContain('Hooks need review');
  const w: World = { work, ccoHome, codexHome, api, tmux };
  if (opts.serve !== false) {
    w.served = await startServe(ccoHome, 15_000);
    cleanups.push(() => w.served?.stop());
  }
  return w;
}

/** Start interactive codex on the prompt, trust cco's hook at "Hooks need review", and wait for the tool's output. */
async function runCodex(w: World): Promise<string> {
  await Tmux.check();
  const env = `env CODEX_HOME=${shellQuote(w.codexHome)} CCO_HOME=${shellQuote(w.ccoHome)} NO_COLOR=1`;
  await w.tmux.start(`${env} ${shellQuote(inject('codexBin'))} ${shellQuote('make a file')}`, { cwd: w.work, width: 160, height: 45 });
  const screen = () => w.tmux.screen();
  await until(async () => (await screen()).includes('Hooks need review'), 'the hook review screen', screen, 30_000);
  // A key can land before the screen reads keys (a busy machine): press until the choice shows,
  // then Enter until the review screen is gone. Left untrusted, Codex would ask at its own prompt.
  await until(
    async () => {
      if ((await screen()).includes('› 2. Trust all')) return true;
      await w.tmux.press('2');
      return false;
    },
    'option 2 selected',
    screen,
    15_000,
  );
  await until(
    async () => {
      if (!(await screen()).includes('Hooks need review')) return true;
      await w.tmux.press('Enter');
      await new Promise((r) => setTimeout(r, 300));
      return !(await screen()).includes('Hooks need review');
    },
    'the hook to be trusted',
    screen,
    15_000,
  );
  return until(() => w.api.toolOutput(), 'codex to send back the tool output', screen, 60_000);
}

const audit = (w: World) =>
  readFileSync(join(w.ccoHome, 'audit.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('Codex 0.171.0 → cco hook codex → cco', () => {
  it('a rule allows: the command runs, the audit log has the allow on the codex route', async () => {
    const w = await world([{ id: 'touch', pattern: 'Bash(touch:*)', action: 'allow' }]);
    const out = await runCodex(w);
    expect(out).not.toContain('Rejected');
    await until(() => existsSync(join(w.work, 'made.txt')), 'made.txt to exist');
    const decided = audit(w).find((e) => e.event === 'decision');
    expect(decided).toMatchObject({
      behavior: 'allow',
      decidedBy: 'rule:touch',
      route: 'codex-hook',
      tool: 'Bash',
      client: { name: 'codex' },
      input: { command: 'touch made.txt' },
    });
  });

  it('a rule denies: the command does not run and the model is told', async () => {
    const w = await world([{ id: 'no-touch', pattern: 'Bash(touch:*)', action: 'deny', message: 'touching files is off today' }]);
    const out = await runCodex(w);
    expect(out).toContain('touching files is off today');
    expect(existsSync(join(w.work, 'made.txt'))).toBe(false);
  });

  it('a person denies with a message: it reaches the model verbatim', async () => {
    const w = await world([]);
    const run = runCodex(w);
    const client = await ApiClient.fromServerFile(join(w.ccoHome, 'server.json'));
    const pending = await until(
      async () =>
        (
          await client.request<{ pending: Array<{ id: string; toolName: string; input: { command?: string }; agent?: { route?: string } }> }>(
            'GET',
            '/api/pending',
          )
        ).pending[0],
      'the call in the queue',
      () => w.tmux.lastScreen,
      60_000,
    );
    expect(pending).toMatchObject({ toolName: 'Bash', input: { command: 'touch made.txt' } });
    await client.request('POST', `/api/pending/${pending.id}/deny`, { message: 'write it under build/ instead' });
    expect(await run).toContain('write it under build/ instead');
    expect(existsSync(join(w.work, 'made.txt'))).toBe(false);
  });

  it('cco is not running: the hook denies, the command does not run', async () => {
    const w = await world([], { serve: false });
    const out = await runCodex(w);
    expect(out).toContain('cco is not running');
    expect(existsSync(join(w.work, 'made.txt'))).toBe(false);
  });
});
