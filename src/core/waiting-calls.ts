import type { Clock } from './clock.js';
import type { Decision, PendingCall } from './types.js';

interface Entry {
  pending: PendingCall;
  resolve: (d: Decision) => void;
  timer: unknown;
  detach: () => void;
}

/** What takes a waiting call off the queue when nobody decides it. */
export interface WaitEnds {
  /** How long it may wait; then `onTimeout` runs. */
  timeoutMs: number;
  onTimeout: () => void;
  /** Aborted when the agent goes away; then `onAbort` runs. */
  signal?: AbortSignal;
  onAbort: () => void;
}

/**
 * The broker's promise queue: one unresolved promise per call waiting for a person, with its
 * timeout timer and its abort listener. `take` is the only way off the queue, and the caller
 * resolves the promise it hands back exactly once: so each call gets exactly one answer.
 */
export class WaitingCalls {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  get size(): number {
    return this.entries.size;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  get(id: string): PendingCall | undefined {
    return this.entries.get(id)?.pending;
  }

  /** Oldest first. */
  list(): PendingCall[] {
    return [...this.entries.values()].map((e) => e.pending);
  }

  ids(): string[] {
    return [...this.entries.keys()];
  }

  /** Queue a call; the promise resolves with what the caller of `take` hands it. */
  enqueue(pending: PendingCall, ends: WaitEnds): Promise<Decision> {
    return new Promise<Decision>((resolve) => {
      const { signal, onAbort } = ends;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.entries.set(pending.id, {
        pending,
        resolve,
        timer: this.clock.setTimeout(ends.onTimeout, ends.timeoutMs),
        detach: () => signal?.removeEventListener('abort', onAbort),
      });
    });
  }

  /**
   * Take a call off the queue, its timer stopped and its abort listener removed; undefined when it
   * is not waiting (decided already, or never queued).
   */
  take(id: string): { pending: PendingCall; resolve: (d: Decision) => void } | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    this.clock.clearTimeout(entry.timer);
    entry.detach();
    return { pending: entry.pending, resolve: entry.resolve };
  }
}
