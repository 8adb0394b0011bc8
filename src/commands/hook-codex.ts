/**
 * `cco hook codex`: the command Codex runs as its PermissionRequest hook. Codex runs command
 * hooks only (no http hooks), so this forwards the hook input from stdin to the running server's
 * `/hooks/codex/permission-request` and prints the answer in Codex's hook output format.
 *
 * It fails closed. Codex reads a hook's result like this (codex-rs/hooks permission_request.rs):
 * exit 0 with a decision on stdout is that decision; exit 0 with empty stdout is "no decision"
 * (Codex falls back to its own approval); exit 2 with a reason on stderr is a denial with that
 * reason; any other exit, a kill at the hook's timeout, or invalid JSON is a failed hook, which is
 * also "no decision". So every failure here (cco not running, wrong token, an error status, an
 * answer that is not exactly allow/deny, no answer within `--wait`) exits 2 with a one-line reason:
 * a denial Codex shows the model. Never an empty output.
 *
 * Started once per question, so it loads nothing but Node's own modules and the server file.
 */
import { ccoPaths, type CcoPaths } from '../store/paths.js';
import { processAlive, readServerFile } from '../store/server-file.js';
import { readBounded } from '../client/bounded-read.js';

/** Largest hook input forwarded; the server's own limit. */
export const MAX_HOOK_INPUT_BYTES = 1024 * 1024;

/** How long the hook waits for the server by default (s): under Codex's default hook timeout of 600 s. */
export const DEFAULT_WAIT_S = 590;

export const CODEX_HOOK_PATH = '/hooks/codex/permission-request';

export interface HookCodexOptions {
  agent?: string;
  url?: string;
  /** Seconds to wait for the server's answer before denying. */
  wait?: number;
}

export interface HookResult {
  /** What goes to stdout (Codex's hook output JSON), or '' with a denial on stderr. */
  stdout: string;
  stderr: string;
  code: 0 | 2;
}

const deny = (reason: string): HookResult => ({ stdout: '', stderr: `cco denied this call: ${oneLine(reason)}\n`, code: 2 });

/** One line of plain printable text (Codex shows it to the model and the person). */
function oneLine(text: string, max = 500): string {
  // eslint-disable-next-line no-control-regex
  const flat = text
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat || 'no reason given';
}

/** Read stdin whole, refusing more than `limit` bytes, or giving up after `timeoutMs` (stdin that never ends). */
export async function readBoundedStdin(
  stream: NodeJS.ReadableStream = process.stdin,
  limit = MAX_HOOK_INPUT_BYTES,
  timeoutMs = DEFAULT_WAIT_S * 1000,
): Promise<Buffer | 'too-large' | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref?.();
  });
  const read = (async () => {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      const b = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += b.byteLength;
      if (size > limit) return 'too-large' as const;
      chunks.push(b);
    }
    return Buffer.concat(chunks, size);
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Read a response body as text, refusing more than `limit` bytes. */
const boundedText = (res: Response, limit: number) => readBounded(res.body, limit);

/** Largest server answer read: a decision is a few hundred bytes. */
export const MAX_ANSWER_BYTES = 64 * 1024;

/** The endpoint and token: --url, else the running server's server file; undefined when no cco is running. */
async function findServer(o: HookCodexOptions, paths: CcoPaths, env: NodeJS.ProcessEnv): Promise<{ url: string; token?: string } | string> {
  let base: string;
  let token = env.CCO_TOKEN || undefined;
  if (o.url) {
    base = new URL(o.url).origin;
  } else {
    let info;
    try {
      info = await readServerFile(paths.serverFile);
    } catch (error) {
      return (error as Error).message;
    }
    if (!info || !processAlive(info.pid)) return 'cco is not running (start `cco watch` or `cco serve`), so nobody can approve it.';
    base = new URL(info.url).origin;
    token ??= info.mcpToken;
  }
  const url = `${base}${CODEX_HOOK_PATH}${o.agent ? `/${encodeURIComponent(o.agent)}` : ''}`;
  return token ? { url, token } : { url };
}

/** A server answer that is exactly one of Codex's two decisions, rebuilt (nothing else passes through). */
export function codexDecision(json: unknown): HookResult | undefined {
  const out = (json as { hookSpecificOutput?: unknown } | null)?.hookSpecificOutput as { hookEventName?: unknown; decision?: unknown } | undefined;
  if (!out || out.hookEventName !== 'PermissionRequest') return undefined;
  const d = out.decision as { behavior?: unknown; message?: unknown } | undefined;
  if (d?.behavior === 'allow')
    return {
      stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow' } } })}\n`,
      stderr: '',
      code: 0,
    };
  if (d?.behavior === 'deny') {
    const message = typeof d.message === 'string' && d.message.trim() ? d.message : 'Denied by cco.';
    return {
      stdout: `${JSON.stringify({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message } } })}\n`,
      stderr: '',
      code: 0,
    };
  }
  return undefined;
}

/** Forward one hook input and turn the outcome into Codex's answer. Never throws. */
export async function forwardCodexHook(
  input: Buffer | 'too-large' | 'timeout',
  o: HookCodexOptions = {},
  paths: CcoPaths = ccoPaths(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<HookResult> {
  try {
    if (input === 'too-large') return deny(`the hook input is larger than ${MAX_HOOK_INPUT_BYTES} bytes.`);
    if (input === 'timeout') return deny('the hook input on stdin did not end within the wait.');
    if (input.byteLength === 0) return deny('the hook got no input on stdin (is it registered as a Codex PermissionRequest hook?).');
    const server = await findServer(o, paths, env);
    if (typeof server === 'string') return deny(server);
    const waitMs = Math.max(1, o.wait ?? DEFAULT_WAIT_S) * 1000;
    let res: Response;
    try {
      res = await fetch(server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
        body: new Uint8Array(input),
        signal: AbortSignal.timeout(waitMs),
      });
    } catch (error) {
      const e = error as Error;
      if (e.name === 'TimeoutError') return deny(`cco did not answer within ${waitMs / 1000} s.`);
      return deny(`cco is not reachable at ${new URL(server.url).origin} (${(e.cause as Error | undefined)?.message ?? e.message}); is it running?`);
    }
    let text: string;
    try {
      const body = await boundedText(res, MAX_ANSWER_BYTES);
      if (body === 'too-large') return deny(`cco's answer is larger than ${MAX_ANSWER_BYTES} bytes.`);
      text = body;
    } catch (error) {
      return deny(`cco's answer was cut off (${(error as Error).name === 'TimeoutError' ? `no answer within ${waitMs / 1000} s` : (error as Error).message}).`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const message = (json as { error?: { message?: unknown } } | undefined)?.error?.message;
      const why = typeof message === 'string' ? message : text.slice(0, 200);
      if (res.status === 401) return deny(`cco refused the token (HTTP 401): set CCO_TOKEN for Codex or check \`cco config get token\`. ${why}`);
      return deny(`cco answered HTTP ${res.status}: ${why}`);
    }
    return codexDecision(json) ?? deny('cco answered something that is not an allow or a deny.');
  } catch (error) {
    return deny(`unexpected error in cco hook: ${(error as Error).message}`);
  }
}
