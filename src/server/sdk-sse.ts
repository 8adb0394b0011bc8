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
