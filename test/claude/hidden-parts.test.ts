/**
 * Commands whose hidden part used to run past an allow rule (issue #13), sent by the real Claude
 * Code CLI: a here-document body that swallowed a real command, a substitution inside arithmetic,
 * a redirection to a file outside the project. cco's rules must not let the hidden part run.
 * Each command writes a file, so Claude asks cco about it; nobody decides, so a call cco sends to
 * a person ends in cco's timeout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld } from './harness.js';

const CASES: Array<{ name: string; rules: string[][]; command: (work: string) => string; file: (work: string) => string }> = [
  {
    name: 'here-document body',
    rules: [['Bash(cat:*)', '--allow']],
    command: () => "cat <<EOF\ncat 'x\nEOF\ntouch heredoc.txt #'",
    file: (work) => join(work, 'heredoc.txt'),
  },
  {
    name: 'substitution inside arithmetic',
    rules: [['Bash(echo:*)', '--allow']],
    command: () => "echo $['$(touch arith.txt)']",
    file: (work) => join(work, 'arith.txt'),
  },
  {
    name: 'redirection outside the project',
    rules: [['Bash(echo:*)', '--allow']],
    command: (work) => `echo pwned > ${join(work, '..', 'outside-redirect.txt')}`,
    file: (work) => join(work, '..', 'outside-redirect.txt'),
  },
];

describe('hidden parts do not run (real Claude Code)', () => {
  it.each(CASES)('$name', async ({ rules, command, file }) => {
    let cmd = '';
    const w = await createWorld((work) => {
      cmd = command(work);
      return [{ tool: 'Bash', input: { command: cmd, description: 'Run a command' } }];
    });
    for (const r of rules) expect((await w.ccoRun('rules', 'add', ...(r as [string, string]))).code).toBe(0);
    await w.serve('--timeout', '2s');

    const run = await w.claude(['run', '--', '-p', 'run the command', ...PRINT], { via: 'cco' }).done;

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(file(w.work)), `${file(w.work)} was written`).toBe(false);
    // Claude asked cco, and cco did not allow it.
    const decision = w.audit().find((e) => e.event === 'decision');
    expect(decision).toMatchObject({ tool: 'Bash', input: { command: cmd }, behavior: 'deny', decidedBy: 'timeout' });
    expect(w.api.results[0]).toMatchObject({ isError: true });
  });
});
