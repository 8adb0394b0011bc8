/** Read a web stream whole as UTF-8, never holding more than `limit` bytes: over it, 'too-large' (the stream cancelled). */
export async function readBounded(body: ReadableStream<Uint8Array> | null, limit: number): Promise<string | 'too-large'> {
  if (!body) return '';
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return 'too-large';
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
