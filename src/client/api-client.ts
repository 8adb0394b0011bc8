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
}
