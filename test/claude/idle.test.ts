/**
 * A person may take longer than Claude Code's idle limit to decide. With cco's progress every
 * 500 ms, a call waits past the point where Claude aborts a silent one (idle-control.test.ts),
 * and the command allowed afterwards runs.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWorld, until } from './harness.js';
import { WAIT_MS, script, startClaude } from './idle-limit.js';

describe("Claude Code's idle limit (real Claude Code)", () => {
  it('a wait longer than the idle limit survives thanks to progress, and the allowed command runs', { timeout: 150_000 }, async () => {
    const w = await createWorld(script);
    await w.serve('--progress-interval', '500ms');
    const claude = startClaude(w);
    const call = await until(async () => (await w.pending())[0], () => `the call to reach cco; claude said: ${claude.output()}`);
    const since = Date.now();
    // Poll until the call has waited past Claude's watchdog tick and is still pending.
    await until(async () => Date.now() - since > WAIT_MS && (await w.pending()).length === 1, 'the call to outlive the idle limit', WAIT_MS + 20_000, 500);

    await w.decide(call.id, 'approve');
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'late.txt'))).toBe(true);
    expect(w.api.results).toEqual([expect.objectContaining({ isError: false })]);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'allow', decidedBy: 'user' });
    expect(w.api.escaped).toEqual([]);
  });
});
