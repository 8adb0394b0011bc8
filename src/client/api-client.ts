import { UserError } from '../core/errors.js';
import { processAlive, readServerFile, type ServerInfo } from '../store/server-file.js';

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
      const message = (json as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${res.status}`;
      throw new UserError(message);
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
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += value.replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) event = line.slice(6).trim();
            else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
          }
          if (data.length === 0) continue;
          try {
            yield { event, data: JSON.parse(data.join('\n')) as unknown };
          } catch {
            // Not JSON: not an event of ours.
          }
        }
      }
    } catch (error) {
      if (signal?.aborted) return;
      throw error;
    } finally {
      reader.releaseLock();
    }
  }
}
