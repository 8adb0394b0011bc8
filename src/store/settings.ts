import {
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unwatchFile,
  watch,
  watchFile,
  writeSync,
  type FSWatcher,
} from 'node:fs';
import { basename, dirname } from 'node:path';
import { UserError } from '../core/errors.js';
import { locateJson } from '../core/json-locate.js';
import { resolveSettings, type Settings, type SettingsFile } from '../core/settings.js';
import { normalizeActions, settingsIssues } from '../core/settings-check.js';
import { lockFile } from './file-lock.js';

export { DEFAULTS, MIN_RETENTION_BYTES, MIN_RETENTION_MS, parseSize, resolveSettings, type Settings, type SettingsFile } from '../core/settings.js';
export { checkSettings, settingsIssues, settingsProblems } from '../core/settings-check.js';
export { TOKEN_HINT, TOKEN_RE } from '../core/token.js';

/** A settings file that cannot be used: says which file, what is wrong, how to fix it. */
export class ConfigError extends UserError {
  override name = 'ConfigError';
  readonly problem: string;
  constructor(
    readonly file: string,
    problems: string | readonly string[],
  ) {
    const list = (typeof problems === 'string' ? [problems] : problems).map((p) => p.replace(/\.$/, ''));
    const what = list.length === 1 ? `${list[0]}.` : `${list.length} problems:\n${list.map((p) => `  - ${p}`).join('\n')}\n`;
    super(`The config file ${file} is invalid: ${what} Fix it by hand (cco never overwrites a broken file), or move it away to start fresh.`);
    this.problem = list.join('; ');
  }
}

export type WatchResult = { ok: true; file: SettingsFile; settings: Settings } | { ok: false; error: ConfigError };

/**
 * The settings file (`config.json`): read straight from disk and validated each time; written
 * whole (a temporary file beside it, mode 0600, renamed over it) under a lock. A file that fails
 * to parse or validate is reported and never overwritten.
 */
export class SettingsStore {
  constructor(readonly file: string) {}

  /** The file's contents, validated. A missing file is an empty one. */
  readFile(): SettingsFile {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw this.asConfigError(error);
    }
    return this.parse(text);
  }

  read(): Settings {
    return resolveSettings(this.readFile());
  }

  /**
   * Read, change and write back; the change is validated before anything is written. A lock file
   * makes the read-change-write whole, so two `cco rules add` at once both land.
   */
  async update(change: (file: SettingsFile) => void): Promise<SettingsFile> {
    const unlock = await lockFile(this.file);
    try {
      const file = structuredClone(this.readFile());
      change(file);
      const problems = settingsIssues(file).map((i) => i.message.replace(/\.$/, ''));
      if (problems.length) throw new UserError(`Not saved: ${problems.join('; ')}.`);
      try {
        writeWhole(this.file, `${JSON.stringify(file, null, 2)}\n`);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new UserError(`Cannot write ${this.file} (${e.code ?? e.message}); check the permissions of it and its folder. Nothing was changed.`, 1, {
          cause: error,
        });
      }
      return file;
    } finally {
      unlock();
    }
  }

  /**
   * Call `onChange` within about half a second of any change to the file, by this process or
   * another (`cco rules add` in a second terminal, or an editor).
   */
  watch(onChange: (result: WatchResult) => void): () => void {
    let last = this.safeRaw();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      timer = undefined;
      const now = this.safeRaw();
      if (now === last) return;
      last = now;
      if (now === undefined) {
        // A config that vanishes while cco runs is more likely an accident than a wish to drop
        // every rule: keep the last good settings and say so.
        onChange({
          ok: false,
          error: new ConfigError(this.file, 'it is missing or unreadable now (deleted or moved?); restore it, or write a new one with `cco rules add`'),
        });
        return;
      }
      try {
        const file = this.parse(now);
        onChange({ ok: true, file, settings: resolveSettings(file) });
      } catch (error) {
        onChange({ ok: false, error: this.asConfigError(error) });
      }
    };
    const poke = () => {
      if (!timer) timer = setTimeout(check, 50);
    };
    let dirWatcher: FSWatcher | undefined;
    try {
      const name = basename(this.file);
      dirWatcher = watch(dirname(this.file), { persistent: false }, (_e, f) => {
        if (!f || f === name) poke();
      });
      dirWatcher.on('error', () => {});
    } catch {
      // The folder may not exist yet; polling below still sees the file appear.
    }
    // fs.watch misses changes on some file systems; polling is the safety net.
    const poll = () => poke();
    watchFile(this.file, { persistent: false, interval: 500 }, poll);
    return () => {
      dirWatcher?.close();
      unwatchFile(this.file, poll);
      if (timer) clearTimeout(timer);
    };
  }

  private safeRaw(): string | undefined {
    try {
      return readFileSync(this.file, 'utf8');
    } catch {
      return undefined;
    }
  }

  private parse(text: string): SettingsFile {
    let value: unknown;
    try {
      value = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      throw new ConfigError(this.file, `it is not valid JSON (${jsonPosition(text, (error as Error).message)})`);
    }
    normalizeActions(value);
    const issues = settingsIssues(value);
    if (issues.length)
      throw new ConfigError(
        this.file,
        issues.map((i) => placed(text, i.path, i.message)),
      );
    return value as SettingsFile;
  }

  private asConfigError(error: unknown): ConfigError {
    if (error instanceof ConfigError) return error;
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EACCES' || e.code === 'EPERM') return new ConfigError(this.file, `it cannot be read or written (${e.code}); check its permissions`);
    return new ConfigError(this.file, e.message ?? String(error));
  }
}

/** JSON.parse's message with the line and column of its "at position N" (Node 20 gives only the offset). */
export function jsonPosition(text: string, message: string): string {
  if (/line \d+ column \d+/.test(message)) return message;
  const m = /at position (\d+)/.exec(message);
  if (!m) return message;
  const before = text.slice(0, Number(m[1]));
  const line = before.split('\n').length;
  const column = before.length - before.lastIndexOf('\n');
  return `${message} (line ${line} column ${column})`;
}

/** A problem with the line and column of the value it is about (of the key, for an unknown one). */
function placed(text: string, path: readonly (string | number)[], message: string): string {
  if (path.length === 0) return message;
  const at = locateJson(text, path, { key: message.startsWith('unknown setting') });
  return at === undefined ? message : `${message.replace(/\.$/, '')} (line ${at.line} column ${at.column})`;
}

/**
 * Replace `file` whole, never half: the text goes to a fresh temporary file beside it (mode 0600,
 * created exclusively and not through a symlink), is flushed to disk, and is renamed over the
 * file. A reader sees the old file or the new one. The caller holds the lock.
 */
export function writeWhole(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
}
