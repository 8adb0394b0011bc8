import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { UserError } from '../core/errors.js';
import { createApp, type AppOptions } from './app.js';
import { requireTokenOffLoopback } from './security.js';

export interface ServerOptions extends AppOptions {
  port: number;
  /** How long a client may take to send a whole request (headers and body); then `408`. Default 30 s. */
  requestDeadlineMs?: number;
  /** Open connections at most; more are closed at once. Default 4,096. */
  maxConnections?: number;
}

/** A request (headers and body) slower than this is answered `408` and its connection closed. */
export const REQUEST_DEADLINE_MS = 30_000;
/** Far above 2,000 sessions with a stream each and their waiting calls; bounds file descriptors. */
export const MAX_CONNECTIONS = 4096;

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:8660 */
  url: string;
  /** The MCP endpoint Claude Code is registered with. */
  mcpUrl: string;
  host: string;
  port: number;
  sessions: () => number;
  /** Sessions with a stream open now (agents running). */
  connected: () => number;
  /** Close sessions idle as of `now` (a timer does this; tests pass a later `now`). */
  reap(now?: number): number;
  /** Let running calls write their answers (up to `capMs`), then close everything. */
  close(capMs?: number): Promise<void>;
}

export function urlHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Start the HTTP server. A port in use is a UserError naming the port and the way out. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  requireTokenOffLoopback(opts.host, opts.mcpToken);
  const { app, sessions, flush } = createApp(opts);
  const deadline = opts.requestDeadlineMs ?? REQUEST_DEADLINE_MS;
  const server = createAdaptorServer({
    fetch: app.fetch,
    // How often Node checks the deadline below: a slow body is cut within 1.5× the deadline at most.
    serverOptions: { connectionsCheckingInterval: Math.max(10, Math.floor(deadline / 2)) },
  }) as Server;
  // The deadline covers receiving the request only: a waiting call's answer, which may take
  // hours, is not cut by it (the request was whole long before). A body that trickles in is.
  server.requestTimeout = deadline;
  server.headersTimeout = Math.min(60_000, deadline);
  server.maxConnections = opts.maxConnections ?? MAX_CONNECTIONS;
  server.keepAliveTimeout = 65_000;

  const listening = listen(server, opts.port, opts.host);
  await listening.catch(async (error: unknown) => {
    await sessions.closeAll();
    throw error;
  });
  server.on('error', (e) => opts.onError?.(e));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(opts.host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    mcpUrl: `${url}/mcp`,
    host: opts.host,
    port,
    sessions: () => sessions.size,
    connected: () => sessions.connected,
    reap: (now) => sessions.reap(now),
    close(capMs = 3000) {
      closing ??= (async () => {
        await flush(capMs);
        await sessions.closeAll();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}

/** Listen on `port` at `host`; the usual failures become UserErrors that say the way out. */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, port, host));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function listenError(error: NodeJS.ErrnoException, port: number, host: string): Error {
  if (error.code === 'EADDRINUSE') {
    return new UserError(
      `Port ${port} on ${host} is already in use (another cco may be running: try \`cco pending\`). ` +
        `Stop that process, or start cco on another port with --port ${port + 1} (or --port 0 for any free port).`,
      1,
      { cause: error },
    );
  }
  if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') {
    return new UserError(`Cannot listen on ${host}: no such address on this machine. Use --host 127.0.0.1.`, 1, { cause: error });
  }
  if (error.code === 'EACCES') return new UserError(`Not allowed to listen on port ${port}. Use a port above 1024, e.g. --port 8660.`, 1, { cause: error });
  return error;
}
