/**
 * The control for idle.test.ts: the same shortened idle limit, but cco's progress far apart.
 * Claude aborts the silent call (closing its request, no cancel message), the model gets Claude's
 * idle error, and cco takes the call off its queue as cancelled.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorld, until } from './harness.js';
import { script, startClaude } from './idle-limit.js';

describe("Claude Code's idle limit (real Claude Code)", () => {
  it('without progress inside the limit, Claude aborts the call and cco records it as cancelled', { timeout: 150_000 }, async () => {
    const w = await createWorld(script);
    await w.serve('--progress-interval', '200s');
    const claude = startClaude(w);
    const decision = await until(
      () => w.audit().find((e) => e.event === 'decision'),
      () => `Claude to abort the silent call; claude said: ${claude.output()}`,
      90_000,
      250,
    );
    const run = await claude.done;

    expect(decision).toMatchObject({ behavior: 'deny', decidedBy: 'cancelled' });
    expect(existsSync(join(w.work, 'late.txt'))).toBe(false);
    expect(run.code, run.stderr).toBe(0);
    expect(w.api.results).toHaveLength(1);
    expect(w.api.results[0]).toMatchObject({ isError: true });
    expect(w.api.results[0]!.content).toMatch(/sent no response or progress for \d+s; aborting/);
    expect(w.api.escaped).toEqual([]);
  });
});
