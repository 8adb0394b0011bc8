import { describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { NotPendingError } from '../../src/core/errors.js';
import type { Decision, Policy, ToolCall } from '../../src/core/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

const bash = (command: string): ToolCall => ({ toolName: 'Bash', input: { command } });

function setup(opts: { policy?: Policy; timeoutMs?: number; timeoutAction?: 'deny' | 'interrupt'; onError?: (e: unknown) => void } = {}) {
  const clock = new FakeClock();
  let n = 0;
  const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: opts.timeoutMs ?? 60_000, ...opts });
  return { clock, broker };
}

describe('Broker: a call waits for a decision', () => {
  it('is pending until decided, then resolves with that decision', async () => {
    const { broker, clock } = setup();
    const p = broker.request(bash('npm test'));
    expect(broker.snapshot().pending.map((c) => c.id)).toEqual(['c1']);
    expect(broker.snapshot().pending[0]).toMatchObject({ receivedAt: clock.now(), deadline: clock.now() + 60_000 });
    clock.advance(1500);
    const d = broker.decide('c1', { behavior: 'allow' });
    await expect(p).resolves.toEqual(d);
    expect(d).toEqual({ behavior: 'allow', updatedInput: { command: 'npm test' }, decidedBy: 'user', at: clock.now() });
    expect(broker.snapshot().pending).toEqual([]);
    expect(broker.snapshot().recent[0]).toMatchObject({ id: 'c1', decision: d });
    expect(clock.activeTimers).toBe(0);
  });

  it.each([
    ['allow, input unchanged', { behavior: 'allow' } as const, { behavior: 'allow', updatedInput: { command: 'rm x' }, decidedBy: 'user' }],
    [
      'allow with the same input is not an edit',
      { behavior: 'allow', updatedInput: { command: 'rm x' } } as const,
      { behavior: 'allow', updatedInput: { command: 'rm x' }, decidedBy: 'user' },
    ],
    [
      'allow with edited input',
      { behavior: 'allow', updatedInput: { command: 'rm -i x' } } as const,
      { behavior: 'allow', updatedInput: { command: 'rm -i x' }, edited: true, decidedBy: 'user' },
    ],
    ['deny with a message', { behavior: 'deny', message: 'use trash instead' } as const, { behavior: 'deny', message: 'use trash instead', decidedBy: 'user' }],
    ['deny without a message gets one', { behavior: 'deny' } as const, { behavior: 'deny', message: 'Denied by the user in cco.', decidedBy: 'user' }],
    [
      'deny with a blank message gets one',
      { behavior: 'deny', message: '   ' } as const,
      { behavior: 'deny', message: 'Denied by the user in cco.', decidedBy: 'user' },
    ],
    [
      'deny with interrupt',
      { behavior: 'deny', message: 'stop', interrupt: true } as const,
      { behavior: 'deny', message: 'stop', interrupt: true, decidedBy: 'user' },
    ],
  ])('%s', async (_name, verdict, expected) => {
    const { broker } = setup();
    const p = broker.request(bash('rm x'));
    broker.decide('c1', verdict);
    expect(await p).toMatchObject(expected);
    if (!('edited' in expected)) expect((await p).edited).toBeUndefined();
  });

  it('decides the call it is asked to, never a neighbour', async () => {
    const { broker } = setup();
    const calls = ['a', 'b', 'c', 'd'].map((c) => broker.request(bash(c)));
    broker.decide('c3', { behavior: 'allow' });
    broker.decide('c1', { behavior: 'deny', message: 'no a' });
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['b', 'd']);
    expect(await calls[2]).toMatchObject({ behavior: 'allow', updatedInput: { command: 'c' } });
    expect(await calls[0]).toMatchObject({ behavior: 'deny', message: 'no a' });
  });

  it('refuses a second decision with an error that says so', async () => {
    const { broker } = setup();
    void broker.request(bash('x'));
    broker.decide('c1', { behavior: 'allow' });
    expect(() => broker.decide('c1', { behavior: 'deny' })).toThrow(NotPendingError);
    expect(() => broker.decide('c1', { behavior: 'deny' })).toThrow(/already decided/);
    expect(() => broker.decide('nope', { behavior: 'allow' })).toThrow(/No pending call with id nope/);
    expect(broker.snapshot().counts).toMatchObject({ allowed: 1, denied: 0 });
  });
});

describe('Broker: timeouts', () => {
  it('denies at the deadline with a message that names the timeout, distinct from a person', async () => {
    const { broker, clock } = setup({ timeoutMs: 5 * 60_000 });
    const p = broker.request(bash('x'));
    clock.advance(5 * 60_000 - 1);
    expect(broker.snapshot().pending).toHaveLength(1);
    clock.advance(1);
    const d = await p;
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'timeout' });
    expect(d.message).toMatch(/Timed out.*5m.*not a person's decision/);
    expect(d.interrupt).toBeUndefined();
    expect(broker.snapshot().counts).toMatchObject({ denied: 1, timedOut: 1 });
  });

  it('timeoutAction interrupt also stops the agent run', async () => {
    const { broker, clock } = setup({ timeoutMs: 1000, timeoutAction: 'interrupt' });
    const p = broker.request(bash('x'));
    clock.advance(1000);
    expect(await p).toMatchObject({ behavior: 'deny', decidedBy: 'timeout', interrupt: true });
  });

  it('uses the per-call timeout a policy gives', async () => {
    const { broker, clock } = setup({ timeoutMs: 60_000, policy: () => ({ action: 'ask', decidedBy: 'rule:r1', timeoutMs: 10 }) });
    const p = broker.request(bash('x'));
    expect(broker.snapshot().pending[0]!.deadline - clock.now()).toBe(10);
    clock.advance(10);
    expect(await p).toMatchObject({ decidedBy: 'timeout' });
  });

  it('a decision before the deadline cancels the timer', async () => {
    const { broker, clock } = setup({ timeoutMs: 1000 });
    const p = broker.request(bash('x'));
    broker.decide('c1', { behavior: 'allow' });
    clock.advance(5000);
    expect(await p).toMatchObject({ behavior: 'allow' });
    expect(broker.snapshot().counts).toMatchObject({ allowed: 1, denied: 0, timedOut: 0 });
  });
});

describe('Broker: cancellation and shutdown', () => {
  it('an aborted signal takes the call off the queue as cancelled', async () => {
    const { broker } = setup();
    const ac = new AbortController();
    const p = broker.request(bash('x'), { signal: ac.signal });
    ac.abort();
    expect(broker.snapshot().pending).toEqual([]);
    expect(await p).toMatchObject({ behavior: 'deny', decidedBy: 'cancelled' });
    expect(broker.snapshot().counts).toMatchObject({ cancelled: 1, denied: 0 });
    expect(() => broker.decide('c1', { behavior: 'allow' })).toThrow(/already decided/);
  });

  it('a signal aborted before the request never queues the call', async () => {
    const { broker } = setup();
    const ac = new AbortController();
    ac.abort();
    expect(await broker.request(bash('x'), { signal: ac.signal })).toMatchObject({ decidedBy: 'cancelled' });
    expect(broker.snapshot().pending).toEqual([]);
  });

  it('shutdown denies every pending call and every later one', async () => {
    const { broker } = setup();
    const ps = [broker.request(bash('a')), broker.request(bash('b'))];
    broker.shutdown('cco stopped (test)');
    for (const d of await Promise.all(ps)) expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'shutdown', message: 'cco stopped (test)' });
    expect(await broker.request(bash('c'))).toMatchObject({ behavior: 'deny', decidedBy: 'shutdown' });
    expect(broker.snapshot().pending).toEqual([]);
  });
});

describe('Broker: policy and failures fail closed', () => {
  const cases: Array<[string, Policy, Partial<Decision>]> = [
    [
      'allow rule answers at once with the input',
      () => ({ action: 'allow', decidedBy: 'rule:r1' }),
      { behavior: 'allow', updatedInput: { command: 'x' }, decidedBy: 'rule:r1' },
    ],
    [
      'deny rule answers at once with its message',
      () => ({ action: 'deny', decidedBy: 'rule:r2', message: 'not here' }),
      { behavior: 'deny', message: 'not here', decidedBy: 'rule:r2' },
    ],
    [
      'deny rule without a message still sends one',
      () => ({ action: 'deny', decidedBy: 'rule:r3' }),
      { behavior: 'deny', message: 'Denied by cco (rule:r3).', decidedBy: 'rule:r3' },
    ],
    ['default allow', () => ({ action: 'allow', decidedBy: 'default' }), { behavior: 'allow', decidedBy: 'default' }],
    [
      'a throwing policy becomes a deny',
      () => {
        throw new Error('boom');
      },
      { behavior: 'deny', decidedBy: 'error' },
    ],
  ];
  it.each(cases)('%s', async (_n, policy, expected) => {
    const onError = vi.fn();
    const { broker } = setup({ policy, onError });
    const d = await broker.request(bash('x'));
    expect(d).toMatchObject(expected);
    if (d.behavior === 'deny') expect(d.message).toBeTruthy();
    expect(broker.snapshot().pending).toEqual([]);
    expect(broker.snapshot().recent[0]!.decision).toEqual(d);
  });

  it('an edited input is re-checked against the deny rules', async () => {
    const policy: Policy = (c) =>
      String(c.input.command).includes('rm -rf')
        ? { action: 'deny', decidedBy: 'rule:no-rm', message: 'never rm -rf' }
        : { action: 'ask', decidedBy: 'default' };
    const { broker } = setup({ policy });
    const p = broker.request(bash('ls'));
    const d = broker.decide('c1', { behavior: 'allow', updatedInput: { command: 'rm -rf /' } });
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'rule:no-rm', message: 'never rm -rf' });
    expect(await p).toEqual(d);
  });

  it('a throwing subscriber does not break decisions', async () => {
    const onError = vi.fn();
    const { broker } = setup({ onError });
    broker.subscribe(() => {
      throw new Error('listener bug');
    });
    const p = broker.request(bash('x'));
    broker.decide('c1', { behavior: 'allow' });
    expect(await p).toMatchObject({ behavior: 'allow' });
    expect(onError).toHaveBeenCalled();
  });
});

describe('Broker: snapshots, subscribers, events', () => {
  it('notifies once per change and keeps the snapshot stable between changes', () => {
    const { broker } = setup();
    const listener = vi.fn();
    const off = broker.subscribe(listener);
    const s0 = broker.snapshot();
    expect(broker.snapshot()).toBe(s0);
    void broker.request(bash('x'));
    expect(listener).toHaveBeenCalledTimes(1);
    const s1 = broker.snapshot();
    expect(s1).not.toBe(s0);
    expect(s1.version).toBeGreaterThan(s0.version);
    broker.decide('c1', { behavior: 'allow' });
    expect(listener).toHaveBeenCalledTimes(2);
    off();
    void broker.request(bash('y'));
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it('emits request then decision, with the wait time', () => {
    const { broker, clock } = setup({
      policy: (c) => (c.toolName === 'Read' ? { action: 'allow', decidedBy: 'rule:r' } : { action: 'ask', decidedBy: 'default' }),
    });
    const events: string[] = [];
    broker.onEvent((e) =>
      events.push(e.type === 'request' ? `request ${e.id} auto=${e.autoDecided}` : `decision ${e.id} ${e.decision.behavior} ${e.waitMs}ms`),
    );
    void broker.request(bash('x'));
    void broker.request({ toolName: 'Read', input: { file_path: '/a' } });
    clock.advance(250);
    broker.decide('c1', { behavior: 'deny' });
    expect(events).toEqual(['request c1 auto=false', 'request c2 auto=true', 'decision c2 allow 0ms', 'decision c1 deny 250ms']);
  });

  it('keeps pending oldest first and history newest first, bounded', () => {
    const clock = new FakeClock();
    let n = 0;
    const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 1000, historySize: 3 });
    for (let i = 0; i < 5; i++) void broker.request(bash(String(i)));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5']);
    for (const id of ['c2', 'c4', 'c1', 'c5']) broker.decide(id, { behavior: 'allow' });
    expect(broker.snapshot().recent.map((d) => d.id)).toEqual(['c5', 'c1', 'c4']);
  });

  it("history stays bounded and newest first over many decisions, with seeded calls behind this run's", () => {
    const clock = new FakeClock();
    let n = 0;
    const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 1000, historySize: 4, policy: () => ({ action: 'allow', decidedBy: 'rule:r' }) });
    broker.seedHistory(
      [{ id: 'old2' }, { id: 'old1' }].map((d) => ({
        ...d,
        call: bash('x'),
        receivedAt: 0,
        deadline: 0,
        decision: { behavior: 'allow', decidedBy: 'user', at: 0 },
      })),
    );
    expect(broker.snapshot().recent.map((d) => d.id)).toEqual(['old2', 'old1']);
    void broker.request(bash('a'));
    expect(broker.snapshot().recent.map((d) => d.id)).toEqual(['c1', 'old2', 'old1']);
    for (let i = 0; i < 25; i++) void broker.request(bash(String(i)));
    expect(broker.snapshot().recent.map((d) => d.id)).toEqual(['c26', 'c25', 'c24', 'c23']);
  });

  it('decideNow: decided at once like request(), or undefined with no trace when the call would wait', () => {
    const { broker } = setup({
      policy: (c) =>
        c.toolName === 'Read'
          ? { action: 'allow', decidedBy: 'rule:r' }
          : c.toolName === 'Write'
            ? { action: 'deny', decidedBy: 'rule:w' }
            : { action: 'ask', decidedBy: 'default' },
    });
    const events: string[] = [];
    broker.onEvent((e) => events.push(`${e.type} ${e.id}`));
    expect(broker.decideNow(bash('x'))).toBeUndefined();
    expect(events).toEqual([]);
    expect(broker.snapshot().pending).toEqual([]);
    expect(broker.decideNow({ toolName: 'Read', input: { file_path: '/a' } })).toMatchObject({
      behavior: 'allow',
      updatedInput: { file_path: '/a' },
      decidedBy: 'rule:r',
    });
    expect(broker.decideNow({ toolName: 'Write', input: {} })).toMatchObject({ behavior: 'deny', message: 'Denied by cco (rule:w).', decidedBy: 'rule:w' });
    expect(events).toEqual(['request c1', 'decision c1', 'request c2', 'decision c2']);
    broker.shutdown('stopping');
    expect(broker.decideNow(bash('y'))).toMatchObject({ behavior: 'deny', decidedBy: 'shutdown' });
  });

  it('never reuses an id that is pending or recently decided', () => {
    const ids = ['dup', 'dup', 'dup', 'x2', 'x3'];
    const broker = new Broker({ clock: new FakeClock(), newId: () => ids.shift()!, timeoutMs: 1000 });
    void broker.request(bash('a'));
    void broker.request(bash('b'));
    broker.decide('x2', { behavior: 'allow' });
    void broker.request(bash('c'));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['dup', 'x3']);
  });
});
