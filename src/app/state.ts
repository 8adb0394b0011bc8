/**
 * The state part: cco's state folder, checked to be the user's own, and the server file, which
 * is both where clients find the server and the lock that keeps a second cco off the same folder.
 * Closing it (the last part closed) removes the server file, if it is still ours.
 */
import { mkdirSync } from 'node:fs';
import { AlertBoard } from '../core/alerts.js';
import { UserError } from '../core/errors.js';
import type { CcoPaths } from '../store/paths.js';
import { checkOwnFiles } from '../store/own-files.js';
import { processAlive, readServerFile, removeServerFile, writeServerFile, type ServerInfo } from '../store/server-file.js';
import type { Log } from './log.js';
import type { Part } from './parts.js';

export interface State {
  readonly paths: CcoPaths;
  readonly log: Log;
  readonly onError: (error: unknown) => void;
  /** What the console's banners say is wrong (the audit log, the config file). */
  readonly alerts: AlertBoard;
  /** Write the server file: from now on clients find this server. */
  publish(info: ServerInfo): Promise<void>;
}

export async function openState(paths: CcoPaths, log: Log, onError: (error: unknown) => void): Promise<Part<State>> {
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  // Whoever can write cco's folders can change its rules or read its token: refuse to start.
  checkOwnFiles(paths);
  // Two servers on one state folder would clobber each other's server file and mark each other's
  // waiting calls as interrupted in the shared audit log.
  const other = await readServerFile(paths.serverFile).catch(() => undefined);
  if (other && other.pid !== process.pid && processAlive(other.pid)) {
    throw new UserError(
      `Another cco (pid ${other.pid}) is already running at ${other.url} with the state folder ${paths.stateDir}. ` +
        'Use that one (`cco pending`), stop it, or give this one its own folder with CCO_HOME=/some/dir.',
    );
  }
  const state: State = { paths, log, onError, alerts: new AlertBoard(), publish: (info) => writeServerFile(paths.serverFile, info) };
  return { value: state, close: () => removeServerFile(paths.serverFile).catch(onError) };
}
