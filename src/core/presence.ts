/**
 * Whether a person is at a console: how many consoles are attached (this process's, and each
 * remote console's open stream) and when a key was last pressed in any of them. A console just
 * opened counts as a key press. Pure: the time comes from the clock given.
 */
import type { Clock } from './clock.js';

/** What a call that needs a person gets while nobody is present. */
export type WhenAway = 'wait' | 'deny';

export interface PresenceView {
  consoles: number;
  /** Epoch ms of the last key pressed (or console opened); undefined before any. */
  lastActiveAt: number | undefined;
  /** No console, or none touched for `awayAfterMs`. */
  away: boolean;
}

export class Presence {
  private consoles = 0;
  private lastActiveAt: number | undefined;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private awayAfterMs: number,
  ) {}

  /**
   * A console is open; the returned function closes it (once; a second call does nothing).
   * Opening counts as a key press, unless `resumed`: a remote console reconnecting by itself
   * says nothing about a person.
   */
  attach(opts: { resumed?: boolean } = {}): () => void {
    this.consoles++;
    if (!opts.resumed) this.touch();
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.consoles--;
    };
  }

  /** A key was pressed in a console. */
  touch(): void {
    this.lastActiveAt = this.clock.now();
  }

  /** A new idle limit (hot reload). */
  setAwayAfter(ms: number): void {
    this.awayAfterMs = ms;
  }

  away(now = this.clock.now()): boolean {
    return this.consoles === 0 || this.lastActiveAt === undefined || now - this.lastActiveAt >= this.awayAfterMs;
  }

  view(now = this.clock.now()): PresenceView {
    return { consoles: this.consoles, lastActiveAt: this.lastActiveAt, away: this.away(now) };
  }
}

/** What the model reads when its call is denied because nobody is watching. */
export const AWAY_MESSAGE =
  'No person is watching cco right now, so this call was denied at once instead of waiting. ' +
  'It is not a refusal of the action itself: skip this step or do it another way that needs no approval, ' +
  'note that it still needs a person, and carry on.';
