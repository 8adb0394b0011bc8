/**
 * The bytes and headers the SDK's `WebStandardStreamableHTTPServerTransport` (1.32) sends for a
 * POST that carries requests: an SSE stream of `event: message` events (its `writeSSEEvent`,
 * without event ids since cco keeps no event store) with these headers plus `mcp-session-id`.
 * Answers cco writes itself, without the transport, are built here and only here; the fast-call
 * tests compare them, header map and body, with what the SDK sends.
 */
export const SDK_SSE_HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  Connection: 'keep-alive',
  'X-Accel-Buffering': 'no',
} as const;

/** One SSE event as the SDK frames it. */
export const sseEvent = (message: unknown): string => `event: message\ndata: ${JSON.stringify(message)}\n\n`;

/** A whole SSE answer (its events written at once) on a session, as the SDK would stream it. */
export function sseAnswer(sessionId: string, messages: readonly unknown[]): Response {
  return new Response(messages.map(sseEvent).join(''), {
    status: 200,
    headers: { ...SDK_SSE_HEADERS, 'mcp-session-id': sessionId },
  });
}

/** An SSE stream cco writes itself, as the SDK's transport streams one (its keep-alive comments too). */
export interface SseWriter {
  readonly response: Response;
  /** False once the client went away or the stream was ended. */
  readonly open: boolean;
  send(message: unknown): boolean;
  /** Bytes of an SDK answer's own SSE body, passed on as they are. */
  sendRaw(chunk: Uint8Array): boolean;
  end(): void;
  /** Told once when the stream ends, by `end` or by the client. */
  onEnd?: () => void;
}

/** The SDK's interval between `: keepalive` comments on a stream it holds open (sseKeepAlive.js, 1.32). */
export const SDK_KEEP_ALIVE_MS = 15_000;

export function sseStream(sessionId: string, keepAliveMs?: number): SseWriter {
  const encoder = new TextEncoder();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let open = true;
  let timer: ReturnType<typeof setInterval> | undefined;
  const finish = () => {
    if (!open) return;
    open = false;
    if (timer) clearInterval(timer);
    writer.onEnd?.();
  };
  const enqueue = (bytes: Uint8Array): boolean => {
    if (!open) return false;
    try {
      controller.enqueue(bytes);
      return true;
    } catch {
      finish();
      return false;
    }
  };
  const readable = new ReadableStream<Uint8Array>({
    start: (c) => {
      controller = c;
    },
    cancel: () => finish(),
  });
  const writer: SseWriter = {
    response: new Response(readable, { status: 200, headers: { ...SDK_SSE_HEADERS, 'mcp-session-id': sessionId } }),
    get open() {
      return open;
    },
    send: (message) => enqueue(encoder.encode(sseEvent(message))),
    sendRaw: enqueue,
    end: () => {
      if (!open) return;
      try {
        controller.close();
      } catch {
        // Already closed by the client.
      }
      finish();
    },
  };
  if (keepAliveMs !== undefined) {
    timer = setInterval(() => enqueue(encoder.encode(': keepalive\n\n')), keepAliveMs);
    timer.unref();
  }
  return writer;
}
