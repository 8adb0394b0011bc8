import type { LogEntry } from './audit.js';
import type { BrokerSnapshot, Decision, Verdict } from './types.js';

/**
 * What a console needs from cco: a snapshot, change notifications, and a way to decide.
 * The in-process broker implements it; a remote client over the decision API can too.
 */
export interface ConsoleSource {
  snapshot(): BrokerSnapshot;
  subscribe(listener: () => void): () => void;
  /** Throws NotPendingError when the call already ended. */
  decide(id: string, verdict: Verdict): Decision | Promise<Decision>;
  /**
   * The last `limit` asks of the audit log, oldest first, for the `A` chooser's replay preview.
   * Optional: a source without it shows no replay line.
   */
  pastAsks?(limit: number): readonly LogEntry[] | Promise<readonly LogEntry[]>;
}

/** `source` with a way to read the past asks (the in-process console: the broker and the audit log). */
export function withPastAsks(source: ConsoleSource, pastAsks: (limit: number) => readonly LogEntry[] | Promise<readonly LogEntry[]>): ConsoleSource {
  return {
    snapshot: () => source.snapshot(),
    subscribe: (listener) => source.subscribe(listener),
    decide: (id, verdict) => source.decide(id, verdict),
    pastAsks,
  };
}
