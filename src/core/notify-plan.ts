/**
 * When to tell a person that calls wait: the escalation ladder after the console's bell (which
 * rings at once, see the console). Pure: time comes from the injected clock, the settings and the
 * last key press through small getters, and what to send goes to `send`.
 *
 * Each step (desktop, webhook) has its own delay: a call becomes due for it once it has waited
 * that long. The first due call opens a coalescing window; when it closes, one notice covers every
 * call due by then (a burst of five is one notice, not five). A call that left before it was due
 * (a rule, a person, its timeout, its client going away) is never announced. While the person is
 * pressing keys in the console they are looking at it: the notice waits until the keyboard has been
 * quiet for a while, and goes only if calls are still due then.
 */
import type { Clock } from './clock.js';
import type { PendingCall } from './types.js';

export type NotifyStep = 'desktop' | 'webhook';
export const NOTIFY_STEPS: readonly NotifyStep[] = ['desktop', 'webhook'];

/** How long after the first due call the notice waits for others of the same burst. */
export const COALESCE_MS = 1500;
/** How long the keyboard must have been quiet before a notice goes. */
export const QUIET_MS = 5000;

/** Which steps are on, and after how long a call is due for each (read at every event). */
export type NotifySchedule = { readonly [S in NotifyStep]: { readonly on: boolean; readonly afterMs: number } };

/** When a key was last pressed in a console (undefined: never, or no console). */
export interface KeyActivity {
  lastKeyAt(): number | undefined;
}

/** One notice: the calls it is about (due now, not told before), and all calls still waiting. */
export interface Notice {
  readonly step: NotifyStep;
  /** When it was decided to go. */
  readonly at: number;
  /** The calls that became due for this step since its last notice, oldest first. */
  readonly calls: readonly PendingCall[];
  /** Every call still waiting, oldest first (what the text counts). */
  readonly waiting: readonly PendingCall[];
}

export interface NotifyPlannerOptions {
  clock: Clock;
  schedule: () => NotifySchedule;
  keys?: KeyActivity;
  send: (notice: Notice) => void;
  coalesceMs?: number;
  quietMs?: number;
  /** Told when `send` or `schedule` throws; planning goes on. */
  onError?: (error: unknown) => void;
}

interface Waiting {
  readonly call: PendingCall;
  readonly told: Set<NotifyStep>;
}

export class NotifyPlanner {
  private readonly calls = new Map<string, Waiting>();
  private readonly timers = new Map<NotifyStep, { at: number; handle: unknown }>();
  private closed = false;
  private readonly coalesceMs: number;
  private readonly quietMs: number;

  constructor(private readonly opts: NotifyPlannerOptions) {
    this.coalesceMs = opts.coalesceMs ?? COALESCE_MS;
    this.quietMs = opts.quietMs ?? QUIET_MS;
  }

  /** A call started waiting for a person. */
  waiting(call: PendingCall): void {
    if (this.closed || this.calls.has(call.id)) return;
    this.calls.set(call.id, { call, told: new Set() });
    this.plan();
  }

  /** A call stopped waiting (decided, timed out, cancelled, withdrawn). */
  left(id: string): void {
    if (this.calls.delete(id)) this.plan();
  }

  /** The settings changed: plan again with the new delays. */
  replan(): void {
    this.plan();
  }

  /** No more notices; every timer is stopped. */
  close(): void {
    this.closed = true;
    this.calls.clear();
    for (const step of NOTIFY_STEPS) this.unset(step);
  }

  /** When the next notice of each step is planned (for tests and diagnostics). */
  planned(): { readonly [S in NotifyStep]?: number } {
    return Object.fromEntries([...this.timers].map(([s, t]) => [s, t.at]));
  }

  private plan(): void {
    if (this.closed) return;
    let schedule: NotifySchedule;
    try {
      schedule = this.opts.schedule();
    } catch (error) {
      this.report(error);
      return;
    }
    for (const step of NOTIFY_STEPS) this.planStep(step, schedule);
  }

  private planStep(step: NotifyStep, schedule: NotifySchedule): void {
    const { on, afterMs } = schedule[step];
    const firstDue = on ? this.untold(step).reduce((min, w) => Math.min(min, w.call.receivedAt + afterMs), Infinity) : Infinity;
    if (firstDue === Infinity) return this.unset(step);
    const at = Math.max(firstDue + this.coalesceMs, this.quietUntil());
    const current = this.timers.get(step);
    if (current?.at === at) return;
    this.unset(step);
    const now = this.opts.clock.now();
    const handle = this.opts.clock.setTimeout(() => this.fire(step), Math.max(0, at - now));
    this.timers.set(step, { at, handle });
  }

  private fire(step: NotifyStep): void {
    this.timers.delete(step);
    if (this.closed) return;
    const now = this.opts.clock.now();
    let schedule: NotifySchedule;
    try {
      schedule = this.opts.schedule();
    } catch (error) {
      this.report(error);
      return;
    }
    const { on, afterMs } = schedule[step];
    // The person is at the keyboard: plan again for when they have been quiet long enough.
    if (on && now >= this.quietUntil()) {
      const due = this.untold(step).filter((w) => w.call.receivedAt + afterMs <= now);
      if (due.length > 0) {
        for (const w of due) w.told.add(step);
        try {
          this.opts.send({ step, at: now, calls: due.map((w) => w.call), waiting: [...this.calls.values()].map((w) => w.call) });
        } catch (error) {
          this.report(error);
        }
      }
    }
    this.planStep(step, schedule);
  }

  private untold(step: NotifyStep): Waiting[] {
    return [...this.calls.values()].filter((w) => !w.told.has(step));
  }

  private quietUntil(): number {
    let last: number | undefined;
    try {
      last = this.opts.keys?.lastKeyAt();
    } catch (error) {
      this.report(error);
    }
    return last === undefined ? -Infinity : last + this.quietMs;
  }

  private unset(step: NotifyStep): void {
    const t = this.timers.get(step);
    if (t) this.opts.clock.clearTimeout(t.handle);
    this.timers.delete(step);
  }

  private report(error: unknown): void {
    try {
      this.opts.onError?.(error);
    } catch {
      // Nowhere left to report to.
    }
  }
}
