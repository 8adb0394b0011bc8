/**
 * Write-back with the real Claude Code CLI (issue #15, item 5): an allow that carries
 * `updatedPermissions` with `destination: session` makes Claude save the rule for its run, so
 * the next identical call does not reach cco at all (not shown, not audited).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, resultOf, until } from './harness.js';

describe('write-back to Claude (real Claude Code)', () => {
  it('an allow with updatedPermissions for the session: the next identical call skips cco', async () => {
    const step = { tool: 'Bash', input: { command: 'touch wb.txt', description: 'Create a file' } };
    const w = await createWorld([step, step]);
    await w.serve();

    const claude = w.claude(['run', '--', '-p', 'touch wb.txt twice', ...PRINT], { via: 'cco' });
    const call = await until(
      async () => (await w.pending())[0],
      () => `the first call to reach cco; claude said: ${claude.output()}`,
    );
    expect(call).toMatchObject({ toolName: 'Bash', input: { command: 'touch wb.txt' } });
    const updatedPermissions = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'touch wb.txt' }], behavior: 'allow', destination: 'session' }];
    await w.decide(call.id, 'approve', { updatedPermissions });

    const run = await claude.done;
    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run).result).toBe('Done.');
    expect(existsSync(join(w.work, 'wb.txt'))).toBe(true);
    // Both calls ran; only the first was ever asked of cco.
    expect(w.api.results).toEqual([
      expect.objectContaining({ toolUseId: w.api.toolUseId(0), isError: false }),
      expect.objectContaining({ toolUseId: w.api.toolUseId(1), isError: false }),
    ]);
    const requests = w.audit().filter((e) => e.event === 'request');
    expect(requests).toHaveLength(1);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'allow', decidedBy: 'user', updatedPermissions });
  });

  it('without updatedPermissions the identical call reaches cco again (the control)', async () => {
    const step = { tool: 'Bash', input: { command: 'touch wb.txt', description: 'Create a file' } };
    const w = await createWorld([step, step]);
    await w.serve();
    const claude = w.claude(['run', '--', '-p', 'touch wb.txt twice', ...PRINT], { via: 'cco' });
    const first = await until(
      async () => (await w.pending())[0],
      () => `the first call; claude said: ${claude.output()}`,
    );
    await w.decide(first.id, 'approve');
    const second = await until(
      async () => (await w.pending()).find((p) => p.id !== first.id),
      () => `the second call; claude said: ${claude.output()}`,
    );
    await w.decide(second.id, 'approve');
    const run = await claude.done;
    expect(run.code, run.stderr).toBe(0);
    expect(w.audit().filter((e) => e.event === 'request')).toHaveLength(2);
  });
});
