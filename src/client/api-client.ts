import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import { readSse } from './sse.js';
import { processAlive, readServerFile, type ServerInfo } from '../store/server-file.js';

/** The server answered with an error: its HTTP status and error code, with its message. */
export class ApiError extends UserError {
  override name = 'ApiError';
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

const NO_SERVER = 'No cco server is running. Start one with `cco watch` (console) or `cco serve` (headless).';

/** How long one decision API request may take before it counts as failed. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** A client of a running server's decision API, found through its server file. */
export class ApiClient {
  constructor(readonly info: Pick<ServerInfo, 'url' | 'token'>) {}

  /**
   * The running server of the server file, with its token; `CCO_API_TOKEN` (a named token) takes
   * the token's place, and with `CCO_API_URL` the server file is not read at all (a cco on another
   * machine, e.g. through an SSH tunnel).
   */
  static async fromServerFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<ApiClient> {
    const token = env.CCO_API_TOKEN?.trim() || undefined;
    const url = env.CCO_API_URL?.trim() || undefined;
    if (url !== undefined) {
      if (!/^https?:\/\/[^/\s]+/i.test(url))
        throw new UserError(`CCO_API_URL must be an http(s) URL such as http://127.0.0.1:8660 (got "${escapeText(url.slice(0, 80))}").`);
      if (token === undefined)
        throw new UserError(
          "CCO_API_URL is set but CCO_API_TOKEN is not: give the named token (`cco token add NAME`, run on that cco's host) in CCO_API_TOKEN.",
        );
      return new ApiClient({ url: url.replace(/\/+$/, ''), token });
    }
    const info = await readServerFile(file);
    if (!info || !processAlive(info.pid)) throw new UserError(NO_SERVER);
    return new ApiClient(token !== undefined ? { url: info.url, token } : info);
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.info.url}${path}`, {
        // A server that takes the request and never answers must not hold a decision open forever.
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        method,
        headers: {
          authorization: `Bearer ${this.info.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError') {
        throw new UserError(`${this.info.url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s; whether it acted is unknown (see \`cco pending\`).`, 1, {
          cause: error,
        });
      }
      throw new UserError(`${NO_SERVER} (nothing answers at ${this.info.url})`, 1, { cause: error });
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: { message?: string; code?: string } } | undefined)?.error;
      throw new ApiError(error?.message ?? `HTTP ${res.status}`, res.status, error?.code);
    }
    return json as T;
  }

  /**
   * The server's live events (`GET /api/events`), as they happen, until the server stops or
   * `signal` aborts.
   */
  async *events(signal?: AbortSignal): AsyncGenerator<{ event: string; data: unknown }> {
    let res: Response;
    try {
      res = await fetch(`${this.info.url}/api/events`, {
        headers: { authorization: `Bearer ${this.info.token}`, accept: 'text/event-stream' },
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      throw new UserError(`${NO_SERVER} (nothing answers at ${this.info.url})`, 1, { cause: error });
    }
    if (!res.ok || !res.body) throw new UserError(`The server refused the event stream (HTTP ${res.status}).`);
    try {
      for await (const { event, data } of readSse(res.body)) {
        try {
          yield { event, data: JSON.parse(data) as unknown };
        } catch {
          // Not JSON: not an event of ours.
        }
      }
    } catch (error) {
      // Once the stream has started, a broken connection means the server went away: the
      // stream simply ends (the caller says so), it is not an error of the caller's.
      if (signal?.aborted) return;
      if (error instanceof TypeError || (error as Error).message === 'terminated') return;
      throw error;
    }
  }
}
