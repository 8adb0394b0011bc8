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
}
