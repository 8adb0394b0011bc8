import type { RuleAction } from './rules/types.js';

/** Facts about the running cco that the console's header shows beside the broker's counts. */
export interface ConsoleStatus {
  /** MCP sessions with a stream open now: Claude Code keeps one open for as long as it runs. */
  agents: number;
  /** What a call no rule matches gets. */
  defaultAction: RuleAction;
  /** Enabled rules in force. */
  rules: number;
}

/** A small store of the console status, so the header redraws only when one of the facts changes. */
export class StatusBoard {
  private snap: ConsoleStatus;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ConsoleStatus) {
    this.snap = initial;
  }

  set(next: Partial<ConsoleStatus>): void {
    const merged = { ...this.snap, ...next };
    if (merged.agents === this.snap.agents && merged.defaultAction === this.snap.defaultAction && merged.rules === this.snap.rules) return;
    this.snap = merged;
    for (const l of [...this.listeners]) l();
  }

  /** Bound, so React can hold it directly. */
  readonly snapshot = (): ConsoleStatus => this.snap;

  /** Bound, so React can hold it directly. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}
