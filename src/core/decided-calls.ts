import type { BrokerCounts, DecidedCall } from './types.js';

/**
 * What the broker remembers of decided calls: the last `historySize` of them (for the console and
 * `cco log`), this run's counts, and the ids decided recently, so a late second decision is told
 * "already decided", not "unknown", and no fresh id repeats one.
 */
export class DecidedCalls {
  /**
   * Decided calls, oldest first. It grows to twice the history size before the oldest half is
   * dropped, so recording a decision costs O(1); `recent()` is built from it when read.
   */
  private history: DecidedCall[] = [];
  private recentView: readonly DecidedCall[] | undefined;
  private readonly ids = new Set<string>();
  private tally: BrokerCounts = { allowed: 0, denied: 0, timedOut: 0, cancelled: 0 };

  constructor(private readonly historySize: number) {}

  /** This run's counts; a new object after each decision. */
  get counts(): BrokerCounts {
    return this.tally;
  }

  /** Whether `id` was decided recently. */
  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(decided: DecidedCall): void {
    const { decision } = decided;
    const c = { ...this.tally };
    if (decision.decidedBy === 'cancelled' || decision.decidedBy === 'elsewhere') c.cancelled++;
    else if (decision.behavior === 'allow') c.allowed++;
    else {
      c.denied++;
      if (decision.decidedBy === 'timeout') c.timedOut++;
    }
    this.tally = c;
    this.history.push(decided);
    if (this.history.length >= 2 * this.historySize) this.history.splice(0, this.history.length - this.historySize);
    this.recentView = undefined;
    this.ids.add(decided.id);
    if (this.ids.size > this.historySize * 10) {
      const oldest = this.ids.values().next().value;
      if (oldest !== undefined) this.ids.delete(oldest);
    }
  }

  /** Calls decided before this run (newest first), shown behind this run's; counts are left alone. */
  seed(decided: readonly DecidedCall[]): void {
    const room = Math.max(0, this.historySize - this.recent().length);
    const older = decided.slice(0, room);
    for (const d of older) this.ids.add(d.id);
    this.history = [...older.reverse(), ...this.history];
    this.recentView = undefined;
  }

  /** The last `historySize` decided calls, newest first. */
  recent(): readonly DecidedCall[] {
    return (this.recentView ??= this.history.slice(Math.max(0, this.history.length - this.historySize)).reverse());
  }
}
