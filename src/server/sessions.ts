import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, ToolCall } from '../core/types.js';
import { registerApprovalTool } from './approval-tool.js';
import { jsonRpcError } from './body.js';
import { LiteSession } from './lite-session.js';

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
export type RootsAsker = () => Promise<{ roots: ReadonlyArray<{ uri: string }> }>;

interface Sdk {
  server: Server;
  transport: WebStandardStreamableHTTPServerTransport;
}

/**
 * One MCP session: what we know of the agent behind it, and the SDK's Server and transport for
 * it, made only when needed. A session's handshake, `tools/list`, its GET stream, the roots
 * question and every call a rule decides at once are served by `lite` (lite-session.ts) without
 * them; the first message that needs more (a call that waits for a person, anything unusual)
 * makes them, replaying the client's `initialize` and `notifications/initialized` into them so
 * the SDK holds the session as if it had served it from the start.
 */
export class Session {
  /** HTTP requests of this session still open (the GET stream, waiting calls). */
  open = 0;
  lastSeen = Date.now();
  id: string | undefined;
  /** The client's first root (its working directory), once it told us. */
  cwd: string | undefined;
  readonly lite: LiteSession;
  private sdk: Sdk | undefined;
  private sdkReady: Promise<Sdk> | undefined;
  private closed = false;
  /** notifications/initialized has been seen (by the lite route or the SDK). */
  private initializedSeen = false;
  /** The client declared `roots` and we have not asked yet, or the answer is on its way. */
  private wantsRoots = false;
  private getStreamOpen = false;
  private roots: Promise<void> | undefined;
  /** The roots question has its answer (or failed): nothing about the agent is still coming. */
  private rootsSettled = false;
  /** Until when a call waits for the roots' answer (a short wait after the question went out). */
  private rootsDeadline = 0;
  private readonly rootsWaitMs: number;
  /** The abort signal of the HTTP request each tools/call came in on, until its handler takes it. */
  private readonly httpSignals = new Map<string | number, AbortSignal>();
  /** Ids of the tools/call requests the SDK's handler holds now: a second request with one of them is refused. */
  private readonly callsRunning = new Set<string | number>();

  constructor(
    readonly agentName: string | undefined,
    private readonly opts: SessionOptions,
    private readonly track: <T>(p: Promise<T>) => Promise<T>,
    private readonly onInit: (s: Session) => void,
    private readonly onClose: (s: Session) => void,
  ) {
    this.rootsWaitMs = opts.rootsWaitMs ?? 1000;
    this.lite = new LiteSession(this, opts);
  }

  /** The session starts on the lite route: it gets its id and joins the registry. */
  begin(): string {
    this.id = randomUUID();
    this.onInit(this);
    return this.id;
  }

  /** The SDK holds this session (or is being made to). */
  get onSdk(): boolean {
    return this.sdkReady !== undefined;
  }

  agent(): AgentInfo {
    const info: AgentInfo = {};
    if (this.agentName) info.name = this.agentName;
    if (this.id) info.sessionId = this.id;
    const client = this.lite.hello?.clientInfo ?? this.sdk?.server.getClientVersion();
    if (client) info.client = client.version ? { name: client.name, version: client.version } : { name: client.name };
    if (this.cwd) info.cwd = this.cwd;
    return info;
  }

  /** notifications/initialized: from now on the roots may be asked (on `ask`'s stream when one is open). */
  initialized(declaresRoots: boolean, ask: RootsAsker | undefined): void {
    if (this.initializedSeen) return;
    this.initializedSeen = true;
    this.wantsRoots = declaresRoots;
    // A request with no related call goes on the GET stream; sent before it opens, it is lost.
    if (this.wantsRoots && ask) void this.askRoots(ask);
  }

  /** A GET stream opened: the roots can be asked on it now if they are wanted. */
  streamOpened(ask: RootsAsker): void {
    this.getStreamOpen = true;
    if (this.wantsRoots) void this.askRoots(ask);
  }

  /** Whether a call must ask for the roots on its own stream before it can be decided. */
  get rootsWanted(): boolean {
    return this.wantsRoots;
  }

  /**
   * Who is asking, for a call that just arrived. If the client's roots are not known yet, ask
   * (on this call's own stream when the GET stream is not open) and wait briefly (until
   * `rootsWaitMs` after the question went out), so relative path rules can apply; a client that
   * is slow or fails leaves the cwd unknown.
   */
  async agentForCall(viaCall: RootsAsker): Promise<AgentInfo> {
    if (!this.knowsAgent()) {
      const done = this.askRoots(viaCall);
      // Every call waits only until the same deadline, however many routes it passes through.
      const waitMs = this.rootsDeadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      if (waitMs > 0) await Promise.race([done, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
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
      this.rootsDeadline = Date.now() + this.rootsWaitMs;
      this.roots = Promise.resolve()
        .then(ask)
        .then(
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
        )
        .finally(() => {
          this.rootsSettled = true;
        });
    }
    return this.roots;
  }

  /** Hand a request to the SDK's transport (making the SDK's objects first if need be). */
  async handle(req: Request, signal: AbortSignal, parsedBody?: unknown): Promise<Response> {
    this.lastSeen = Date.now();
    const sdk = await this.ensureSdk();
    const calls = callIds(parsedBody);
    // The SDK keys a request's answer stream by its id: a second call with the id of one still
    // running would get that call's decision on its own stream. Refuse it instead.
    const reused = calls.find((id, i) => this.callsRunning.has(id) || calls.indexOf(id) !== i);
    if (reused !== undefined)
      return jsonRpcError(400, -32600, `Invalid Request: id ${JSON.stringify(reused)} is already in use by a call still running on this session.`, reused);
    for (const id of calls) {
      this.httpSignals.set(id, signal);
      this.callsRunning.add(id);
    }
    const res = await sdk.transport.handleRequest(req, parsedBody !== undefined ? { parsedBody } : undefined);
    if (calls.length > 0) {
      // The SDK starts a request's handler within microtasks of reading it; by the next turn of
      // the event loop any signal still here belongs to a call it refused before its handler.
      setImmediate(() => {
        for (const id of calls) {
          if (this.httpSignals.get(id) !== signal) continue;
          this.httpSignals.delete(id);
          this.callsRunning.delete(id);
        }
      });
    }
    if (req.method === 'GET' && res.ok) this.streamOpened(() => sdk.server.listRoots(undefined, { timeout: 10_000 }));
    return res;
  }

  private ensureSdk(): Promise<Sdk> {
    return (this.sdkReady ??= this.startSdk());
  }

  private async startSdk(): Promise<Sdk> {
    const transport = new WebStandardStreamableHTTPServerTransport({
      // A lite session keeps its id: the SDK takes it over as if it had made it.
      sessionIdGenerator: () => this.id ?? randomUUID(),
      onsessioninitialized: (id) => {
        if (this.id !== undefined) return;
        this.id = id;
        this.onInit(this);
      },
    });
    transport.onclose = () => this.ended();
    // listChanged as the SDK's McpServer declared it, so the handshake is what it always was.
    const server = new Server(
      { name: 'cco', version: this.opts.version },
      { capabilities: { tools: { listChanged: true } }, jsonSchemaValidator: sharedValidator },
    );
    server.oninitialized = () =>
      this.initialized(
        server.getClientCapabilities()?.roots !== undefined,
        this.getStreamOpen ? () => server.listRoots(undefined, { timeout: 10_000 }) : undefined,
      );
    registerApprovalTool(server, {
      broker: this.opts.broker,
      progressIntervalMs: this.opts.progressIntervalMs,
      agent: (viaCall) => this.agentForCall(viaCall),
      track: this.track,
      ...(this.opts.onCall ? { onCall: this.opts.onCall } : {}),
      callEnded: (id) => this.callsRunning.delete(id),
      takeHttpSignal: (id) => {
        const signal = this.httpSignals.get(id);
        this.httpSignals.delete(id);
        return signal;
      },
      ...(this.opts.onError ? { onError: this.opts.onError } : {}),
    });
    await server.connect(transport);
    await this.lite.replayInto(transport, this.initializedSeen);
    this.sdk = { server, transport };
    if (this.closed) await server.close();
    return this.sdk;
  }

  /** The session is over (closed by cco, the client or the SDK): it leaves the registry once. */
  private ended(): void {
    if (this.closed) return;
    this.closed = true;
    this.lite.ended();
    this.onClose(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  async close(): Promise<void> {
    if (this.sdkReady) {
      const sdk = await this.sdkReady;
      await sdk.server.close();
    }
    this.ended();
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
