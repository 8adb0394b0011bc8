import { describe, expect, it } from 'vitest';
import type { BrokerSnapshot, PendingCall } from '../../src/core/types.js';
import { applyKeys, type Effect, type StepContext } from '../../src/tui/console-keys.js';
import { type ConsoleState, initialState, markShown, reconcile, viewOf, type World } from '../../src/tui/console-state.js';
import { splitKeys } from '../../src/tui/key-events.js';

const NO_KEY = splitKeys('x', {} as never)[0]!.key;

const call = (id: string, lines = 1): PendingCall => ({
  id,
  call: { toolName: 'Bash', input: { command: Array.from({ length: lines }, (_, i) => `echo ${id}-${i}`).join('\n') } },
  receivedAt: 0,
  deadline: 60_000,
});

function world(pending: PendingCall[], height = 30): World {
  const snapshot: BrokerSnapshot = { pending, recent: [], counts: { allowed: 0, denied: 0, timedOut: 0 } as never, version: 1 };
  return {
    snapshot,
    width: 100,
    height,
    banners: 0,
    detailOf: (c) =>
      String(c.call.input.command)
        .split('\n')
        .map((text) => ({ text })),
  };
}

function ctx(w: World, now: number): StepContext {
  return {
    world: w,
    now,
    guardMs: 300,
    canEdit: true,
    canAlwaysAllow: true,
    homeDir: '/home/me',
    ruleError: () => undefined,
    waiting: () => w.snapshot.pending.length,
  };
}

/** Draw a frame: the cursor follows the calls, and what is shown counts as read. */
function draw(s: ConsoleState, w: World, now: number): ConsoleState {
  const r = reconcile(s, w, now);
  return markShown(r, viewOf(r, w));
}

function press(s: ConsoleState, w: World, now: number, input: string, key: Partial<typeof NO_KEY> = {}) {
  return applyKeys(s, splitKeys(input, { ...NO_KEY, ...key }), ctx(w, now));
}

const decided = (effects: Effect[]) => effects.flatMap((e) => (e.kind === 'decide' ? [`${e.verdict.behavior} ${e.id}`] : []));

describe('console state: the guard', () => {
  it.each([
    { name: 'a call arriving into an empty queue', at: 100, allowed: false },
    { name: 'the same, 299 ms later', at: 299, allowed: false },
    { name: 'the same, 300 ms later', at: 300, allowed: true },
  ])('$name: allowed=$allowed', ({ at, allowed }) => {
    const w = world([call('c1')]);
    const s = draw(initialState, w, 0);
    const r = press(s, w, at, 'a');
    expect(decided(r.effects)).toEqual(allowed ? ['allow c1'] : []);
    if (!allowed) expect(r.state.notice).toContain('selection just changed to c1');
  });

  it('a call ending under the cursor hands it on and starts the guard; a move by the person does not', () => {
    let w = world([call('c1'), call('c2'), call('c3')]);
    let s = draw(initialState, w, 0);
    // The person moves: no guard, the key after the move acts at once.
    let r = press(s, w, 1000, 'ja');
    expect(decided(r.effects)).toEqual(['allow c2']);
    // c2 is decided elsewhere before the key: the cursor goes to c3 by itself, and the guard holds it.
    s = draw(r.state, w, 1000);
    w = world([call('c1'), call('c3')]);
    s = draw(s, w, 1100);
    expect(viewOf(s, w).current).toBe('c3');
    r = press(s, w, 1200, 'a');
    expect(decided(r.effects)).toEqual([]);
    r = press(r.state, w, 1400, 'a');
    expect(decided(r.effects)).toEqual(['allow c3']);
  });
});

describe('console state: keys of one read', () => {
  it.each([
    { keys: 'jjj', cursor: 'c4' },
    { keys: 'jjjjjjjj', cursor: 'c5' },
    { keys: 'jjk', cursor: 'c2' },
    { keys: 'kkk', cursor: 'c1' },
  ])('$keys leaves the cursor on $cursor', ({ keys, cursor }) => {
    const w = world(['c1', 'c2', 'c3', 'c4', 'c5'].map((id) => call(id)));
    const s = draw(initialState, w, 0);
    expect(viewOf(press(s, w, 1000, keys).state, w).current).toBe(cursor);
  });

  it('a prompt reads the rest of the read as text', () => {
    const w = world([call('c1')]);
    const s = draw(initialState, w, 0);
    const r = press(s, w, 1000, 'Dada\r');
    expect(r.effects).toEqual([{ kind: 'decide', id: 'c1', verdict: { behavior: 'deny', message: 'ada' } }]);
  });

  it('a call taller than the pane is paged through before a allows it; blind repeats do nothing more', () => {
    const w = world([call('c1', 80)], 30);
    let s = draw(initialState, w, 0);
    let r = press(s, w, 1000, 'aaa');
    expect(decided(r.effects)).toEqual([]);
    const first = r.state.scroll.offset;
    expect(first).toBeGreaterThan(0);
    // Without a frame drawn in between, pressing again pages to the same place.
    r = press(r.state, w, 1000, 'a');
    expect(r.state.scroll.offset).toBe(first);
    for (let i = 0; i < 20 && decided(r.effects).length === 0; i++) {
      s = draw(r.state, w, 1000);
      r = press(s, w, 1000, 'a');
    }
    expect(decided(r.effects)).toEqual(['allow c1']);
  });

  it('d never needs the whole call shown (denying is always safe)', () => {
    const w = world([call('c1', 80)]);
    const s = draw(initialState, w, 0);
    expect(decided(press(s, w, 1000, 'd').effects)).toEqual(['deny c1']);
  });
});
