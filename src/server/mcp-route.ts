/**
 * `/mcp`: MCP over Streamable HTTP. A request finds its session (or, an `initialize`, makes one),
 * is answered by the lite route where it can (lite-session.ts), else by the SDK's transport.
 * Malformed envelopes get JSON-RPC errors before any session sees them.
 */
import type { Context } from 'hono';
import type { HttpBindings } from '@hono/node-server';
import { jsonRpcError, readJsonBody } from './body.js';
import type { LiteAnswer } from './lite-session.js';
import type { OpenPosts } from './open-posts.js';
import type { SessionRegistry } from './session-registry.js';
import type { Session } from './sessions.js';

type Env = { Bindings: Partial<HttpBindings> };

type Message = { method?: unknown; id?: unknown; params?: unknown };
const messages = (body: unknown): Message[] => (Array.isArray(body) ? body : [body]).filter((m): m is Message => typeof m === 'object' && m !== null);

export interface McpRouteOptions {
  sessions: SessionRegistry;
  posts: OpenPosts;
  /** Answer what the lite route can without the SDK (default true; tests compare both). */
  fastCalls: boolean;
  maxSessions: number;
}

/** The handler of `/mcp` and `/mcp/<agent>`: `agentName` is the name the request gives (validated by the caller). */
export function mcpRoute(opts: McpRouteOptions) {
  const { sessions, posts, fastCalls: fast } = opts;
  return async (c: Context<Env>, agentName: string | undefined): Promise<Response> => {
    const req = c.req.raw;
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
      const closed = () => {
        s.open--;
        s.lastSeen = Date.now();
      };
      if (isPost) posts.track(out, closed);
      else out.once('close', closed);
    };
    const header = (name: string) => c.req.header(name);
    /** An answer of the lite route; a stream it holds open counts as an open request. */
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
      const made = newSession(msgs, opts, agentName);
      if (made instanceof Response) return made;
      session = made;
      const a = fast ? session.lite.initialize(body.value, header) : undefined;
      if (a) return lite(session, a, true);
    } else if (fast) {
      const a = await session.lite.post(body.value, header, req, req.signal);
      if (a) return lite(session, a, true);
    }
    track(session, true);
    return session.handle(req, req.signal, body.value);
  };
}

/** A POST without a session: only an `initialize` starts one, when there is room. */
function newSession(msgs: readonly Message[], opts: McpRouteOptions, agentName: string | undefined): Session | Response {
  const isInit = msgs.length === 1 && msgs[0]!.method === 'initialize';
  if (!isInit) {
    if (msgs.some((m) => m.method === 'server/discover')) {
      // Claude Code probes with this before the classic handshake; any error makes it fall back.
      return jsonRpcError(400, -32601, 'Method not found: server/discover (use initialize).', msgs[0]?.id ?? null);
    }
    return jsonRpcError(400, -32000, 'Bad Request: no valid session id; send initialize first.');
  }
  if (!opts.sessions.makeRoom(opts.maxSessions)) {
    return jsonRpcError(
      503,
      -32000,
      `Too many sessions: all ${opts.maxSessions} are in use. Retry later, or end agents that are no longer needed.`,
      msgs[0]!.id ?? null,
    );
  }
  return opts.sessions.create(agentName);
}
