/**
 * The http hook route with the real Claude Code CLI: `claude -p` with only the hook (no
 * --permission-prompt-tool), decided by rules and by a person; and `-p` with both routes, where
 * every question is answered in one place and the audit log has one decision per call.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, resultOf, until } from './harness.js';

describe('claude -p through the http hook only (real Claude Code)', () => {
  it('a rule allows: the command runs, the audit log names the hook route and the session', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'touch hooked.txt', description: 'Create a file' } }]);
    expect((await w.ccoRun('rules', 'add', 'Bash(touch hooked.txt)', '--allow')).code).toBe(0);
    await w.serve();

    const run = await w.claude(['run', '--via', 'hooks', '--agent', 'hooker', '--', '-p', 'create hooked.txt', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'hooked.txt'))).toBe(true);
    expect(w.api.results).toEqual([expect.objectContaining({ toolUseId: w.api.toolUseId(0), isError: false })]);
    const decisions = w.audit().filter((e) => e.event === 'decision');
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      tool: 'Bash',
      behavior: 'allow',
      decidedBy: 'rule:r1',
      agent: 'hooker',
      cwd: w.work,
      route: 'claude-hook',
      conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    expect(w.api.escaped).toEqual([]);
  });

  it('a rule denies: the command does not run and the model reads the rule message verbatim', async () => {
    const message = "Don't delete files; move them to ./trash instead.";
    const w = await createWorld([{ tool: 'Bash', input: { command: 'rm -f keep.txt', description: 'Delete a file' } }]);
    writeFileSync(join(w.work, 'keep.txt'), 'keep me\n');
    expect((await w.ccoRun('rules', 'add', 'Bash(rm:*)', '--deny', '-m', message)).code).toBe(0);
    await w.serve();

    const run = await w.claude(['run', '--via', 'hooks', '--', '-p', 'delete keep.txt', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'keep.txt'), 'utf8')).toBe('keep me\n');
    expect(w.api.results[0]).toMatchObject({ toolUseId: w.api.toolUseId(0), isError: true });
    expect(w.api.results[0]!.content).toBe(message);
    expect(w.audit().filter((e) => e.event === 'decision')).toEqual([expect.objectContaining({ behavior: 'deny', decidedBy: 'rule:r1', message })]);
  });

  it('a person decides through the API: the waiting call shows route, session id, cwd and mode; the allow runs it', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo hooked > person.txt', description: 'Write a file' } }]);
    await w.serve();
    const claude = w.claude(['run', '--via', 'hooks', '--', '-p', 'write person.txt', ...PRINT], { via: 'cco' });
    const call = await until(
      async () => (await w.pending())[0],
      () => `the call to reach cco; claude said: ${claude.output()}`,
    );
    expect(call.agent).toMatchObject({ route: 'claude-hook', cwd: w.work, conversationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await w.decide(call.id, 'approve');
    const run = await claude.done;
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'person.txt'), 'utf8')).toBe('hooked\n');
    expect(w.api.results[0]).toMatchObject({ isError: false });
  });

  it('AskUserQuestion does not exist in a -p run without a prompt tool: Claude Code disables it, nothing reaches cco', async () => {
    const questions = [
      {
        question: 'Which database should we use?',
        header: 'Database',
        multiSelect: false,
        options: [
          { label: 'Postgres', description: 'relational' },
          { label: 'SQLite', description: 'one file' },
        ],
      },
    ];
    const w = await createWorld([{ tool: 'AskUserQuestion', input: { questions } }]);
    await w.serve();
    const run = await w.claude(['run', '--via', 'hooks', '--', '-p', 'ask me', ...PRINT], { via: 'cco' }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(w.api.results[0]).toMatchObject({ isError: true, content: expect.stringContaining('AskUserQuestion is disabled for this session') });
    expect(w.audit()).toEqual([]);
  });

  it('cco is not running: the hook fails and Claude denies the ask (no prompt tool decides)', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'touch nobody.txt', description: 'Create a file' } }]);
    const settings = JSON.stringify({
      hooks: {
        PermissionRequest: [
          { matcher: '*', hooks: [{ type: 'http', url: 'http://127.0.0.1:9/hooks/claude/permission-request', timeout: 30, onFailure: 'continue' }] },
        ],
      },
    });
    const run = await w.claude(['--settings', settings, '-p', 'create nobody.txt', ...PRINT]).done;
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'nobody.txt'))).toBe(false);
    expect(w.api.results[0]).toMatchObject({ isError: true });
    expect(resultOf(run).permission_denials).toEqual([expect.objectContaining({ tool_name: 'Bash' })]);
  });
});

describe('claude -p with both the hook and the MCP prompt tool (real Claude Code)', () => {
  it('every call is answered once: one waiting call per question, one audit decision each', async () => {
    const w = await createWorld([
      { tool: 'Bash', input: { command: 'echo one > one.txt', description: 'Write one' } },
      { tool: 'Bash', input: { command: 'echo two > two.txt', description: 'Write two' } },
      { tool: 'Bash', input: { command: 'touch three.txt', description: 'Write three' } },
    ]);
    expect((await w.ccoRun('rules', 'add', 'Bash(touch three.txt)', '--allow')).code).toBe(0);
    await w.serve();
    const claude = w.claude(['run', '--via', 'both', '--agent', 'both', '--', '-p', 'write files', ...PRINT], { via: 'cco' });

    const first = await until(
      async () => (await w.pending())[0],
      () => `the first call; claude said: ${claude.output()}`,
    );
    // The hook's copy waits a moment for its twin, then leaves it to the MCP route: one call shown.
    expect(await w.pending()).toHaveLength(1);
    await w.decide(first.id, 'approve');
    const second = await until(
      async () => (await w.pending()).find((p) => p.id !== first.id),
      () => `the second call; claude said: ${claude.output()}`,
    );
    expect(await w.pending()).toHaveLength(1);
    await w.decide(second.id, 'deny', { message: 'Not two, please.' });
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'one.txt'), 'utf8')).toBe('one\n');
    expect(existsSync(join(w.work, 'two.txt'))).toBe(false);
    expect(existsSync(join(w.work, 'three.txt'))).toBe(true);
    expect(w.api.results.map((r) => [r.isError, r.content.slice(0, 40)])).toEqual([
      [false, expect.any(String)],
      [true, 'Not two, please.'],
      [false, expect.any(String)],
    ]);
    const decisions = w.audit().filter((e) => e.event === 'decision');
    expect(decisions.map((d) => [d.input.command, d.behavior, d.decidedBy])).toEqual([
      ['echo one > one.txt', 'allow', 'user'],
      ['echo two > two.txt', 'deny', 'user'],
      ['touch three.txt', 'allow', 'rule:r1'],
    ]);
    expect(w.audit().filter((e) => e.event === 'request')).toHaveLength(3);
    expect(w.api.escaped).toEqual([]);
  });

  it('hooks in the user settings (cco setup --hooks) and cco run --via both: Claude posts to both hooks, still one call and one decision', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo a > a.txt', description: 'Write a' } }]);
    await w.serve();
    const setup = await w.ccoRun('setup', '--hooks', '--scope', 'user');
    expect(setup.code, setup.stderr).toBe(0);
    const claude = w.claude(['run', '--via', 'both', '--', '-p', 'write a', ...PRINT], { via: 'cco' });
    const call = await until(
      async () => (await w.pending())[0],
      () => `the call; claude said: ${claude.output()}`,
    );
    // Past the hooks' pairing wait: the MCP call is the only one shown.
    await until(async () => w.audit().length >= 1, 'the request in the audit log');
    expect((await w.pending()).map((p) => p.agent.route)).toEqual([undefined]);
    await w.decide(call.id, 'approve');
    const run = await claude.done;
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'a.txt'), 'utf8')).toBe('a\n');
    expect(w.audit().map((e) => `${e.event}:${e.decidedBy ?? ''}`)).toEqual(['request:', 'decision:user']);
  });
});
