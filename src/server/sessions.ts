import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, ToolCall } from '../core/types.js';
import { registerApprovalTool } from './approval-tool.js';

export interface SessionOptions {
  broker: Broker;
  version: string;
  progressIntervalMs: number;
  /** A session with no open stream and no request for this long is closed. */
  idleMs: number;
  /** How long a call waits for the client's answer to roots/list before going on without a cwd. */
  rootsWaitMs?: number;
  /** Told about each `approval_prompt` call before the broker sees it (see route-join.ts). */
  onCall?: (call: ToolCall) => void;
  onError?: (error: unknown) => void;
}

/**
 * One JSON Schema validator for every session, made on first use. The SDK's Server builds an Ajv
 * instance per server unless given one (about a third of a fresh session's CPU), and uses it only
 * for elicitation, which cco never sends.
 */
let sharedAjv: AjvJsonSchemaValidator | undefined;
const sharedValidator: jsonSchemaValidator = {
  getValidator: (schema) => (sharedAjv ??= new AjvJsonSchemaValidator()).getValidator(schema),
};

/** Sends `roots/list` to the client over some stream. */
export type RootsAsker = () => Promise<{ roots: Array<{ uri: string }> }>;

/** One MCP session: its own low-level SDK Server and transport, and what we know of the agent behind it. */
export class Session {
  readonly server: Server;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  /** HTTP requests of this session still open (the GET stream, waiting calls). */
  open = 0;
  lastSeen = Date.now();
  id: string | undefined;
  /** The client's first root (its working directory), once it told us. */
  cwd: string | undefined;
  /** The client declared `roots` and we have not asked yet, or the answer is on its way. */
  private wantsRoots = false;
  private getStreamOpen = false;
  private roots: Promise<void> | undefined;
  /** The roots question has its answer (or failed): nothing about the agent is still coming. */
  private rootsSettled = false;
  private readonly rootsWaitMs: number;
  /** The abort signal of the HTTP request each tools/call came in on, until its handler takes it. */
  private readonly httpSignals = new Map<string | number, AbortSignal>();

  constructor(
    readonly agentName: string | undefined,
    opts: SessionOptions,
    track: <T>(p: Promise<T>) => Promise<T>,
    onInit: (s: Session) => void,
    onClose: (s: Session) => void,
  ) {
    this.transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        this.id = id;
        onInit(this);
      },
    });
    this.transport.onclose = () => onClose(this);
    this.rootsWaitMs = opts.rootsWaitMs ?? 1000;
    // listChanged as the SDK's McpServer declared it, so the handshake is what it always was.
    this.server = new Server({ name: 'cco', version: opts.version }, { capabilities: { tools: { listChanged: true } }, jsonSchemaValidator: sharedValidator });
    this.server.oninitialized = () => {
      this.wantsRoots = this.server.getClientCapabilities()?.roots !== undefined;
      // A request with no related call goes on the GET stream; sent before it opens, it is lost.
      if (this.getStreamOpen) void this.askRoots(() => this.server.listRoots(undefined, { timeout: 10_000 }));
    };
    registerApprovalTool(this.server, {
      broker: opts.broker,
      progressIntervalMs: opts.progressIntervalMs,
      agent: (viaCall) => this.agentForCall(viaCall),
      track,
      ...(opts.onCall ? { onCall: opts.onCall } : {}),
      takeHttpSignal: (id) => {
        const signal = this.httpSignals.get(id);
        this.httpSignals.delete(id);
        return signal;
      },
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  agent(): AgentInfo {
    const info: AgentInfo = {};
    if (this.agentName) info.name = this.agentName;
    if (this.id) info.sessionId = this.id;
    const client = this.server.getClientVersion();
    if (client) info.client = client.version ? { name: client.name, version: client.version } : { name: client.name };
    if (this.cwd) info.cwd = this.cwd;
    return info;
  }

  /**
   * Who is asking, for a call that just arrived. If the client's roots are not known yet, ask
   * (on this call's own stream when the GET stream is not open) and wait briefly, so relative
   * path rules can apply; a client that is slow or fails leaves the cwd unknown.
   */
  private async agentForCall(viaCall: RootsAsker): Promise<AgentInfo> {
    if (this.wantsRoots || (this.roots && !this.rootsSettled)) {
      const done = this.askRoots(viaCall);
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, this.rootsWaitMs)))]);
      clearTimeout(timer);
    }
    return this.agent();
  }

  /** Everything we will learn about the agent is known: a call needs not wait for its roots. */
  knowsAgent(): boolean {
    return !this.wantsRoots && (this.roots === undefined || this.rootsSettled);
  }

  /** Ask the client for its roots, once per session; the first file:// root becomes the cwd. */
  private askRoots(ask: RootsAsker): Promise<void> {
    if (!this.roots) {
      this.wantsRoots = false;
      this.roots = ask().then(
        ({ roots }) => {
          const uri = roots[0]?.uri;
          if (!uri?.startsWith('file://')) return;
          try {
            // A root from another host (file://host/x) or with an encoded slash has no local path.
            this.cwd = fileURLToPath(uri);
          } catch {
            // The cwd stays unknown: relative allow rules do not match, deny/ask rules still apply.
          }
        },
        () => {
          // No answer, an error or a timeout: the cwd stays unknown and relative rules do not match.
        },
      ).finally(() => {
        this.rootsSettled = true;
      });
    }
    return this.roots;
  }

  async handle(req: Request, signal: AbortSignal, parsedBody?: unknown): Promise<Response> {
    this.lastSeen = Date.now();
    const calls = callIds(parsedBody);
    for (const id of calls) this.httpSignals.set(id, signal);
    const res = await this.transport.handleRequest(req, parsedBody !== undefined ? { parsedBody } : undefined);
    if (calls.length > 0) {
      // The SDK starts a request's handler within microtasks of reading it; by the next turn of
      // the event loop any signal still here belongs to a call it refused before its handler.
      setImmediate(() => {
        for (const id of calls) if (this.httpSignals.get(id) === signal) this.httpSignals.delete(id);
      });
    }
    if (req.method === 'GET' && res.ok) {
      this.getStreamOpen = true;
      if (this.wantsRoots) void this.askRoots(() => this.server.listRoots(undefined, { timeout: 10_000 }));
    }
    return res;
  }

  close(): Promise<void> {
    return this.server.close();
  }
}

/** The ids of the tools/call requests in a POST body (one message or a batch). */
function callIds(body: unknown): Array<string | number> {
  const ids: Array<string | number> = [];
  for (const m of Array.isArray(body) ? body : [body]) {
    if (typeof m !== 'object' || m === null || (m as { method?: unknown }).method !== 'tools/call') continue;
    const id = (m as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') ids.push(id);
  }
  return ids;
}

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

  /** A new, not yet initialized session; it joins the registry when the SDK gives it an id. */
  async create(agentName: string | undefined): Promise<Session> {
    const session = new Session(
      agentName,
      this.opts,
      (p) => this.track(p),
      (s) => this.sessions.set(s.id!, s),
      (s) => {
        if (s.id) this.sessions.delete(s.id);
      },
    );
    await session.server.connect(session.transport);
    return session;
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
