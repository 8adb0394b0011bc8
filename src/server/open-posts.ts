import type { HttpBindings } from '@hono/node-server';

/**
 * The POST requests still being answered (a `/mcp` call, a hook question): shutdown waits for their
 * answers to be written. A request counts until its response is closed.
 */
export class OpenPosts {
  private open = 0;
  private readonly waiters: Array<() => void> = [];

  /** Count this request until its response closes; nothing to count without a Node response. */
  track(outgoing: HttpBindings['outgoing'] | undefined, onClose?: () => void): void {
    if (!outgoing) return;
    this.open++;
    outgoing.once('close', () => {
      onClose?.();
      if (--this.open === 0) for (const w of this.waiters.splice(0)) w();
    });
  }

  get size(): number {
    return this.open;
  }

  /** Resolves when none is open (at once when none is). */
  drained(): Promise<void> {
    return this.open === 0 ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }
}
