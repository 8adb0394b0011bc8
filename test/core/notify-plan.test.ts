import { describe, expect, it } from 'vitest';
import { COALESCE_MS, NotifyPlanner, QUIET_MS, type Notice, type NotifySchedule } from '../../src/core/notify-plan.js';
import type { PendingCall } from '../../src/core/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

const D = 10_000; // desktop after
const W = 60_000; // webhook after

/** One step of a scenario: at `t` ms after the start, something happens. */
type Step =
  | { t: number; arrive: string; agent?: string }
  | { t: number; leave: string }
  | { t: number; key: true }
  | { t: number; schedule: Partial<{ desktop: boolean; webhook: boolean; desktopAfterMs: number }> };

interface Sent {
  step: Notice['step'];
  t: number;
  calls: string[];
  waiting: number;
}

function run(steps: Step[], until: number, initial: Partial<{ desktop: boolean; webhook: boolean; desktopAfterMs: number }> = {}) {
  const clock = new FakeClock();
  const start = clock.now();
  const settings = { desktop: true, webhook: true, desktopAfterMs: D, ...initial };
  let lastKey: number | undefined;
  const sent: Sent[] = [];
  const schedule = (): NotifySchedule => ({
    desktop: { on: settings.desktop, afterMs: settings.desktopAfterMs },
    webhook: { on: settings.webhook, afterMs: W },
  });
  const planner = new NotifyPlanner({
    clock,
    schedule,
    keys: { lastKeyAt: () => lastKey },
    send: (n) => sent.push({ step: n.step, t: n.at - start, calls: n.calls.map((c) => c.id), waiting: n.waiting.length }),
  });
  for (const s of [...steps].sort((a, b) => a.t - b.t)) {
    clock.advance(start + s.t - clock.now());
    if ('arrive' in s) {
      const call: PendingCall = {
        id: s.arrive,
        call: { toolName: 'Bash', input: { command: 'ls' }, agent: { name: s.agent ?? 'api' } },
        receivedAt: clock.now(),
        deadline: clock.now() + 300_000,
      };
      planner.waiting(call);
    } else if ('leave' in s) planner.left(s.leave);
    else if ('key' in s) lastKey = clock.now();
    else {
      Object.assign(settings, s.schedule);
      planner.replan();
    }
  }
  clock.advance(start + until - clock.now());
  return { sent, planner, clock };
}

const burst = (n: number, every = 100): Step[] => Array.from({ length: n }, (_, i) => ({ t: i * every, arrive: `c${i + 1}`, agent: `agent${i % 3}` }));

describe('NotifyPlanner: what goes when', () => {
  it.each<[string, Step[], number, Sent[]]>([
    ['nothing before the desktop delay', [{ t: 0, arrive: 'c1' }], D - 1, []],
    [
      'one call: desktop after the delay and the window, then the webhook',
      [{ t: 0, arrive: 'c1' }],
      W + COALESCE_MS,
      [
        { step: 'desktop', t: D + COALESCE_MS, calls: ['c1'], waiting: 1 },
        { step: 'webhook', t: W + COALESCE_MS, calls: ['c1'], waiting: 1 },
      ],
    ],
    [
      'a burst of 5 is one desktop notice and one webhook',
      burst(5),
      W + 5000,
      [
        { step: 'desktop', t: D + COALESCE_MS, calls: ['c1', 'c2', 'c3', 'c4', 'c5'], waiting: 5 },
        { step: 'webhook', t: W + COALESCE_MS, calls: ['c1', 'c2', 'c3', 'c4', 'c5'], waiting: 5 },
      ],
    ],
    [
      'a call decided before the delay is never announced',
      [
        { t: 0, arrive: 'c1' },
        { t: D - 1, leave: 'c1' },
      ],
      W * 2,
      [],
    ],
    [
      'a call that leaves after the desktop notice gets no webhook',
      [
        { t: 0, arrive: 'c1' },
        { t: D + COALESCE_MS + 1, leave: 'c1' },
      ],
      W * 2,
      [{ step: 'desktop', t: D + COALESCE_MS, calls: ['c1'], waiting: 1 }],
    ],
    [
      'one of a burst decided: the notice names the others',
      [...burst(3), { t: 5000, leave: 'c2' }],
      D + 5000,
      [{ step: 'desktop', t: D + COALESCE_MS, calls: ['c1', 'c3'], waiting: 2 }],
    ],
    [
      'a later call is a new notice; the count includes the earlier one',
      [
        { t: 0, arrive: 'c1' },
        { t: 20_000, arrive: 'c2' },
      ],
      40_000,
      [
        { step: 'desktop', t: D + COALESCE_MS, calls: ['c1'], waiting: 1 },
        { step: 'desktop', t: 20_000 + D + COALESCE_MS, calls: ['c2'], waiting: 2 },
      ],
    ],
    [
      'calls arriving beyond the window are a second notice',
      [
        { t: 0, arrive: 'c1' },
        { t: COALESCE_MS + 1, arrive: 'c2' },
      ],
      D + 2 * COALESCE_MS + 1,
      [
        { step: 'desktop', t: D + COALESCE_MS, calls: ['c1'], waiting: 2 },
        { step: 'desktop', t: D + 2 * COALESCE_MS + 1, calls: ['c2'], waiting: 2 },
      ],
    ],
    [
      'typing in the console holds the notice until the keyboard is quiet',
      [
        { t: 0, arrive: 'c1' },
        { t: D + 1000, key: true },
      ],
      D + 1000 + QUIET_MS,
      [{ step: 'desktop', t: D + 1000 + QUIET_MS, calls: ['c1'], waiting: 1 }],
    ],
    [
      'a key press long before is no hold',
      [
        { t: 0, key: true },
        { t: 100, arrive: 'c1' },
      ],
      D + 100 + COALESCE_MS,
      [{ step: 'desktop', t: D + 100 + COALESCE_MS, calls: ['c1'], waiting: 1 }],
    ],
    [
      'keys pressed while typing and the call decided: nothing',
      [
        { t: 0, arrive: 'c1' },
        { t: D, key: true },
        { t: D + 2000, key: true },
        { t: D + 3000, leave: 'c1' },
      ],
      W * 2,
      [],
    ],
    [
      'the desktop step off: only the webhook',
      [
        { t: 0, schedule: { desktop: false } },
        { t: 1, arrive: 'c1' },
      ],
      W + COALESCE_MS + 1,
      [{ step: 'webhook', t: W + COALESCE_MS + 1, calls: ['c1'], waiting: 1 }],
    ],
    [
      'turned on while a call waits: it is announced at once',
      [
        { t: 0, schedule: { desktop: false, webhook: false } },
        { t: 1, arrive: 'c1' },
        { t: 30_000, schedule: { desktop: true } },
      ],
      30_000,
      [{ step: 'desktop', t: 30_000, calls: ['c1'], waiting: 1 }],
    ],
    [
      'turned off before the delay: nothing',
      [
        { t: 0, arrive: 'c1' },
        { t: 5000, schedule: { desktop: false, webhook: false } },
      ],
      W * 2,
      [],
    ],
    [
      'desktop after 0s: the window only',
      [{ t: 0, schedule: { desktopAfterMs: 0 } }, ...burst(5, 10)],
      COALESCE_MS + 100,
      [{ step: 'desktop', t: COALESCE_MS, calls: ['c1', 'c2', 'c3', 'c4', 'c5'], waiting: 5 }],
    ],
  ])('%s', (_name, steps, until, expected) => {
    expect(run(steps, until).sent).toEqual(expected);
  });

  it('keeps no timer once nothing is left to announce, and none after close', () => {
    const { planner, clock } = run([{ t: 0, arrive: 'c1' }], W + COALESCE_MS);
    expect(clock.activeTimers).toBe(0);
    planner.waiting({ id: 'c9', call: { toolName: 'Bash', input: {} }, receivedAt: clock.now(), deadline: clock.now() + 1 });
    expect(clock.activeTimers).toBe(2);
    planner.close();
    expect(clock.activeTimers).toBe(0);
    planner.waiting({ id: 'c10', call: { toolName: 'Bash', input: {} }, receivedAt: clock.now(), deadline: clock.now() + 1 });
    expect(clock.activeTimers).toBe(0);
  });

  it('a throwing sender is reported and planning goes on', () => {
    const clock = new FakeClock();
    const errors: unknown[] = [];
    let calls = 0;
    const planner = new NotifyPlanner({
      clock,
      schedule: () => ({ desktop: { on: true, afterMs: 0 }, webhook: { on: false, afterMs: 0 } }),
      send: () => {
        calls++;
        throw new Error('boom');
      },
      onError: (e) => errors.push(e),
    });
    planner.waiting({ id: 'a', call: { toolName: 'Bash', input: {} }, receivedAt: clock.now(), deadline: 0 });
    clock.advance(COALESCE_MS);
    clock.advance(5000);
    planner.waiting({ id: 'b', call: { toolName: 'Bash', input: {} }, receivedAt: clock.now(), deadline: 0 });
    clock.advance(COALESCE_MS);
    expect(calls).toBe(2);
    expect(errors).toHaveLength(2);
  });
});
