import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Broker } from '../core/broker.js';
import type { AgentInfo } from '../core/types.js';
import { registerApprovalTool, type RequestContext } from './approval-tool.js';

export interface SessionOptions {
  broker: Broker;
  version: string;
  progressIntervalMs: number;
  /** A session with no open stream and no request for this long is closed. */
  idleMs: number;
  onError?: (error: unknown) => void;
}

/** One MCP session: its own McpServer and transport, and what we know of the agent behind it. */
export class Session {
  readonly server: McpServer;
  readonly transport: WebStandardStreamableHTTPServerTransport;
  /** HTTP requests of this session still open (the GET stream, waiting calls). */
  open = 0;
  lastSeen = Date.now();
  id: string | undefined;

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
    this.server = new McpServer({ name: 'cco', version: opts.version }, { capabilities: { tools: {} } });
    registerApprovalTool(this.server, {
      broker: opts.broker,
      progressIntervalMs: opts.progressIntervalMs,
      agent: () => this.agent(),
      track,
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  agent(): AgentInfo {
    const info: AgentInfo = {};
    if (this.agentName) info.name = this.agentName;
    if (this.id) info.sessionId = this.id;
    const client = this.server.server.getClientVersion();
    if (client) info.client = client.version ? { name: client.name, version: client.version } : { name: client.name };
    return info;
  }

  handle(req: Request, signal: AbortSignal, parsedBody?: unknown): Promise<Response> {
    this.lastSeen = Date.now();
    const ctx: RequestContext = { signal };
    return this.transport.handleRequest(req, {
      ...(parsedBody !== undefined ? { parsedBody } : {}),
      authInfo: { token: '', clientId: 'cco', scopes: [], extra: ctx as Record<string, unknown> },
    });
  }

  close(): Promise<void> {
    return this.server.close();
  }
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
