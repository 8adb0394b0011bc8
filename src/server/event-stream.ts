import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** One event ready to send: its name and its JSON text. */
export interface StreamEvent {
  event: string;
  data: string;
}

export interface EventStreamOptions {
  /** How often an idle stream sends something, so proxies and clients know it is alive. */
  keepAliveMs: number;
  /** How many bytes of events may wait for one slow reader before it is dropped. */
  maxBacklogBytes: number;
  /** What an idle stream sends: this event, or (without it) an SSE comment. */
  ping?: StreamEvent;
  /** Asked at most once a second: false ends the stream (its token was revoked). */
  stillValid?: () => boolean;
}

/**
 * A Server-Sent Events response fed by `open`: it is called once, synchronously, with the function
 * that queues an event, and returns the first event (read at the same moment, so nothing between
 * it and the first queued event is lost) and how to stop feeding. Events wait here, encoded, while
 * the client is slow to read. A client that stops reading (a paused `cco log --follow | less`)
 * would make this grow without end: past the cap it is dropped, and can reconnect.
 */
export function eventStream(
  c: Context,
  open: (push: (e: StreamEvent) => void) => { first: StreamEvent; close: () => void },
  { keepAliveMs, maxBacklogBytes, ping, stillValid }: EventStreamOptions,
): Response {
  return streamSSE(c, async (stream) => {
    const queue: StreamEvent[] = [];
    let queuedBytes = 0;
    let wake: (() => void) | undefined;
    let closed = false;
    let closeFeed = () => {};
    const stop = () => {
      closed = true;
      queue.length = 0;
      closeFeed();
      wake?.();
    };
    const feed = open((e) => {
      if (closed) return;
      queue.push(e);
      queuedBytes += e.data.length;
      if (queuedBytes > maxBacklogBytes) {
        stop();
        stream.abort();
      }
      wake?.();
    });
    closeFeed = feed.close;
    stream.onAbort(stop);
    const timer = setInterval(() => wake?.(), keepAliveMs);
    let checkedAt = Date.now();
    let gone = false;
    const revoked = () => {
      if (gone || !stillValid || Date.now() - checkedAt < 1000) return gone;
      checkedAt = Date.now();
      gone = !stillValid();
      return gone;
    };
    const recheck = stillValid ? setInterval(() => wake?.(), Math.min(keepAliveMs, 5000)) : undefined;
    try {
      await stream.writeSSE(feed.first);
      while (!closed) {
        if (revoked()) break;
        if (queue.length === 0) {
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
          if (queue.length === 0 && !closed && !revoked()) await (ping ? stream.writeSSE(ping) : stream.write(': keep-alive\n\n'));
          continue;
        }
        const next = queue.shift()!;
        queuedBytes -= next.data.length;
        await stream.writeSSE(next);
      }
    } finally {
      clearInterval(timer);
      clearInterval(recheck);
      feed.close();
    }
  });
}
