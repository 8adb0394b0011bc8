/**
 * Plans and questions with the real Claude Code CLI (issue #12, item 5).
 *
 * - ExitPlanMode (in `--permission-mode plan`): Claude Code sends cco the text of the session's
 *   plan file as `input.plan` (and its path as `planFilePath`), whatever the model put in its own
 *   `plan` argument; with no plan file the input is `{}`. A denial's message is what the model
 *   reads as feedback; an allow tells it the plan is approved.
 * - AskUserQuestion (offered in `-p` too): allowing it with `updatedInput.answers` answers the
 *   questions; allowing it without tells the model "The user did not answer the questions."
 *
 * The first tests decide through `cco serve` and its decision API; the last one runs the console
 * itself (the Ink app over cco's real server, in this process) and decides with its keys.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { render } from 'ink-testing-library';
import { createElement } from 'react';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { claudeRunArgs } from '../../src/commands/run.js';
import { App } from '../../src/tui/App.js';
import { answerOf, type Question } from '../../src/tui/questions.js';
import { startTestServer } from '../helpers/server.js';
import type { Step } from './fake-anthropic.js';
import { PRINT, createWorld, resultOf, until, type World } from './harness.js';

const PLAN = [
  '# Add rate limiting',
  '',
  '## Steps',
  '1. Add `rateLimit()` to **src/auth.ts**',
  '   - keep _old_ sessions',
  '2. Test it',
  '',
  '```ts',
  'rateLimit({ max: 3 });',
  '```',
  '',
].join('\n');

const QUESTIONS: Question[] = [
  {
    question: 'Which database should we use?',
    header: 'Database',
    multiSelect: false,
    options: [
      { label: 'Postgres', description: 'relational' },
      { label: 'SQLite', description: 'one file' },
    ],
  },
  {
    question: 'Which features should ship first?',
    header: 'Features',
    multiSelect: true,
    options: [
      { label: 'Auth', description: 'login' },
      { label: 'Search', description: 'full text' },
      { label: 'Export, CSV', description: 'a label with a comma' },
    ],
  },
];

/**
 * Claude Code names the plan file only in the conversation ("create your plan at …"). A proxy in
 * front of the fake API reads it there and gives it to the script's Write before the fake answers,
 * so the model writes its plan where plan mode lets it, as a real model does.
 */
async function planFileProxy(world: World, write: { input: Record<string, unknown> }): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const path = /create your plan at (\/[^\s"\\]+\.md)/.exec(body)?.[1];
      if (path) write.input.file_path = path;
      const target = new URL(world.api.url);
      const out = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      out.on('error', () => res.destroy());
      out.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** A model that writes PLAN to its plan file, then asks to leave plan mode (with other text in its own `plan` argument). */
async function planWorld(before: Step[] = []) {
  const write = { tool: 'Write', input: { file_path: '/plan-file-not-named-yet.md', content: PLAN } as Record<string, unknown> };
  const w = await createWorld([...before, write, { tool: 'ExitPlanMode', input: { plan: 'the model’s own copy, replaced by the file' } }]);
  const baseUrl = await planFileProxy(w, write);
  return { w, env: { ANTHROPIC_BASE_URL: baseUrl }, exitStep: before.length + 1 };
}

const PLAN_ARGS = ['-p', 'plan the change', ...PRINT, '--permission-mode', 'plan'];

describe('ExitPlanMode through cco (real Claude Code, plan mode)', () => {
  it('arrives with the plan file as input.plan; a denial with a message is the feedback the model reads next', async () => {
    const { w, env, exitStep } = await planWorld();
    await w.serve();
    const claude = w.claude(['run', '--agent', 'planner', '--', ...PLAN_ARGS], { via: 'cco', env });
    const call = await until(
      async () => (await w.pending())[0],
      () => `ExitPlanMode to reach cco; claude said: ${claude.output()}`,
    );

    // The Write of the plan file never reached cco: plan mode allows that one file.
    expect(call.toolName).toBe('ExitPlanMode');
    expect(call.input.plan).toBe(PLAN);
    expect(call.input.planFilePath).toMatch(/\/home\/\.claude\/plans\/[^/]+\.md$/);
    const feedback = 'Add a step that runs the whole test suite before the rate limit ships.';
    const requestsBefore = w.api.requests.length;
    await w.decide(call.id, 'deny', { message: feedback });
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(w.api.requests.length).toBeGreaterThan(requestsBefore);
    expect(w.api.results.find((r) => r.toolUseId === w.api.toolUseId(exitStep))).toMatchObject({ content: feedback, isError: true });
    expect(resultOf(run).permission_denials).toEqual([
      expect.objectContaining({ tool_name: 'ExitPlanMode', tool_input: expect.objectContaining({ plan: PLAN }) }),
    ]);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({
      tool: 'ExitPlanMode',
      behavior: 'deny',
      decidedBy: 'user',
      message: feedback,
      agent: 'planner',
    });
    expect(w.api.escaped).toEqual([]);
  });

  it('an allow approves the plan: the model reads that it may start, with the plan', async () => {
    const { w, env, exitStep } = await planWorld();
    await w.serve();
    const claude = w.claude(['run', '--', ...PLAN_ARGS], { via: 'cco', env });
    const call = await until(
      async () => (await w.pending())[0],
      () => `ExitPlanMode to reach cco; claude said: ${claude.output()}`,
    );
    await w.decide(call.id, 'approve');
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    const result = w.api.results.find((r) => r.toolUseId === w.api.toolUseId(exitStep))!;
    expect(result.isError).toBe(false);
    expect(result.content).toMatch(/^User has approved your plan\./);
    expect(result.content).toContain(`## Approved Plan:\n${PLAN.trimEnd()}`);
  });
});

describe('AskUserQuestion through cco (real Claude Code, -p)', () => {
  const answered = async (answers: Record<string, string> | undefined) => {
    const w = await createWorld([{ tool: 'AskUserQuestion', input: { questions: QUESTIONS } }]);
    await w.serve();
    const claude = w.claude(['run', '--', '-p', 'ask me', ...PRINT], { via: 'cco' });
    const call = await until(
      async () => (await w.pending())[0],
      () => `AskUserQuestion to reach cco; claude said: ${claude.output()}`,
    );
    expect(call).toMatchObject({ toolName: 'AskUserQuestion', input: { questions: QUESTIONS } });
    await w.decide(call.id, 'approve', answers ? { updatedInput: { ...call.input, answers } } : {});
    const run = await claude.done;
    expect(run.code, run.stderr).toBe(0);
    expect(w.api.escaped).toEqual([]);
    return w.api.results[0]!;
  };

  it("options picked are answers Claude Code recognises as its own options, the console's way of joining several included", async () => {
    const [db, features] = QUESTIONS as [Question, Question];
    const answers = { [db.question]: answerOf(db, [1], undefined)!, [features.question]: answerOf(features, [0, 2], undefined)! };
    expect(answers[features.question]).toBe('Auth, "Export, CSV"');
    const result = await answered(answers);
    expect(result).toMatchObject({ isError: false });
    // This sentence is Claude Code's for answers that are all labels of the options offered.
    expect(result.content).toBe(
      'Your questions have been answered: "Which database should we use?"="SQLite", "Which features should ship first?"="Auth, "Export, CSV"". You can now continue with these answers in mind.',
    );
  });

  it('an answer of your own is read as the user’s words', async () => {
    const [db, features] = QUESTIONS as [Question, Question];
    const answers = { [db.question]: answerOf(db, [], 'MySQL 8, we already run it')!, [features.question]: answerOf(features, [1], 'Billing')! };
    const result = await answered(answers);
    expect(result.content).toMatch(
      /^The user answered: "Which database should we use\?"="MySQL 8, we already run it", "Which features should ship first\?"="Search, Billing"\. Read the answers carefully/,
    );
  });

  it('allowed without answers, the model reads that the user did not answer (why a opens the questions in the console)', async () => {
    const result = await answered(undefined);
    expect(result).toMatchObject({ content: 'The user did not answer the questions.', isError: false });
  });
});

describe('the console answers questions and a plan (real Claude Code, the Ink console over cco’s server)', () => {
  it('a, 2, 1 3, Enter, Enter answers the questions; D, the feedback, Enter denies the plan', async () => {
    const { w, env, exitStep } = await planWorld([{ tool: 'AskUserQuestion', input: { questions: QUESTIONS } }]);
    const cco = await startTestServer();
    onTestFinished(() => cco.close());
    const ui = render(createElement(App, { source: cco.broker, url: cco.server.mcpUrl, version: '0.0.0', onQuit: () => undefined, decisionGuardMs: 0 }));
    onTestFinished(() => ui.unmount());
    const frame = () => ui.lastFrame() ?? '';
    const press = async (keys: string, until: () => boolean) => {
      ui.stdin.write(keys);
      await vi.waitFor(() => expect(until(), `after ${JSON.stringify(keys)}:\n${frame()}`).toBe(true), { timeout: 5000 });
    };

    const claude = w.claude(claudeRunArgs(cco.server.mcpUrl, 'planner', PLAN_ARGS), { env });
    await until(
      () => frame().includes('Which features should ship first?'),
      () => `the questions on screen; claude said: ${claude.output()}\n${frame()}`,
    );
    expect(frame()).toContain('3. Export, CSV — a label with a comma');
    await press('a', () => frame().includes('1/2 [Database] Which database should we use? (pick one)'));
    await press('2', () => frame().includes('2/2 [Features]'));
    await press('13', () => frame().includes('picked: 1, 3'));
    await press('\r', () => frame().includes('Send these 2 answers'));
    await press('\r', () => frame().includes('with your answers'));

    await until(
      () => frame().includes('# Add rate limiting'),
      () => `the plan on screen; claude said: ${claude.output()}\n${frame()}`,
    );
    for (const line of ['## Steps', '1. Add `rateLimit()` to **src/auth.ts**', '   - keep _old_ sessions', '```ts', '│ rateLimit({ max: 3 });'])
      expect(frame()).toContain(line);
    expect(frame()).toContain('a approve plan');
    const feedback = 'Split step 1: first the limiter, then its config.';
    await press('D', () => frame().includes('Feedback on the plan (the model reads it):'));
    await press(`${feedback}\r`, () => frame().includes('Denied'));
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(w.api.results[0]).toMatchObject({
      isError: false,
      content:
        'Your questions have been answered: "Which database should we use?"="SQLite", "Which features should ship first?"="Auth, "Export, CSV"". You can now continue with these answers in mind.',
    });
    expect(w.api.results.find((r) => r.toolUseId === w.api.toolUseId(exitStep))).toMatchObject({ content: feedback, isError: true });
    expect(w.api.escaped).toEqual([]);
  });
});
