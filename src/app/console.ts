/**
 * The console output of `cco watch`: the Ink console on the broker, with the agent count in its
 * header and "always allow" saving rules, until the person quits or a signal stops it. While Ink
 * owns the terminal, console output from libraries goes to the log file, to the very end.
 */
import type { Core } from './core.js';
import { hookAgents } from '../core/console-status.js';
import { withPastAsks } from '../core/console-source.js';
import type { Presence } from '../core/presence.js';
import type { PendingCall } from '../core/types.js';
import { recentAsks } from '../store/audit-read.js';
import { decidingAs } from '../core/people.js';
import { localPerson } from '../store/tokens.js';
import { VERSION } from '../version.js';
import { grantSaver } from './grants.js';
import type { Http } from './http.js';
import type { OutputRun } from './headless.js';
import type { LiveSettings } from './live-settings.js';
import { errorText, type Log } from './log.js';
import type { Part } from './parts.js';
import type { State } from './state.js';
import { QUIT_MESSAGE, signalMessage } from './stop.js';

/**
 * The agents part: agents come and go without telling us; a once-a-second look is cheap and enough
 * for a header (only the console shows it).
 */
export function pollAgents(settings: LiveSettings, { broker, presence }: Core, http: Http): Part<void> {
  const poll = setInterval(() => {
    const agents = http.server.connected() + hookAgents(broker.snapshot(), Date.now());
    settings.status.set({ agents, away: settings.current().whenAway === 'deny' && presence.away() });
  }, 1000);
  poll.unref();
  return { value: undefined, close: () => clearInterval(poll) };
}

export interface ConsoleRun extends OutputRun {
  state: State;
  settings: LiveSettings;
  presence: Presence;
}

/** Run the console until it ends; then stop. Returns the calls that were still waiting (and so were denied). */
export async function runConsoleOutput(run: ConsoleRun): Promise<readonly PendingCall[]> {
  const { runConsole } = await import('../tui/run.js');
  const { state, settings, broker } = run;
  const { log, paths } = state;
  const restoreConsole = redirectConsole(log);
  const detach = run.presence.attach();
  try {
    const ended = await runConsole({
      source: withPastAsks(decidingAs(broker, localPerson()), (limit) => recentAsks(paths.stateDir, limit, (m) => log('warn', `audit log: ${m}`))),
      alerts: state.alerts,
      status: settings.status,
      bell: () => settings.current().bell,
      onAlwaysAllow: grantSaver(state, settings, broker),
      info: { url: run.http.server.mcpUrl, version: VERSION },
      stopSignal: run.stopped,
      // A key: someone is present (whenAway), and typing (the notices wait).
      onActivity: () => run.presence.touch(),
    });
    const waiting = broker.snapshot().pending;
    await run.stop(ended === 'quit' ? QUIT_MESSAGE : signalMessage(ended));
    return waiting;
  } finally {
    detach();
    restoreConsole();
  }
}

/** While Ink owns the terminal, console output from libraries goes to the log file. */
export function redirectConsole(log: Log): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const to =
    (level: 'info' | 'warn' | 'error') =>
    (...args: unknown[]) =>
      log(level, args.map((a) => (typeof a === 'string' ? a : errorText(a))).join(' '));
  console.log = to('info');
  console.info = to('info');
  console.debug = to('info');
  console.warn = to('warn');
  console.error = to('error');
  return () => Object.assign(console, saved);
}
