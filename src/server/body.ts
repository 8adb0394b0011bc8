import { readBounded } from '../client/bounded-read.js';
/** Largest request body cco reads; an approval request is a few KiB. */
export const MAX_BODY_BYTES = 1024 * 1024;

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; code: number; message: string };

/** Read and parse a JSON body without ever holding more than `limit` bytes. */
export async function readJsonBody(req: Request, limit = MAX_BODY_BYTES): Promise<BodyResult> {
  const tooLarge = { ok: false, status: 413, code: -32600, message: `Request body too large: the limit is ${limit} bytes.` } as const;
  const declared = Number(req.headers.get('content-length') ?? NaN);
  if (declared > limit) return tooLarge;
  let text: string;
  if (declared >= 0) {
    // The HTTP parser delivers exactly Content-Length bytes, and reading them whole skips the
    // web stream the reader below needs (most of the cost of a small body).
    text = await req.text();
  } else {
    const read = await readBounded(req.body, limit);
    if (read === 'too-large') return tooLarge;
    text = read;
  }
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, status: 400, code: -32700, message: 'Parse error: the request body is not valid JSON.' };
  }
}

export function jsonRpcError(status: number, code: number, message: string, id: unknown = null): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}
