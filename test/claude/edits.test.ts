/**
 * Write and Edit calls of the real Claude Code CLI go through cco: Write allowed by a path rule
 * relative to the agent's working directory (which cco learns with roots/list), Edit allowed by a
 * person; both land on disk. cco is given to claude as a file from `cco mcp-config`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, until } from './harness.js';

describe('Write and Edit through cco (real Claude Code)', () => {
  it('Write is allowed by a rule, Edit by a person; the file holds both', async () => {
    const w = await createWorld((work) => [
      { tool: 'Write', input: { file_path: join(work, 'notes', 'todo.md'), content: 'one\ntwo\n' } },
      { tool: 'Edit', input: { file_path: join(work, 'notes', 'todo.md'), old_string: 'two', new_string: 'three' } },
    ]);
    const target = join(w.work, 'notes', 'todo.md');
    expect((await w.ccoRun('rules', 'add', 'Write(./notes/**)', '--allow')).code).toBe(0);
    await w.serve();

    const config = await w.ccoRun('mcp-config', '--agent', 'writer');
    expect(config.code, config.stderr).toBe(0);
    const configFile = join(w.ccoHome, 'mcp.json');
    writeFileSync(configFile, config.stdout);

    const claude = w.claude(['-p', 'keep a todo list', ...PRINT, '--mcp-config', configFile, '--permission-prompt-tool', 'mcp__cco__approval_prompt']);
    const edit = await until(
      async () => (await w.pending())[0],
      () => `the Edit to reach cco; claude said: ${claude.output()}`,
    );

    // The Write was decided by the rule before the Edit arrived, and is already on disk.
    expect(readFileSync(target, 'utf8')).toBe('one\ntwo\n');
    // Claude fills in its defaults: an absolute path, replace_all.
    expect(edit).toMatchObject({
      toolName: 'Edit',
      input: { file_path: target, old_string: 'two', new_string: 'three', replace_all: false },
      agentLabel: 'writer',
    });
    await w.decide(edit.id, 'approve');
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('one\nthree\n');
    const decisions = w.audit().filter((e) => e.event === 'decision');
    expect(decisions).toMatchObject([
      { tool: 'Write', input: { file_path: target, content: 'one\ntwo\n' }, behavior: 'allow', decidedBy: 'rule:r1', cwd: w.work },
      { tool: 'Edit', behavior: 'allow', decidedBy: 'user' },
    ]);
    expect(w.api.results.map((r) => r.isError)).toEqual([false, false]);
    expect(w.api.escaped).toEqual([]);
  });
});
