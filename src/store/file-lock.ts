import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
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
      if (e.code !== 'EEXIST') throw new UserError(`Cannot lock ${file} for writing (${e.code ?? e.message}); check the folder's permissions.`, 1, { cause: error });
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

function stale(lock: string): boolean {
  try {
    const pid = Number(readFileSync(lock, 'utf8'));
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) return true;
    return Date.now() - statSync(lock).mtimeMs > 30_000;
  } catch {
    // Gone already (released between our tries), or written half: try again.
    return false;
  }
}
