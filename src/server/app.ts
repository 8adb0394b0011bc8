import { Hono, type Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import type { Broker } from '../core/broker.js';
import type { ToolCall } from '../core/types.js';
import { decisionApi, MAX_EVENT_BACKLOG_BYTES } from './api.js';
import { CONSOLE_KEEPALIVE_MS, consoleApi, type ConsoleApiDeps } from './console-api.js';
import { jsonRpcError } from './body.js';
import { bearerAuth, hostGuard } from './security.js';
import { apiAuth } from './identity.js';
import type { TokenLookup } from '../core/people.js';
import { PERMISSION_REQUEST_PATH, POST_TOOL_USE_PATH, permissionRequestHook, postToolUseHook } from './hooks.js';
import { RouteJoin } from './route-join.js';
import { mcpRoute } from './mcp-route.js';
import { OpenPosts } from './open-posts.js';
import { SessionRegistry } from './session-registry.js';
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

/** The hono app: `/mcp` (MCP over Streamable HTTP), the hooks, `/api` (decisions), `/health`. */
export function createApp(opts: AppOptions) {
  const join = new RouteJoin(opts.broker, opts.joinWindowMs !== undefined ? { windowMs: opts.joinWindowMs } : {});
  const sessions = new SessionRegistry({
    broker: opts.broker,
    onCall: (call: ToolCall) => join.mcpCall(call),
    version: opts.version,
    progressIntervalMs: opts.progressIntervalMs,
    idleMs: opts.sessionIdleMs,
    ...(opts.onError ? { onError: opts.onError } : {}),
  });
  const posts = new OpenPosts();

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

  const mcp = mcpRoute({ sessions, posts, fastCalls: opts.fastCalls !== false, maxSessions: opts.maxSessions ?? MAX_SESSIONS });
  const mcpNamed = (c: Context<Env>, inPath: string | undefined) => {
    const name = agentNameOf(c, inPath);
    return name === false ? jsonRpcError(400, -32600, BAD_AGENT_NAME) : mcp(c, name);
  };
  app.all('/mcp', (c) => mcpNamed(c, undefined));
  app.all('/mcp/:agent', (c) => mcpNamed(c, c.req.param('agent')));
  hookRoutes(app, opts, join, () => sessions.size > 0, posts);
  apiRoutes(app, opts);

  app.notFound((c) =>
    c.json(
      {
        error: {
          code: 'not_found',
          message: `No route ${c.req.method} ${c.req.path}. The MCP endpoint is /mcp; Claude Code's hooks POST to ${PERMISSION_REQUEST_PATH} and ${POST_TOOL_USE_PATH}.`,
        },
      },
      404,
    ),
  );
  app.onError((error, c) => {
    opts.onError?.(error);
    return c.json({ error: { code: 'internal', message: 'Internal error in cco; see its log.' } }, 500);
  });

  /** Wait until every running call has its answer written (or `capMs` passes). */
  const flush = async (capMs: number) => {
    const cap = new Promise<void>((r) => setTimeout(r, capMs).unref());
    await Promise.race([sessions.drained(), cap]);
    // Answered calls close their streams right after the answer; give the sockets a moment.
    if (posts.size > 0) await Promise.race([posts.drained(), cap]);
  };

  return { app, sessions, flush };
}

/** Claude Code's http hooks and Codex's, on the same broker, rules, console and audit log as /mcp. */
function hookRoutes(app: Hono<Env>, opts: AppOptions, join: RouteJoin, mcpOpen: () => boolean, posts: OpenPosts): void {
  const hookOpts = { broker: opts.broker, join, mcpOpen, ...(opts.onError ? { onError: opts.onError } : {}) };
  /** A hook question counts as open until its answer is written, so shutdown waits for it like a /mcp POST. */
  const named = (c: Context<Env>, inPath: string | undefined, ask: (name: string | undefined) => Promise<Response>) => {
    const name = agentNameOf(c, inPath);
    if (name === false) return c.json({ error: { code: 'bad_agent', message: BAD_AGENT_NAME } }, 400);
    posts.track(c.env?.outgoing);
    return ask(name);
  };
  const permissionRequest = (c: Context<Env>, inPath: string | undefined) =>
    named(c, inPath, (name) => permissionRequestHook(c.req.raw, name, c.req.query('via') === 'both', hookOpts));
  app.post(PERMISSION_REQUEST_PATH, (c) => permissionRequest(c, undefined));
  app.post(`${PERMISSION_REQUEST_PATH}/:agent`, (c) => permissionRequest(c, c.req.param('agent')));
  // Codex's PermissionRequest hook, forwarded by `cco hook codex` (codex-hook.ts).
  const codexRequest = (c: Context<Env>, inPath: string | undefined) => named(c, inPath, (name) => codexPermissionRequestHook(c.req.raw, name, hookOpts));
  app.post(CODEX_PERMISSION_REQUEST_PATH, (c) => codexRequest(c, undefined));
  app.post(`${CODEX_PERMISSION_REQUEST_PATH}/:agent`, (c) => codexRequest(c, c.req.param('agent')));
  app.post(POST_TOOL_USE_PATH, (c) => postToolUseHook(c.req.raw, hookOpts));
  app.post(`${POST_TOOL_USE_PATH}/:agent`, (c) => postToolUseHook(c.req.raw, hookOpts));
}

/** The decision API and the remote console's routes, behind the API's own tokens. */
function apiRoutes(app: Hono<Env>, opts: AppOptions): void {
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
    app.route(
      '/api/console',
      consoleApi(opts.broker, opts.console, { keepAliveMs: opts.consoleKeepAliveMs ?? CONSOLE_KEEPALIVE_MS, maxBacklogBytes: backlog }),
    );
  }
  app.route('/api', decisionApi(opts.broker, opts.eventBacklogBytes ? { maxBacklogBytes: opts.eventBacklogBytes } : {}));
}
