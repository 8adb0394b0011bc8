/**
 * The HTTP part: the MCP endpoint, the hook routes and the decision API on one port, announced in
 * the server file. Closing it first denies every waiting call with the reason cco stops (a waiting
 * call holds its HTTP request open, and its agent should read why), then closes the server.
 */
import { randomBytes } from 'node:crypto';
import { homedir } from 'node:os';
import { recentAsks } from '../store/audit-read.js';
import { readDiskFile } from '../store/disk-file.js';
import { grantSaver } from './grants.js';
import type { Core } from './core.js';
import { startServer, type RunningServer } from '../server/listen.js';
import type { ServerCliOptions } from '../commands/server-options.js';
import { TokenBook, localPerson } from '../store/tokens.js';
import { VERSION } from '../version.js';
import type { LiveSettings } from './live-settings.js';
import type { Part } from './parts.js';
import type { State } from './state.js';

export interface Http {
  readonly server: RunningServer;
  /** The port asked for (`--port`, else the config's); 0 means a random one. */
  readonly askedPort: number;
  /** The decision API's token, fresh at each start. */
  readonly apiToken: string;
}

export async function openHttp(opts: ServerCliOptions, state: State, settings: LiveSettings, { broker, presence }: Core): Promise<Part<Http>> {
  // The decision API gets its own token, fresh at each start: agents are given the /mcp token (in
  // their MCP registration), and holding it must not let them approve their own calls.
  const apiToken = randomBytes(32).toString('base64url');
  const { token } = settings;
  const askedPort = opts.port ?? settings.current().port;
  let mcpUrl = '';
  const tokens = new TokenBook(state.paths.tokensFile);
  const server: RunningServer = await startServer({
    broker,
    apiToken,
    // The per-start token decides as the OS user; named tokens (`cco token add`) as their names.
    localPerson: localPerson(),
    namedTokens: (presented) => tokens.lookup(presented),
    ...(token ? { mcpToken: token } : {}),
    ...(opts.allowHost ? { allowedHosts: opts.allowHost } : {}),
    host: opts.host,
    port: askedPort,
    version: VERSION,
    progressIntervalMs: opts.progressInterval,
    // Claude Code does not start a new session after a 404 on its own: its cco calls then fail
    // until it restarts. So only sessions with no open stream and a day without a request go.
    sessionIdleMs: 24 * 60 * 60_000,
    onError: state.onError,
    console: {
      instance: randomBytes(9).toString('base64url'),
      version: VERSION,
      mcpUrl: () => mcpUrl,
      homeDir: homedir(),
      status: settings.status,
      alerts: state.alerts,
      pastAsks: (limit) => recentAsks(state.paths.stateDir, limit, (m) => state.log('warn', `audit log: ${m}`)),
      readFile: readDiskFile,
      alwaysAllow: grantSaver(state, settings, broker),
      presence,
    },
  });
  mcpUrl = server.mcpUrl;
  return {
    value: { server, askedPort, apiToken },
    close: async (reason) => {
      broker.shutdown(reason);
      await server.close();
    },
  };
}

/** Tell clients where this server is (the state part removes the file when cco stops). */
export async function publishServer(state: State, http: Http, settings: LiveSettings): Promise<Part<void>> {
  const { token } = settings;
  await state.publish({
    url: http.server.url,
    mcpUrl: http.server.mcpUrl,
    pid: process.pid,
    token: http.apiToken,
    ...(token ? { mcpToken: token } : {}),
    startedAt: new Date().toISOString(),
    version: VERSION,
  });
  return { value: undefined };
}
