/**
 * A person may take longer than Claude Code's idle limit to decide. With cco's progress every
 * 500 ms, a call waits past the point where Claude aborts a silent one (idle-control.test.ts),
 * and the command allowed afterwards runs.
 */
import { describe, expect, it } from 'vitest';
import { createWorld } from './harness.js';
import { outliveIdleLimitThenApprove, script, startClaude } from './idle-limit.js';

describe("Claude Code's idle limit (real Claude Code)", () => {
  it('a wait longer than the idle limit survives thanks to progress, and the allowed command runs', { timeout: 150_000 }, async () => {
    const w = await createWorld(script);
    await w.serve('--progress-interval', '500ms');
    const claude = startClaude(w);
    await outliveIdleLimitThenApprove(w, claude);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'allow', decidedBy: 'user' });
  });
});
