/**
 * The console's source when it runs apart from the server (`cco watch --connect`): the snapshot is
 * held here, built from the server's console stream (`GET /api/console/stream`), and decisions go
 * through the decision API. Losing the server empties the queue (its calls cannot be decided from
 * here) and says so in a banner; the source reconnects by itself, and a reconnect decides nothing:
 * the queue comes back only from the server's fresh snapshot.
 */
import { AlertBoard } from '../core/alerts.js';
import type { LogEntry } from '../core/audit.js';
import type { ConsoleSource } from '../core/console-source.js';
import { StatusBoard } from '../core/console-status.js';
import { parseConsoleMessage, type ConsoleMessage, type ConsoleMessages } from '../core/console-wire.js';
import { escapeText } from '../core/escape.js';
import { NotPendingError, UserError } from '../core/errors.js';
import type { Grant } from '../core/grant.js';
import type { BrokerSnapshot, Decision, PendingCall, Verdict } from '../core/types.js';
import type { DiskFile } from '../store/disk-file.js';
import { ApiClient, ApiError } from './api-client.js';
import { readSse } from './sse.js';
import { errorMessage, firstSentence, refusal } from './remote-errors.js';

/** Where the server is and the token to present; asked again before each connection. */
export interface Endpoint {
  url: string;
  token: string;
}

export interface RemoteSourceOptions {
  /** Resolves the server to connect to (the server file may name a new one after a restart); throws a UserError when there is none. */
  endpoint: () => Promise<Endpoint>;
  /** Wait before reconnect attempt `n` (1, 2, …). Default: 0.5 s doubling to 5 s. */
  retryMs?: (attempt: number) => number;
  /** A stream silent this long is taken for lost (the server pings every 10 s). */
  silenceMs?: number;
  /** How many decided calls the history keeps (as the broker does). */
  historySize?: number;
}

/** Told when a call starts waiting on this console's screen, and when it leaves it. */
export interface CallWatcher {
  waiting(p: PendingCall): void;
  left(id: string): void;
}

/** What the first connection learned about the server. */
export interface RemoteServer {
  url: string;
  mcpUrl: string;
  version: string;
  homeDir: string;
}

const CONNECTION = 'connection';
/** Key presses are told to the server at most this often. */
const ACTIVITY_EVERY_MS = 5000;
const EMPTY_COUNTS = { allowed: 0, denied: 0, timedOut: 0, cancelled: 0 };
const defaultRetry = (n: number) => Math.min(5000, 250 * 2 ** n);

/** The stream ended for this reason (shown in the banner). */
class StreamLost extends Error {}

export class RemoteSource implements ConsoleSource {
  /** The server's banners, and this console's own while the connection is lost. */
  readonly alerts = new AlertBoard();
  readonly status = new StatusBoard({ agents: 0, defaultAction: 'ask', rules: 0 });
  private snap: BrokerSnapshot = { pending: [], recent: [], counts: EMPTY_COUNTS, version: 0 };
  private readonly listeners = new Set<() => void>();
  private readonly callWatchers = new Set<CallWatcher>();
  private serverAlerts = new Set<string>();
  private client: ApiClient | undefined;
  private connected = false;
  private closed = false;
  private abort: AbortController | undefined;
  private url = '';
  private lastActivity = -Infinity;
  private readonly opts: Required<Omit<RemoteSourceOptions, 'endpoint'>> & Pick<RemoteSourceOptions, 'endpoint'>;

  constructor(opts: RemoteSourceOptions) {
    this.opts = { retryMs: defaultRetry, silenceMs: 30_000, historySize: 1000, ...opts };
  }

  /**
   * Connect and read the first snapshot; then keep the stream open, reconnecting when it is lost,
   * until `close`. Rejects when the first connection fails (no server, a refused token), so the
   * console can say why and exit.
   */
  async start(): Promise<RemoteServer> {
    const first = await this.connect();
    void this.keep(first.stream);
    return first.server;
  }

  close(): void {
    this.closed = true;
    this.abort?.abort();
  }

  /** Whether the stream is up (decisions can be sent). */
  isConnected(): boolean {
    return this.connected;
  }

  snapshot(): BrokerSnapshot {
    return this.snap;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async decide(id: string, verdict: Verdict): Promise<Decision> {
    const client = this.live();
    const path = `/api/pending/${encodeURIComponent(id)}/${verdict.behavior === 'allow' ? 'approve' : 'deny'}`;
    const body =
      verdict.behavior === 'allow'
        ? {
            ...(verdict.updatedInput ? { updatedInput: verdict.updatedInput } : {}),
            ...(verdict.updatedPermissions?.length ? { updatedPermissions: verdict.updatedPermissions, confirmShared: true } : {}),
            ...(verdict.savedRule ? { savedRule: verdict.savedRule } : {}),
          }
        : { ...(verdict.message !== undefined ? { message: verdict.message } : {}), ...(verdict.interrupt ? { interrupt: true } : {}) };
    try {
      const answer = await client.request<{ decision: Decision }>('POST', path, body);
      return answer.decision;
    } catch (error) {
      if (error instanceof ApiError && (error.code === 'already_decided' || error.code === 'not_found')) {
        throw new NotPendingError(id, error.code === 'already_decided' ? 'decided' : 'unknown');
      }
      if (error instanceof ApiError) throw error;
      throw new UserError(`The decision may not have reached cco (${errorMessage(error)}); the queue shows whether ${id} is still waiting.`, 1, {
        cause: error,
      });
    }
  }

  async pastAsks(limit: number): Promise<readonly LogEntry[]> {
    const { entries } = await this.live().request<{ entries: unknown }>('GET', `/api/console/asks?limit=${limit}`);
    if (!Array.isArray(entries)) throw new Error('The server sent no list of past asks.');
    return entries.filter((e): e is LogEntry => typeof e === 'object' && e !== null && typeof (e as LogEntry).id === 'string');
  }

  /** The file a waiting Write would replace, read on the server's machine. */
  async readFile(path: string): Promise<DiskFile> {
    const { file } = await this.live().request<{ file: DiskFile }>('GET', `/api/console/disk?path=${encodeURIComponent(path)}`);
    if (file?.kind === 'text' && typeof file.text === 'string') return { kind: 'text', text: file.text };
    if (file?.kind === 'absent') return { kind: 'absent' };
    return { kind: 'skipped', why: file?.kind === 'skipped' && typeof file.why === 'string' ? file.why : 'the server sent no file' };
  }

  /** Save an allow rule for `A` on the server. */
  async alwaysAllow(grant: Grant): Promise<{ id: string }> {
    const { rule } = await this.live().request<{ rule: string }>('POST', '/api/console/always', { grant });
    return { id: String(rule) };
  }

  /**
   * A key was pressed here: tell the server someone is present (at most every 5 s; a lost
   * connection or a refusal only means the server thinks nobody is, which denies, never allows).
   */
  activity(now = Date.now()): void {
    if (!this.connected || !this.client || now - this.lastActivity < ACTIVITY_EVERY_MS) return;
    this.lastActivity = now;
    this.client.request('POST', '/api/console/activity').catch(() => {});
  }

  private live(): ApiClient {
    if (!this.connected || !this.client) {
      throw new UserError('This console is not connected to cco, so nothing was decided; it reconnects by itself (see the banner).');
    }
    return this.client;
  }

  /** One connection: open the stream and read its snapshot. */
  /** `resumed`: a reconnect, made by this console on its own (the server does not take it for a key pressed). */
  private async connect(resumed = false): Promise<{ stream: AsyncGenerator<ConsoleMessage>; server: RemoteServer }> {
    const endpoint = await this.opts.endpoint();
    this.url = endpoint.url;
    const client = new ApiClient(endpoint);
    const abort = new AbortController();
    this.abort = abort;
    let res: Response;
    try {
      res = await fetch(`${endpoint.url}/api/console/stream${resumed ? '?resumed=1' : ''}`, {
        headers: { authorization: `Bearer ${endpoint.token}`, accept: 'text/event-stream' },
        signal: abort.signal,
      });
    } catch (error) {
      throw new UserError(`Nothing answers at ${endpoint.url} (${errorMessage(error)}). Is \`cco serve\` or \`cco watch\` running there?`, 1, { cause: error });
    }
    if (!res.ok || !res.body) throw await refusal(res, endpoint.url);
    const stream = this.messages(res.body, abort);
    const notCco = (why: string) => new UserError(`${endpoint.url} did not send the console's snapshot (${why}): is it a cco server of this version?`, 2);
    let first: IteratorResult<ConsoleMessage>;
    try {
      first = await stream.next();
    } catch (error) {
      abort.abort();
      throw notCco(errorMessage(error));
    }
    if (first.done || first.value.event !== 'snapshot') {
      abort.abort();
      throw notCco(first.done ? 'the stream ended' : `it began with "${first.value.event}"`);
    }
    const snap = first.value.data;
    this.client = client;
    this.applySnapshot(snap);
    return { stream, server: { url: endpoint.url, mcpUrl: snap.server.mcpUrl, version: snap.server.version, homeDir: snap.server.homeDir } };
  }

  /** The stream's messages, checked; ends (throws StreamLost) when the stream breaks, goes silent or sends what does not parse. */
  private async *messages(body: NonNullable<Response['body']>, abort: AbortController): AsyncGenerator<ConsoleMessage> {
    let silent: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(silent);
      silent = setTimeout(() => abort.abort(new StreamLost(`nothing heard for ${Math.round(this.opts.silenceMs / 1000)} s`)), this.opts.silenceMs);
      silent.unref?.();
    };
    arm();
    // Bytes arriving are a live link, even in the middle of one message (a big snapshot on a slow tunnel).
    const heard = body.pipeThrough(
      new TransformStream<BufferSource, BufferSource>({
        transform(chunk, controller) {
          arm();
          controller.enqueue(chunk);
        },
      }),
    );
    try {
      for await (const { event, data } of readSse(heard)) {
        arm();
        let json: unknown;
        try {
          json = JSON.parse(data);
        } catch {
          throw new StreamLost(`the server sent a "${escapeText(event.slice(0, 40))}" message that is not JSON`);
        }
        const parsed = parseConsoleMessage(event, json);
        if (!parsed.ok) throw new StreamLost(`the server sent ${escapeText(parsed.why)}`);
        yield parsed.message;
      }
      throw new StreamLost('the server ended the stream');
    } catch (error) {
      if (error instanceof StreamLost) throw error;
      const reason: unknown = abort.signal.reason;
      throw new StreamLost(reason instanceof StreamLost ? reason.message : `the connection broke (${errorMessage(error)})`);
    } finally {
      clearTimeout(silent);
    }
  }

  /** Read the stream until it is lost; then reconnect, again and again, until closed. */
  private async keep(stream: AsyncGenerator<ConsoleMessage>): Promise<void> {
    let current: AsyncGenerator<ConsoleMessage> | undefined = stream;
    let attempt = 0;
    let why = '';
    while (!this.closed) {
      if (current) {
        why = await this.read(current);
        current = undefined;
        if (this.closed) return;
        this.lose(why);
      }
      attempt++;
      await new Promise((r) => setTimeout(r, this.opts.retryMs(attempt)));
      if (this.closed) return;
      try {
        current = (await this.connect(true)).stream;
        attempt = 0;
      } catch (error) {
        this.lose(why, attempt, errorMessage(error));
      }
    }
  }

  /** Apply messages until the stream is lost; returns why. */
  private async read(stream: AsyncGenerator<ConsoleMessage>): Promise<string> {
    try {
      for await (const m of stream) this.apply(m);
      return 'the server ended the stream';
    } catch (error) {
      return errorMessage(error);
    }
  }

  /** The connection is gone: nothing waiting can be decided from here, so nothing is shown as waiting. */
  private lose(why: string, attempt = 0, retryError?: string): void {
    this.connected = false;
    this.client = undefined;
    // The first sentence of why the last attempt failed is enough here.
    const failed = retryError === undefined ? '' : ` (attempt ${attempt}: ${escapeText(firstSentence(retryError))})`;
    this.alerts.set(
      CONNECTION,
      `Disconnected from cco at ${escapeText(this.url)}: ${escapeText(why)}. Reconnecting${failed}… Nothing can be decided here until it is back.`,
    );
    if (this.snap.pending.length > 0) this.change({ pending: [] });
  }

  private applySnapshot(s: ConsoleMessages['snapshot']): void {
    this.connected = true;
    this.alerts.clear(CONNECTION);
    this.syncStatus(s.status, s.alerts);
    this.change({ pending: s.pending, recent: s.recent.slice(0, this.opts.historySize), counts: s.counts });
  }

  private apply(m: ConsoleMessage): void {
    switch (m.event) {
      case 'snapshot':
        return this.applySnapshot(m.data);
      case 'waiting':
        if (this.snap.pending.some((p) => p.id === m.data.call.id)) return;
        return this.change({ pending: [...this.snap.pending, m.data.call] });
      case 'decided': {
        const { call, counts } = m.data;
        return this.change({
          pending: this.snap.pending.filter((p) => p.id !== call.id),
          recent: [call, ...this.snap.recent.slice(0, this.opts.historySize - 1)],
          counts,
        });
      }
      case 'status':
        return this.syncStatus(m.data.status, m.data.alerts);
      case 'ping':
        return;
    }
  }

  private syncStatus(status: ConsoleMessages['status']['status'], alerts: ConsoleMessages['status']['alerts']): void {
    this.status.set(status);
    const keys = new Set(alerts.map((a) => `server:${a.key}`));
    for (const k of this.serverAlerts) if (!keys.has(k)) this.alerts.clear(k);
    for (const a of alerts) this.alerts.set(`server:${a.key}`, a.message);
    this.serverAlerts = keys;
  }

  private change(next: Partial<Omit<BrokerSnapshot, 'version'>>): void {
    const before = this.snap.pending;
    this.snap = { ...this.snap, ...next, version: this.snap.version + 1 };
    if (next.pending !== undefined && this.callWatchers.size > 0) this.tellCalls(before, next.pending);
    for (const l of [...this.listeners]) l();
  }

  /** Calls that start or stop waiting here (shown, or gone: decided, withdrawn, or the connection lost). */
  watchCalls(on: CallWatcher): () => void {
    this.callWatchers.add(on);
    return () => this.callWatchers.delete(on);
  }

  private tellCalls(before: readonly PendingCall[], after: readonly PendingCall[]): void {
    const now = new Set(after.map((p) => p.id));
    const was = new Set(before.map((p) => p.id));
    for (const w of [...this.callWatchers]) {
      for (const p of before) if (!now.has(p.id)) w.left(p.id);
      for (const p of after) if (!was.has(p.id)) w.waiting(p);
    }
  }
}
