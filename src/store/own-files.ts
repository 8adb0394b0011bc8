/**
 * cco's own files on disk: which paths agents may not touch (for the self-guard), whether their
 * folders are safe to trust, and opening state files without following a symlink.
 */
import { constants, lstatSync, openSync, realpathSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import type { ProtectedPath } from '../core/self-guard.js';
import { ccoPaths, type CcoPaths } from './paths.js';

const STATE_WHAT = "state folder (audit log, console log, server file with the decision API's token)";

/**
 * What the self-guard protects: the config folder and file, the state folder and `$CCO_HOME`,
 * each also under its real path when a symlink leads there.
 */
export function protectedPaths(paths: CcoPaths, env: NodeJS.ProcessEnv = process.env, home = homedir()): ProtectedPath[] {
  const out: ProtectedPath[] = [];
  const add = (path: string, dir: boolean, what: string) => {
    const abs = resolve(path);
    const real = realPath(abs);
    for (const p of real === undefined || real === abs ? [abs] : [abs, real]) {
      if (!out.some((o) => o.path === p && o.dir === dir)) out.push({ path: p, dir, what });
    }
  };
  if (env.CCO_HOME) add(env.CCO_HOME, true, 'folder ($CCO_HOME: config, rules, audit log and server file)');
  add(paths.configDir, true, 'config folder (rules and settings)');
  add(paths.configFile, false, 'config file (rules and settings)');
  add(`${paths.configFile}.lock`, false, "config file's lock");
  add(paths.tokensFile, false, 'tokens file (who may decide through the decision API)');
  add(`${paths.tokensFile}.lock`, false, "tokens file's lock");
  add(paths.stateDir, true, STATE_WHAT);
  add(paths.serverFile, false, "server file (it holds the decision API's token)");
  // The default folders too when CCO_HOME or CCO_CONFIG_PATH moved this cco's: another cco uses them.
  if (env.CCO_HOME || env.CCO_CONFIG_PATH) {
    const { CCO_HOME: _h, CCO_CONFIG_PATH: _c, ...rest } = env;
    const usual = ccoPaths(rest, home);
    add(usual.configDir, true, 'config folder (rules and settings)');
    add(usual.stateDir, true, STATE_WHAT);
  }
  return out;
}

/** The real path, or of its nearest existing folder with the rest joined on; undefined on failure. */
function realPath(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return undefined;
    const real = realPath(parent);
    return real === undefined ? undefined : resolve(real, path.slice(parent.length + 1));
  }
}

/**
 * Refuses (a UserError saying how to fix it) when cco's config folder, config file or state
 * folder belongs to another user or can be written by group or others: whoever can write there can
 * change the rules or read the decision token. Folders and files that do not exist yet pass (cco
 * makes them private). Skipped on Windows, whose permissions are not modes.
 */
export function checkOwnFiles(paths: CcoPaths, platform: NodeJS.Platform = process.platform): void {
  const problem = ownFilesProblem(paths, platform);
  if (problem) throw new UserError(`${problem} Then start cco again.`);
}

/** checkOwnFiles' finding as a sentence, or undefined when all is well. */
export function ownFilesProblem(paths: CcoPaths, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform === 'win32') return undefined;
  const uid = process.getuid?.();
  const items: Array<[string, 'folder' | 'file', string]> = [
    [paths.configDir, 'folder', 'config folder'],
    [paths.configFile, 'file', 'config file'],
    [paths.tokensFile, 'file', 'tokens file'],
    [paths.stateDir, 'folder', 'state folder'],
  ];
  for (const [path, kind, what] of items) {
    let st: Stats;
    try {
      // The entry itself: a symlink's target is checked by following it below.
      st = lstatSync(path);
      if (st.isSymbolicLink()) st = lstatSync(realpathSync.native(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      return `cco cannot check its ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix its permissions.`;
    }
    if (uid !== undefined && st.uid !== uid) {
      return `cco's ${what} ${path} belongs to another user (uid ${st.uid}, you are ${uid}), so they could change cco's rules or read its token. Make it yours (\`chown ${uid} ${path}\`) or give cco its own folder with CCO_HOME=/some/dir.`;
    }
    const mode = st.mode & 0o777;
    if (mode & 0o022) {
      const fix = kind === 'folder' ? `chmod 700 ${path}` : `chmod 600 ${path}`;
      return `cco's ${what} ${path} can be written by ${mode & 0o002 ? 'other users' : 'its group'} (mode ${mode.toString(8)}), so they could change cco's rules or its audit log. Run \`${fix}\`.`;
    }
  }
  for (const file of [paths.serverFile, paths.logFile, join(paths.stateDir, 'audit.jsonl')]) {
    try {
      refuseSymlink(file);
    } catch (error) {
      return (error as Error).message;
    }
  }
  return undefined;
}

const NOFOLLOW = constants.O_NOFOLLOW ?? 0;

/** Why a state file is refused: it is a symlink (ELOOP from O_NOFOLLOW), with what to do. */
export function symlinkError(file: string, error: unknown): UserError | undefined {
  if (!isSymlinkError(error)) return undefined;
  return new UserError(`${file} is a symbolic link; cco does not write its state through a link. Remove it (\`rm ${file}\`).`, 1, { cause: error });
}

/**
 * `openSync(file, 'a+')` that refuses a symlink instead of writing through it: throws the system's
 * error (`ELOOP` for a link; see isSymlinkError).
 */
export function openAppendNoFollow(file: string, mode = 0o600): number {
  return openSync(file, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | NOFOLLOW, mode);
}

/** A new file for writing (`wx`), refusing a symlink in its place. */
export async function createNoFollow(file: string, mode = 0o600): Promise<FileHandle> {
  try {
    return await open(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, mode);
  } catch (error) {
    throw symlinkError(file, error) ?? error;
  }
}

/** Refuses (UserError) when `file` is a symlink: cco replaces or appends to its state files, never through a link. */
export function refuseSymlink(file: string): void {
  let link: boolean;
  try {
    link = lstatSync(file).isSymbolicLink();
  } catch {
    return;
  }
  if (link) throw symlinkError(file, Object.assign(new Error('symbolic link'), { code: 'ELOOP' }));
}

/** Whether an open failed because the path is a symlink (O_NOFOLLOW). */
export function isSymlinkError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ELOOP' || code === 'EMLINK';
}
