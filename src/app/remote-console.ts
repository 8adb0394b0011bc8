/**
 * `cco watch --connect [URL]`: the console on a cco that runs elsewhere (`cco serve` in another
 * pane, or on another machine through an SSH tunnel or a TLS proxy). No server starts here; the
 * console reads the server's console stream and decides through its decision API. Quitting this
 * console decides nothing: the calls keep waiting on the server, for its other consoles.
 */
import { UserError } from '../core/errors.js';
import { isLoopback } from '../server/security.js';
import { RemoteSource, type Endpoint } from '../client/remote-source.js';
import { ccoPaths } from '../store/paths.js';
import { processAlive, readServerFile } from '../store/server-file.js';
import { resolveSettings, SettingsStore } from '../store/settings.js';
import type { NotifySettings } from '../core/settings.js';
import { startNotify } from './notify.js';
import { VERSION } from '../version.js';
import { redirectConsole } from './console.js';
import { fileLog, type Log } from './log.js';
import { untilSignal } from './stop.js';

const NO_SERVER =
  'No cco server is running on this machine. Start one with `cco serve` (or `cco watch`), or give the URL of one: `cco watch --connect https://…`.';

/** The server to connect to: the one this machine's server file names, or `url` with CCO_API_TOKEN. */
export function endpointOf(url: string | undefined, serverFile: string, env: NodeJS.ProcessEnv = process.env): () => Promise<Endpoint> {
  const fromFile = async () => {
    const info = await readServerFile(serverFile);
    return info && processAlive(info.pid) ? info : undefined;
  };
  if (url === undefined) {
    return async () => {
      const info = await fromFile();
      if (!info) throw new UserError(NO_SERVER);
      return { url: info.url, token: env.CCO_API_TOKEN || info.token };
    };
  }
  const base = checkUrl(url);
  return async () => {
    if (env.CCO_API_TOKEN) return { url: base, token: env.CCO_API_TOKEN };
    // The cco of this machine, named by its URL: its own token, read afresh (it changes at each start).
    const info = await fromFile();
    if (info && info.url === base) return { url: base, token: info.token };
    throw new UserError(
      `Connecting to ${base} needs one of its decision tokens: make one there with \`cco token add NAME\` and set CCO_API_TOKEN to it (or use the "token" of its server file, which changes at each start of that cco).`,
      2,
    );
  };
}

/** The server's base URL: http(s), no credentials, no path; plain http only to this machine. */
export function checkUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`"${url}" is not a URL; give the server's address, e.g. http://127.0.0.1:8660 or https://cco.example.org.`, 2);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UserError(`"${url}" is not an http(s) URL.`, 2);
  if (u.username || u.password) throw new UserError('Put no credentials in the URL; set CCO_API_TOKEN instead.', 2);
  if (u.search || u.hash || (u.pathname !== '/' && u.pathname !== '')) {
    throw new UserError(`Give the server's address without a path (${u.origin}): the console finds its routes under it.`, 2);
  }
  if (u.protocol === 'http:' && !isLoopback(u.hostname)) {
    throw new UserError(
      `Refusing to send a decision token in clear text to ${u.host}: use https (a TLS proxy in front of cco), or an SSH tunnel (ssh -L 8660:127.0.0.1:8660 host) and --connect http://127.0.0.1:8660.`,
      2,
    );
  }
  return u.origin;
}

export async function runRemoteConsole(url: string | undefined): Promise<void> {
  const paths = ccoPaths();
  const source = new RemoteSource({ endpoint: endpointOf(url, paths.serverFile) });
  const server = await source.start();
  const store = new SettingsStore(paths.configFile);
  const bell = () => {
    try {
      return store.read().bell;
    } catch {
      return true;
    }
  };
  const { runConsole } = await import('../tui/run.js');
  const log = fileLog(paths.logFile);
  const restoreConsole = redirectConsole(log);
  const lastKey = { at: undefined as number | undefined };
  const notify = desktopNotices(source, store, log, () => lastKey.at);
  try {
    await runConsole({
      source,
      alerts: source.alerts,
      status: source.status,
      bell,
      onAlwaysAllow: (grant) => source.alwaysAllow(grant),
      readFile: (path) => source.readFile(path),
      homeDir: server.homeDir,
      info: { url: server.mcpUrl, version: VERSION },
      stopSignal: untilSignal(),
      onActivity: () => {
        lastKey.at = Date.now();
        source.activity();
      },
    });
  } finally {
    notify.close();
    restoreConsole();
    source.close();
  }
  process.stdout.write(`cco console closed; ${server.url} keeps running, and its waiting calls wait for another console.\n`);
}

/**
 * Desktop notices in this console's terminal for the calls it shows, with this machine's
 * `notify.desktop` settings. The webhook stays the server's (one POST per burst, not one per console).
 */
function desktopNotices(source: RemoteSource, store: SettingsStore, log: Log, lastKeyAt: () => number | undefined): { close(): void } {
  const settings = (): NotifySettings => {
    let current: NotifySettings;
    try {
      current = store.read().notify;
    } catch {
      current = resolveSettings({}).notify;
    }
    return { ...current, webhook: { ...current.webhook, url: undefined } };
  };
  return startNotify({
    feed: { waiting: () => source.snapshot().pending, subscribe: (on) => source.watchCalls(on) },
    settings,
    log,
    console: true,
    keys: { lastKeyAt },
  });
}
