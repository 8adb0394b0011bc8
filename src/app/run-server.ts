/**
 * The composition root of `cco serve` and `cco watch`: the parts opened in order, each closed in
 * the reverse order when cco stops (see ./parts.ts). Stopping thus goes: the console's agent poll,
 * the notices' timers,
 * every waiting call denied with the reason and the HTTP server closed, the settings watch, the
 * audit log flushed and closed, and last the server file removed, so no second cco can start on
 * this state folder before this one is done with it.
 */
import type { PendingCall } from '../core/types.js';
import { ccoPaths } from '../store/paths.js';
import type { ServerCliOptions } from '../commands/server-options.js';
import { runConsoleOutput, pollAgents } from './console.js';
import { openCore } from './core.js';
import { runHeadless } from './headless.js';
import { openHttp, publishServer } from './http.js';
import { openSettings } from './live-settings.js';
import { errorText, fileLog, stderrLog } from './log.js';
import { openNotify } from './notify.js';
import { openParts } from './parts.js';
import { watchSettings } from './settings-watch.js';
import { openState } from './state.js';
import { STOPPED_MESSAGE, stoppedLine, untilSignal } from './stop.js';

export interface RunServerOptions extends ServerCliOptions {
  console: boolean;
}

export async function runServer(opts: RunServerOptions): Promise<void> {
  const paths = ccoPaths();
  const log = opts.console ? fileLog(paths.logFile) : stderrLog;
  const onError = (e: unknown) => log('error', errorText(e));
  const parts = openParts(onError);
  const state = await parts.open('state', () => openState(paths, log, onError));
  const settings = await parts.open('settings', () => openSettings(paths, opts));
  const core = await parts.open('core', () => openCore(state, settings, opts.timeout));
  const { broker } = core;
  await parts.open('settings watch', () => watchSettings(state, settings, core, opts.timeout));
  const http = await parts.open('http', () => openHttp(opts, state, settings, core));
  await parts.open('server file', () => publishServer(state, http, settings));
  await parts.open('notify', () => openNotify(state, settings, core, { console: opts.console }));
  // The header's agent count: this console's, and any remote console's.
  await parts.open('agents poll', () => pollAgents(settings, core, http));
  const stopped = untilSignal();
  const stop = (reason: string) => parts.close(reason);
  let waiting: readonly PendingCall[];
  try {
    waiting = opts.console
      ? await runConsoleOutput({ state, settings, broker, presence: core.presence, http, stopped, stop })
      : await runHeadless({ broker, http, hasToken: Boolean(settings.token), stopped, stop });
  } catch (error) {
    await parts.close(STOPPED_MESSAGE);
    throw error;
  }
  process.stdout.write(`${stoppedLine(waiting)}\n`);
  // Everything is closed; if some handle still keeps the process alive, do not hang the terminal.
  setTimeout(() => process.exit(process.exitCode ?? 0), 2000).unref();
}
