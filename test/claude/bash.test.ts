/**
 * Bash calls of the real Claude Code CLI, decided by cco: by a rule, by a rule with a message the
 * model must read, and by a person who edits the command before allowing it.
 * Read-only commands never reach a permission tool, so every command here writes a file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, resultOf, until } from './harness.js';

describe('Bash through cco (real Claude Code)', () => {
  it('a command allowed by a cco rule runs, and the model sees its success', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'touch allowed.txt', description: 'Create a file' } }]);
    expect((await w.ccoRun('rules', 'add', 'Bash(touch allowed.txt)', '--allow')).code).toBe(0);
    await w.serve();

    const run = await w.claude(['run', '--agent', 'builder', '--', '-p', 'create allowed.txt', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run).result).toBe('Done.');
    expect(existsSync(join(w.work, 'allowed.txt'))).toBe(true);
    expect(w.api.results).toEqual([expect.objectContaining({ toolUseId: w.api.toolUseId(0), isError: false })]);
    const decision = w.audit().find((e) => e.event === 'decision');
    expect(decision).toMatchObject({
      tool: 'Bash',
      input: { command: 'touch allowed.txt' },
      behavior: 'allow',
      decidedBy: 'rule:r1',
      agent: 'builder',
      cwd: w.work,
    });
    // All Claude asked of the API: two streamed turns (the tool call, then the final text).
    expect(w.api.requests.map((r) => `${r.method} ${r.path.split('?')[0]} ${r.stream ? 'stream' : ''}`)).toEqual([
      'POST /v1/messages stream',
      'POST /v1/messages stream',
    ]);
    expect(w.api.escaped).toEqual([]);
  });

  it('a command denied by a rule does not run, and the model reads the rule message verbatim', async () => {
    const message = "Don't delete files; move them to ./trash instead.";
    const w = await createWorld([{ tool: 'Bash', input: { command: 'rm -f keep.txt', description: 'Delete a file' } }]);
    writeFileSync(join(w.work, 'keep.txt'), 'keep me\n');
    expect((await w.ccoRun('rules', 'add', 'Bash(rm:*)', '--deny', '-m', message)).code).toBe(0);
    await w.serve();

    const run = await w.claude(['run', '--', '-p', 'delete keep.txt', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'keep.txt'), 'utf8')).toBe('keep me\n');
    expect(w.api.results).toHaveLength(1);
    expect(w.api.results[0]).toMatchObject({ toolUseId: w.api.toolUseId(0), isError: true });
    expect(w.api.results[0]!.content).toBe(message);
    expect(resultOf(run).permission_denials).toEqual([
      expect.objectContaining({ tool_name: 'Bash', tool_input: expect.objectContaining({ command: 'rm -f keep.txt' }) }),
    ]);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'deny', decidedBy: 'rule:r1', message });
    expect(w.api.escaped).toEqual([]);
  });

  it('a person edits the command through the decision API; the edited command is what runs', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo original > edited.txt', description: 'Write a file' } }]);
    await w.serve();

    const claude = w.claude(['run', '--agent', 'api', '--', '-p', 'write edited.txt', ...PRINT], { via: 'cco' });
    const call = await until(
      async () => (await w.pending())[0],
      () => `the call to reach cco; claude said: ${claude.output()}`,
    );

    // What cco knows about the agent: the name from `cco run --agent`, the cwd from roots/list.
    expect(call).toMatchObject({ toolName: 'Bash', input: { command: 'echo original > edited.txt' }, agentLabel: 'api' });
    expect(call.agent).toMatchObject({ name: 'api', cwd: w.work, client: { name: 'claude-code' } });

    await w.decide(call.id, 'approve', { updatedInput: { command: 'echo edited > edited.txt', description: 'Write a file' } });
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(w.work, 'edited.txt'), 'utf8')).toBe('edited\n');
    expect(w.api.results[0]).toMatchObject({ toolUseId: w.api.toolUseId(0), isError: false });
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'allow', decidedBy: 'user', agent: 'api' });
    expect(w.api.escaped).toEqual([]);
  });

  it("nobody decides: cco's own timeout denies, and the model reads that it timed out (not a person's denial)", async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo late > late.txt', description: 'Write a file' } }]);
    await w.serve('--timeout', '2s');

    const run = await w.claude(['run', '--', '-p', 'write late.txt', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'late.txt'))).toBe(false);
    expect(w.api.results[0]).toMatchObject({ isError: true });
    expect(w.api.results[0]!.content).toMatch(/^Timed out: nobody decided this call in cco within 2s/);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'deny', decidedBy: 'timeout' });
    expect(w.api.escaped).toEqual([]);
  });

  it('a read-only command never reaches cco: Claude runs it without asking', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'ls', description: 'List files' } }]);
    writeFileSync(join(w.work, 'seen.txt'), '');
    await w.serve();

    const run = await w.claude(['run', '--', '-p', 'list the files', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(w.api.results).toEqual([expect.objectContaining({ isError: false, content: expect.stringContaining('seen.txt') })]);
    expect(w.audit()).toEqual([]);
  });
});
