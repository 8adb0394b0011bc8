import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Broker } from '../core/broker.js';
import type { ToolCall } from '../core/types.js';
import { decisionApi, MAX_EVENT_BACKLOG_BYTES } from './api.js';
import { CONSOLE_KEEPALIVE_MS, consoleApi, type ConsoleApiDeps } from './console-api.js';
import { jsonRpcError, readJsonBody } from './body.js';
import { bearerAuth, hostGuard } from './security.js';
import { apiAuth } from './identity.js';
import type { TokenLookup } from '../core/people.js';
import { PERMISSION_REQUEST_PATH, POST_TOOL_USE_PATH, permissionRequestHook, postToolUseHook } from './hooks.js';
import { RouteJoin } from './route-join.js';
import type { LiteAnswer } from './lite-session.js';
import { SessionRegistry } from './session-registry.js';
import type { Session } from './sessions.js';
import { CODEX_PERMISSION_REQUEST_PATH, codexPermissionRequestHook } from './codex-hook.js';

export interface AppOptions {
  broker: Broker;
  /** Bearer token for the decision API: the person at this machine's (the server file's). */
  apiToken: string;
  /** The name decisions made with `apiToken` carry (default "local"). */
  localPerson?: string;
  /** Named decision tokens (`cco token add`), looked up on each `/api` request. */
  namedTokens?: (presented: string) => TokenLookup;
  /** The address the server is bound to (its name passes the Host check). */
  host: string;
  /** How long an MCP call and a hook question count as the same question (route-join.ts). */
  joinWindowMs?: number;
  /** When set, `/mcp` (and `/hooks/*`) requires `Authorization: Bearer <mcpToken>` (required off loopback). */
  mcpToken?: string;
  /** Bytes of events a slow `/api/events` reader may fall behind by before it is dropped. */
  eventBacklogBytes?: number;
  /** More names that pass the Host/Origin check, e.g. a reverse proxy's public name. */
  allowedHosts?: readonly string[];
  version: string;
  progressIntervalMs: number;
  sessionIdleMs: number;
  /** Most sessions held at once; past it the longest-idle one goes (default MAX_SESSIONS). */
  maxSessions?: number;
  onError?: (error: unknown) => void;
  /** What the remote console's routes (`/api/console/*`) need; without it they are not served. */
  console?: ConsoleApiDeps;
  /** How often an idle console stream says it is alive (default CONSOLE_KEEPALIVE_MS). */
  consoleKeepAliveMs?: number;
  /** Answer calls decided at once without the SDK's per-request machinery (default true; tests compare both). */
  fastCalls?: boolean;
}

type Env = { Bindings: Partial<HttpBindings> };

/** A few KB each on the lite route, about 10 KB once the SDK holds one: a bound on what a client creating sessions in a loop can take. */
export const MAX_SESSIONS = 2000;

const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const BAD_AGENT_NAME = 'Invalid agent name: use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit.';

/** The agent's name from the path, `?agent=` or `X-CCO-Agent` (the same for /mcp and the hooks); false when malformed. */
function agentNameOf(c: Context<Env>, inPath: string | undefined): string | undefined | false {
  const name = inPath ?? c.req.query('agent') ?? c.req.header('x-cco-agent');
  return name !== undefined && !AGENT_NAME.test(name) ? false : name;
}

type Message = { method?: unknown; id?: unknown; params?: unknown };
const messages = (body: unknown): Message[] =>
  (Array.isArray(body) ? body : [body]).filter((m): m is Message => typeof m === 'object' && m !== null);

/** The hono app: `/mcp` (MCP over Streamable HTTP), `/api` (decisions), `/health`. */
export function createApp(opts: AppOptions) {
  const join = new RouteJoin(opts.broker, opts.joinWindowMs !== undefined ? { windowMs: opts.joinWindowMs } : {});
  const onCall = (call: ToolCall) => join.mcpCall(call);
  const sessions = new SessionRegistry({
    broker: opts.broker,
    onCall,
    version: opts.version,
    progressIntervalMs: opts.progressIntervalMs,
    idleMs: opts.sessionIdleMs,
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  /** Open POST /mcp requests: shutdown waits for their answers to be written. */
  let openPosts = 0;
  const postWaiters: Array<() => void> = [];

  const app = new Hono<Env>();
  app.use('*', hostGuard(opts.host, opts.allowedHosts));
  if (opts.mcpToken) {
    app.use('/mcp', bearerAuth(opts.mcpToken, 'jsonrpc'));
    app.use('/mcp/*', bearerAuth(opts.mcpToken, 'jsonrpc'));
    app.use('/hooks/*', bearerAuth(opts.mcpToken, 'hook'));
  }

  // With a token (cco may face a network) anyone can ask if cco is up, but nothing more.
  app.get('/health', (c) =>
    c.json(
      opts.mcpToken
        ? { ok: true, name: 'cco' }
        : { ok: true, name: 'cco', version: opts.version, sessions: sessions.size, pending: opts.broker.snapshot().pending.length },
    ),
  );

  const mcp = async (c: Context<Env>, agentInPath: string | undefined) => {
    const req = c.req.raw;
    const nameFromUrl = agentNameOf(c, agentInPath);
    if (nameFromUrl === false) return jsonRpcError(400, -32600, BAD_AGENT_NAME);
    const sid = req.headers.get('mcp-session-id');
    let session: Session | undefined;
    if (sid) {
      session = sessions.get(sid);
      if (!session) return jsonRpcError(404, -32001, 'Session not found: it ended or cco restarted. Start a new session with initialize.');
    }

    // Keep the session alive while any of its HTTP requests is open (Claude Code holds a GET stream
    // open for its whole life); once all are closed the idle clock starts.
    const track = (s: Session, isPost: boolean) => {
      const out = c.env?.outgoing;
      if (!out) return;
      s.open++;
      if (isPost) openPosts++;
      out.once('close', () => {
        s.open--;
        s.lastSeen = Date.now();
        if (isPost && --openPosts === 0) for (const w of postWaiters.splice(0)) w();
      });
    };

    const fast = opts.fastCalls !== false;
    const header = (name: string) => c.req.header(name);
    /** An answer of the lite route (lite-session.ts); a stream it holds open counts as an open request. */
    const lite = (s: Session, a: LiteAnswer, isPost: boolean) => {
      if (a.holds) track(s, isPost);
      return a.res;
    };

    if (c.req.method !== 'POST') {
      if (!session) return jsonRpcError(400, -32000, 'Bad Request: an mcp-session-id header is required.');
      if (fast) {
        const a = c.req.method === 'GET' ? session.lite.getStream(header) : c.req.method === 'DELETE' ? session.lite.delete(header) : undefined;
        if (a) return lite(session, a, false);
      }
      track(session, false);
      return session.handle(req, req.signal);
    }

    const body = await readJsonBody(req);
    if (!body.ok) return jsonRpcError(body.status, body.code, body.message);
    const msgs = messages(body.value);
    // The SDK would reject this envelope as a parse error; it is a call with invalid params.
    const badCall = msgs.find((m) => m.method === 'tools/call' && (typeof m.params !== 'object' || m.params === null || Array.isArray(m.params)));
    if (badCall) return jsonRpcError(400, -32602, 'Invalid params: tools/call params must be an object with "name" and "arguments".', badCall.id ?? null);
    if (!session) {
      const isInit = msgs.length === 1 && msgs[0]!.method === 'initialize';
      if (!isInit) {
        if (msgs.some((m) => m.method === 'server/discover')) {
          // Claude Code probes with this before the classic handshake; any error makes it fall back.
          return jsonRpcError(400, -32601, 'Method not found: server/discover (use initialize).', msgs[0]?.id ?? null);
        }
        return jsonRpcError(400, -32000, 'Bad Request: no valid session id; send initialize first.');
      }
      const max = opts.maxSessions ?? MAX_SESSIONS;
      if (!sessions.makeRoom(max)) {
        return jsonRpcError(503, -32000, `Too many sessions: all ${max} are in use. Retry later, or end agents that are no longer needed.`, msgs[0]!.id ?? null);
      }
      session = sessions.create(nameFromUrl);
      const a = fast ? session.lite.initialize(body.value, header) : undefined;
      if (a) return lite(session, a, true);
    } else if (fast) {
      const a = await session.lite.post(body.value, header, req, req.signal);
      if (a) return lite(session, a, true);
    }
    track(session, true);
    return session.handle(req, req.signal, body.value);
  };

  app.all('/mcp', (c) => mcp(c, undefined));
  app.all('/mcp/:agent', (c) => mcp(c, c.req.param('agent')));

  // Claude Code's http hooks: the same broker, rules, console and audit log as /mcp.
  const hookOpts = { broker: opts.broker, join, mcpOpen: () => sessions.size > 0, ...(opts.onError ? { onError: opts.onError } : {}) };
  /** Count a hook POST as open until its answer is written, so shutdown waits for it like a /mcp POST. */
  const trackPost = (c: Context<Env>) => {
    const out = c.env?.outgoing;
    if (!out) return;
    openPosts++;
    out.once('close', () => {
      if (--openPosts === 0) for (const w of postWaiters.splice(0)) w();
    });
  };
  const permissionRequest = (c: Context<Env>, agentInPath: string | undefined) => {
    const name = agentNameOf(c, agentInPath);
    if (name === false) return c.json({ error: { code: 'bad_agent', message: BAD_AGENT_NAME } }, 400);
    trackPost(c);
    return permissionRequestHook(c.req.raw, name, c.req.query('via') === 'both', hookOpts);
  };
  app.post(PERMISSION_REQUEST_PATH, (c) => permissionRequest(c, undefined));
  app.post(`${PERMISSION_REQUEST_PATH}/:agent`, (c) => permissionRequest(c, c.req.param('agent')));
  // Codex's PermissionRequest hook, forwarded by `cco hook codex` (codex-hook.ts).
  const codexRequest = (c: Context<Env>, agentInPath: string | undefined) => {
    const name = agentNameOf(c, agentInPath);
    if (name === false) return c.json({ error: { code: 'bad_agent', message: BAD_AGENT_NAME } }, 400);
    trackPost(c);
    return codexPermissionRequestHook(c.req.raw, name, hookOpts);
  };
  app.post(CODEX_PERMISSION_REQUEST_PATH, (c) => codexRequest(c, undefined));
  app.post(`${CODEX_PERMISSION_REQUEST_PATH}/:agent`, (c) => codexRequest(c, c.req.param('agent')));
  app.post(POST_TOOL_USE_PATH, (c) => postToolUseHook(c.req.raw, hookOpts));
  app.post(`${POST_TOOL_USE_PATH}/:agent`, (c) => postToolUseHook(c.req.raw, hookOpts));

  app.use(
    '/api/*',
    apiAuth({
      apiToken: opts.apiToken,
      localPerson: opts.localPerson ?? 'local',
      ...(opts.namedTokens ? { lookup: opts.namedTokens } : {}),
      ...(opts.mcpToken ? { mcpToken: opts.mcpToken } : {}),
    }),
  );
  if (opts.console) {
    const backlog = opts.eventBacklogBytes ?? MAX_EVENT_BACKLOG_BYTES;
    app.route('/api/console', consoleApi(opts.broker, opts.console, { keepAliveMs: opts.consoleKeepAliveMs ?? CONSOLE_KEEPALIVE_MS, maxBacklogBytes: backlog }));
  }
  app.route('/api', decisionApi(opts.broker, opts.eventBacklogBytes ? { maxBacklogBytes: opts.eventBacklogBytes } : {}));

  app.notFound((c) =>
    c.json({ error: { code: 'not_found', message: `No route ${c.req.method} ${c.req.path}. The MCP endpoint is /mcp; Claude Code's hooks POST to ${PERMISSION_REQUEST_PATH} and ${POST_TOOL_USE_PATH}.` } }, 404),
  );
  app.onError((error, c) => {
    opts.onError?.(error);
    return c.json({ error: { code: 'internal', message: 'Internal error in cco; see its log.' } }, 500);
  });

  /** Wait until every running call has its answer written (or `capMs` passes). */
  const flush = async (capMs: number) => {
    const cap = new Promise<void>((r) => setTimeout(r, capMs).unref());
    await Promise.race([sessions.drained(), cap]);
    if (openPosts > 0) {
      // Answered calls close their streams right after the answer; give the sockets a moment.
      await Promise.race([new Promise<void>((r) => postWaiters.push(r)), cap]);
    }
  };

  return { app, sessions, flush };
}
