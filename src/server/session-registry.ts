import { Session, type SessionOptions } from './sessions.js';

/** All live MCP sessions, plus the reaper for abandoned ones. */
export class SessionRegistry {
  private readonly sessions = new Map<string, Session>();
  private reaper: ReturnType<typeof setInterval> | undefined;
  private inflight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly opts: SessionOptions) {
    this.reaper = setInterval(() => this.reap(), Math.max(1000, Math.min(60_000, opts.idleMs / 4)));
    this.reaper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** Sessions with a stream open now: a running Claude Code holds its GET stream open. */
  get connected(): number {
    let n = 0;
    for (const s of this.sessions.values()) if (s.open > 0) n++;
    return n;
  }

  get(id: string): Session | undefined {
    return this.sessions.get(id);
  }

  /** A new, not yet initialized session; it joins the registry once it has an id. */
  create(agentName: string | undefined): Session {
    return new Session(
      agentName,
      this.opts,
      (p) => this.track(p),
      (s) => this.sessions.set(s.id!, s),
      (s) => {
        if (s.id) this.sessions.delete(s.id);
      },
    );
  }

  /** Close sessions nobody has used for a while. A live Claude Code keeps its GET stream open, so it is never reaped. */
  reap(now = Date.now()): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.open === 0 && now - s.lastSeen > this.opts.idleMs) {
        n++;
        void s.close().catch(this.opts.onError);
      }
    }
    return n;
  }

  /**
   * Make room for one more session under `max`: close the longest-idle session that has no open
   * request. False when every session is in use (then the new one is refused, not an old one cut).
   */
  makeRoom(max: number): boolean {
    if (this.sessions.size < max) return true;
    let oldest: Session | undefined;
    for (const s of this.sessions.values()) if (s.open === 0 && (!oldest || s.lastSeen < oldest.lastSeen)) oldest = s;
    if (!oldest) return false;
    this.sessions.delete(oldest.id!);
    void oldest.close().catch(this.opts.onError);
    return true;
  }

  /** Resolves once every running tool handler has returned its answer. */
  drained(): Promise<void> {
    return this.inflight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  async closeAll(): Promise<void> {
    if (this.reaper) clearInterval(this.reaper);
    this.reaper = undefined;
    await Promise.allSettled([...this.sessions.values()].map((s) => s.close()));
    this.sessions.clear();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight++;
    return p.finally(() => {
      if (--this.inflight === 0) for (const w of this.idleWaiters.splice(0)) w();
    });
  }
}
