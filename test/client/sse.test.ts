import { describe, expect, it } from 'vitest';
import { readSse, type SseEvent } from '../../src/client/sse.js';

const encoder = new TextEncoder();

/** A body that hands out `chunks` one per read. */
function body(chunks: Iterable<string>): ReadableStream<Uint8Array<ArrayBuffer>> {
  const it = chunks[Symbol.iterator]();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(c) {
      const next = it.next();
      if (next.done) c.close();
      else c.enqueue(encoder.encode(next.value));
    },
  });
}

async function all(b: ReadableStream<Uint8Array<ArrayBuffer>>): Promise<SseEvent[]> {
  const out: SseEvent[] = [];
  for await (const e of readSse(b)) out.push(e);
  return out;
}

describe('readSse', () => {
  const text = ': hello\n\nevent: a\ndata: one\ndata: two\n\ndata: three\n\nevent: b\ndata: {"x":1}\n\n';
  const expected = [
    { event: 'a', data: 'one\ntwo' },
    { event: 'message', data: 'three' },
    { event: 'b', data: '{"x":1}' },
  ];

  it('reads the same events however the text is cut into chunks', async () => {
    for (let cut = 1; cut < text.length; cut++) {
      expect(await all(body([text.slice(0, cut), text.slice(cut)])), `cut at ${cut}`).toEqual(expected);
    }
    expect(await all(body(text.split('')))).toEqual(expected);
  });

  it('a CRLF stream cut between CR and LF does not end an event early', async () => {
    const crlf = text.replaceAll('\n', '\r\n');
    for (let cut = 1; cut < crlf.length; cut++) {
      expect(await all(body([crlf.slice(0, cut), crlf.slice(cut)])), `cut at ${cut}`).toEqual(expected);
    }
  });

  it('a large event in many chunks is read in time proportional to its size (a console snapshot of big calls)', async () => {
    // 40 MB in 64 KB chunks: searching the whole text again at each chunk took about 10 s here.
    const piece = 'x'.repeat(65_536);
    const size = 40 * 1024 * 1024;
    function* chunks() {
      yield 'event: snapshot\ndata: ';
      for (let sent = 0; sent < size; sent += piece.length) yield piece;
      yield '\n\n';
    }
    const started = Date.now();
    const events = await all(body(chunks()));
    expect(events).toHaveLength(1);
    expect(events[0]!.data.length).toBe(size);
    expect(Date.now() - started).toBeLessThan(5000);
  }, 60_000);
});
