/** One Server-Sent Event: its type (`message` when unnamed) and its data lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Parse a text/event-stream body into events as they arrive (comments and keep-alives skipped).
 * An event's text is searched for its end once: a large event (a console snapshot of many big
 * calls) arriving in many chunks costs its length, not its length times the number of chunks.
 */
export async function* readSse(body: ReadableStream<BufferSource>): AsyncGenerator<SseEvent> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  /** The text of the event being read, in the pieces it came in (no blank line in them yet). */
  let parts: string[] = [];
  /** Whether the pieces end with a newline (a blank line may begin there). */
  let endsWithNewline = false;
  /** A CR that ended the last chunk: a CRLF may be split across chunks. */
  let pendingCr = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      let text: string = (pendingCr ? '\r' : '') + value;
      pendingCr = text.endsWith('\r');
      if (pendingCr) text = text.slice(0, -1);
      text = text.replace(/\r\n?/g, '\n');
      // A blank line: at the join of the pieces and this text, or inside this text.
      const atJoin = endsWithNewline && text.startsWith('\n');
      const inside = atJoin ? -1 : text.indexOf('\n\n');
      if (!atJoin && inside === -1) {
        if (text.length > 0) {
          parts.push(text);
          endsWithNewline = text.endsWith('\n');
        }
        continue;
      }
      const head = parts.join('');
      // The blank line's position in the event's whole text.
      let end = atJoin ? head.length - 1 : head.length + inside;
      const buffer = head + text;
      parts = [];
      let from = 0;
      while (end !== -1) {
        const block = buffer.slice(from, end);
        from = end + 2;
        const event = parseBlock(block);
        if (event) yield event;
        end = buffer.indexOf('\n\n', from);
      }
      const rest = buffer.slice(from);
      if (rest.length > 0) parts.push(rest);
      endsWithNewline = rest.endsWith('\n');
    }
  } finally {
    reader.releaseLock();
  }
}

function parseBlock(block: string): SseEvent | undefined {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    const v = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = v;
    else if (field === 'data') data.push(v);
  }
  return data.length > 0 ? { event, data: data.join('\n') } : undefined;
}
