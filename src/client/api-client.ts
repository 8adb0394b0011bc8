import { UserError } from '../core/errors.js';
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

/** A client of a running server's decision API, found through its server file. */
export class ApiClient {
  constructor(readonly info: Pick<ServerInfo, 'url' | 'token'>) {}

  static async fromServerFile(file: string): Promise<ApiClient> {
    const info = await readServerFile(file);
    if (!info || !processAlive(info.pid)) throw new UserError(NO_SERVER);
    return new ApiClient(info);
  }

  async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.info.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.info.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
    } catch (error) {
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
