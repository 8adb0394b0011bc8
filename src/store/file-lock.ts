import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { processAlive } from './server-file.js';

/**
 * Take `<file>.lock` (it holds our pid) so a read-change-write of `file` is whole across processes;
 * resolves to the release function. A lock whose process is gone, or older than 30 s, is stale and
 * taken over. After `waitMs` of waiting, a UserError says what to do.
 */
export async function lockFile(file: string, waitMs = 10_000): Promise<() => void> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + waitMs;
  for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
    try {
      const fd = openSync(lock, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      if (e.code !== 'EEXIST')
        throw new UserError(`Cannot lock ${file} for writing (${e.code ?? e.message}); check the folder's permissions.`, 1, { cause: error });
    }
    if (stale(lock)) {
      rmSync(lock, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new UserError(`Another cco is changing ${file} (its lock ${lock} is held). Try again; if no cco command is running, delete the lock file.`);
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
  }
}

/**
 * Whether the lock at `lock` may be taken over: its process is gone and it is over a second old
 * (a holder that just released it and exited must not count: by then the lock at that path may
 * be another's), or it is over 30 s old. Its pid and age are read from one open file, and it is
 * stale only if the path still names that very file, so a fresh lock taken meanwhile stays.
 */
function stale(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'r');
  } catch {
    return false;
  }
  try {
    const held = fstatSync(fd);
    const pid = Number(readFileSync(fd, 'utf8'));
    const age = Date.now() - held.mtimeMs;
    const gone = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
    if (!(gone && age > 1000) && age <= 30_000) return false;
    return statSync(lock).ino === held.ino;
  } catch {
    // Gone already (released between our tries), or written half: try again.
    return false;
  } finally {
    closeSync(fd);
  }
}
