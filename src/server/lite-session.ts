import type { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import type { Decision, ToolCall } from '../core/types.js';
import { internalErrorDeny, TOOLS_LIST } from './approval-tool.js';
import { jsonRpcError } from './body.js';
import { acceptsBoth, approvalRequest, callHeadersOk, decideAtOnce, jsonContent, type ApprovalRequest } from './fast-call.js';
import { helloOf, initializeResult, liteMessageOf, protocolHeaderOk, resultMessage, rootsRequest, type Hello } from './lite-messages.js';
import { SDK_KEEP_ALIVE_MS, sseAnswer, sseStream, type SseWriter } from './sdk-sse.js';
import type { Session, SessionOptions } from './sessions.js';
import { toCallToolResult } from './wire.js';

/** An answer of the lite route; `holds` when it is a stream that stays open (the session is in use while it does). */
export interface LiteAnswer {
  res: Response;
  holds?: boolean;
}

type Header = (name: string) => string | undefined;

/** How long cco waits for the answer to its `roots/list`, as the SDK route does. */
const ROOTS_TIMEOUT_MS = 10_000;

/**
 * The part of a session cco serves without the SDK's per-session objects: `initialize`,
 * `notifications/initialized`, `tools/list`, `ping`, the GET stream, the roots question (on the
 * GET stream or on a call's own stream) and the calls a rule decides at once. Every message is
 * recognised narrowly (lite-messages.ts) and answered with the bytes the SDK would send
 * (sdk-sse.ts); anything else returns undefined and goes to the SDK route (Session.handle),
 * which then takes the session over. A call that waits for a person always goes to the SDK's
 * handler; when its roots were asked on its own stream, the SDK's answer is passed on on that
 * stream.
 */
export class LiteSession {
  hello: Hello | undefined;
  private helloMessage: unknown;
  private get: SseWriter | undefined;
  private pendingRoots: { id: number; settle: (roots: ReadonlyArray<{ uri: string }> | undefined) => void } | undefined;
  /** Ids of the requests cco sends, counted from 0 as the SDK's Protocol counts them. */
  private nextRequestId = 0;

  constructor(
    private readonly session: Session,
    private readonly opts: SessionOptions,
  ) {}

  /** `initialize` on a new session; undefined leaves it to the SDK (which answers anything unusual). */
  initialize(message: unknown, header: Header): LiteAnswer | undefined {
    if (!acceptsBoth(header) || !jsonContent(header)) return undefined;
    const hello = helloOf(message);
    if (!hello) return undefined;
    this.hello = hello;
    this.helloMessage = message;
    const id = this.session.begin();
    return { res: sseAnswer(id, [resultMessage(hello.id, initializeResult(hello, this.opts.version))]) };
  }

  /** A POST on an established session. */
  post(message: unknown, header: Header, req: Request, signal: AbortSignal): LiteAnswer | Promise<LiteAnswer | undefined> | undefined {
    const s = this.session;
    if (s.id === undefined || !callHeadersOk(header)) return undefined;
    if (this.pendingRoots) {
      // The answer to cco's roots/list, whichever route holds the session now.
      const m = liteMessageOf(message);
      if (m?.kind === 'response' && m.id === this.pendingRoots.id) {
        this.pendingRoots.settle(m.roots);
        return { res: accepted() };
      }
    }
    const request = approvalRequest(message);
    if (request) return this.call(s.id, request, message, req, signal);
    if (s.onSdk || !this.hello) return undefined;
    const m = liteMessageOf(message);
    if (!m || m.kind === 'response') return undefined;
    s.lastSeen = Date.now();
    if (m.kind === 'notification') {
      if (m.method === 'notifications/initialized') {
        const get = this.get;
        s.initialized(this.hello.capabilities.roots !== undefined, get?.open ? () => this.ask(get) : undefined);
      }
      return { res: accepted() };
    }
    return { res: sseAnswer(s.id, [resultMessage(m.id, m.method === 'tools/list' ? TOOLS_LIST : {})]) };
  }

  /** The GET stream of a lite session (the roots are asked on it). */
  getStream(header: Header): LiteAnswer | undefined {
    const s = this.session;
    if (s.onSdk || !this.hello || s.id === undefined) return undefined;
    if (!header('accept')?.includes('text/event-stream') || !protocolHeaderOk(header('mcp-protocol-version'))) return undefined;
    if (this.get?.open) return { res: jsonRpcError(409, -32000, 'Conflict: Only one SSE stream is allowed per session') };
    const w = sseStream(s.id, SDK_KEEP_ALIVE_MS);
    this.get = w;
    s.lastSeen = Date.now();
    s.streamOpened(() => this.ask(w));
    return { res: w.response, holds: true };
  }

  /** DELETE ends a lite session. */
  delete(header: Header): LiteAnswer | undefined {
    if (this.session.onSdk || !this.hello || !protocolHeaderOk(header('mcp-protocol-version'))) return undefined;
    void this.session.close().catch(this.opts.onError);
    return { res: new Response(null, { status: 200 }) };
  }

  /** Give the SDK's transport the handshake the client already made on the lite route. */
  async replayInto(transport: WebStandardStreamableHTTPServerTransport, initialized: boolean): Promise<void> {
    if (!this.hello) return;
    const url = 'http://127.0.0.1/mcp';
    const headers = { accept: 'application/json, text/event-stream', 'content-type': 'application/json' };
    const init = await transport.handleRequest(new Request(url, { method: 'POST', headers }), { parsedBody: this.helloMessage });
    await init.text();
    if (!init.ok) throw new Error(`cco could not hand the session to the SDK: initialize answered ${init.status}`);
    if (!initialized) return;
    const ack = await transport.handleRequest(new Request(url, { method: 'POST', headers: { ...headers, 'mcp-session-id': this.session.id! } }), {
      parsedBody: { jsonrpc: '2.0', method: 'notifications/initialized' },
    });
    await ack.text();
  }

  /** The session ended: its streams close and an unanswered roots question is given up. */
  ended(): void {
    this.get?.end();
    this.pendingRoots?.settle(undefined);
  }

  private call(
    sid: string,
    request: ApprovalRequest,
    message: unknown,
    req: Request,
    signal: AbortSignal,
  ): LiteAnswer | Promise<LiteAnswer | undefined> | undefined {
    const s = this.session;
    const decide = () => decideAtOnce(s, request, this.opts.broker, this.opts.onError, this.onCall);
    const answer = (decision: Decision) => resultMessage(request.id, toCallToolResult(decision));
    const atOnce = (): LiteAnswer | undefined => {
      const decision = decide();
      return decision ? { res: sseAnswer(sid, [answer(decision)]) } : undefined;
    };
    if (s.knowsAgent()) return atOnce();
    // A session the SDK holds asks for its roots as it always did.
    if (s.onSdk) return undefined;
    const get = this.get;
    if (!s.rootsWanted || get?.open) {
      // The roots are asked (or on their way) on the GET stream: wait for them briefly.
      return s.agentForCall(() => this.ask(get!)).then(atOnce);
    }
    // No GET stream: ask on this call's own stream, then answer on it.
    const w = sseStream(sid);
    void s
      .agentForCall(() => this.ask(w))
      .then(async () => {
        const decision = decide();
        if (decision) {
          w.send(answer(decision));
          w.end();
          return;
        }
        // It waits for a person: the SDK's handler takes it, and its answer goes on this stream.
        await passOn(await s.handle(req, signal, message), w, request.id);
      })
      .catch((error: unknown) => {
        this.opts.onError?.(error);
        w.send(resultMessage(request.id, toCallToolResult(internalErrorDeny())));
        w.end();
      });
    return { res: w.response, holds: true };
  }

  private readonly onCall = (call: ToolCall) => this.opts.onCall?.(call);

  /** Send roots/list on `w`; the answer comes in a POST of its own (`post`). */
  private ask(w: SseWriter): Promise<{ roots: ReadonlyArray<{ uri: string }> }> {
    return new Promise((resolve, reject) => {
      const id = this.nextRequestId++;
      const timer = setTimeout(() => settle(undefined), ROOTS_TIMEOUT_MS);
      timer.unref?.();
      const settle = (roots: ReadonlyArray<{ uri: string }> | undefined) => {
        clearTimeout(timer);
        if (this.pendingRoots?.id === id) this.pendingRoots = undefined;
        if (roots) resolve({ roots });
        else reject(new Error('The client did not tell its roots.'));
      };
      this.pendingRoots = { id, settle };
      if (!w.send(rootsRequest(id))) settle(undefined);
    });
  }
}

/** The SDK's answer to a call, passed on on a stream cco opened: its SSE bytes as they are, or its error as an event. */
async function passOn(res: Response, w: SseWriter, id: string | number): Promise<void> {
  if (res.status !== 200 || !res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    const text = await res.text();
    let message: unknown;
    try {
      message = JSON.parse(text);
    } catch {
      message = { jsonrpc: '2.0', id, error: { code: -32603, message: 'Internal error: cco could not pass on the answer.' } };
    }
    w.send(message);
    w.end();
    return;
  }
  const reader = res.body.getReader();
  w.onEnd = () => void reader.cancel().catch(() => {});
  for (;;) {
    const { done, value } = await reader.read();
    if (done || !w.sendRaw(value)) break;
  }
  w.end();
}

const accepted = () => new Response(null, { status: 202 });
