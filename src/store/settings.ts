import { readFileSync, watch, watchFile, unwatchFile, type FSWatcher } from 'node:fs';
import { basename, dirname, extname } from 'node:path';
import type Conf from 'conf';
import { checkWait, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { TOKEN_HINT, TOKEN_RE } from '../core/token.js';
import type { TimeoutAction } from '../core/types.js';
import type { Rule, RuleAction } from '../core/rules/types.js';
import { afterRuleLabel, normalizeAction, validateRule } from '../core/rules/syntax.js';
import { lockFile } from './file-lock.js';

/** The settings file as the user reads and writes it: durations and sizes as text. */
export interface SettingsFile {
  defaultAction?: RuleAction;
  timeout?: string;
  timeoutAction?: TimeoutAction;
  port?: number;
  retention?: string;
  retentionSize?: string;
  /** Deny calls while the audit log cannot be written (default false: keep deciding, warn). */
  auditRequired?: boolean;
  /** Ring the terminal bell in `cco watch` when a call starts waiting (default true). */
  bell?: boolean;
  /** Bearer token /mcp requires; required to listen on anything but loopback. (The decision API has its own per-start token.) */
  token?: string;
  rules?: Rule[];
}

/** The settings with defaults applied and units resolved. */
export interface Settings {
  defaultAction: RuleAction;
  timeoutMs: number;
  timeoutAction: TimeoutAction;
  port: number;
  retentionMs: number;
  retentionBytes: number;
  auditRequired: boolean;
  bell: boolean;
  token: string | undefined;
  rules: Rule[];
}

export const DEFAULTS = {
  defaultAction: 'ask',
  timeout: '5m',
  timeoutAction: 'deny',
  port: 8660,
  retention: '30d',
  retentionSize: '100MB',
  auditRequired: false,
  bell: true,
} as const satisfies Required<Omit<SettingsFile, 'rules' | 'token'>>;

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

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };

export function parseSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?\s*$/i.exec(text);
  if (!m) throw new Error(`Invalid size "${text}": use a number with a unit, e.g. 100MB, 1GB or 500KB.`);
  return Math.round(Number(m[1]) * (SIZE_UNITS[(m[2] ?? 'b').toLowerCase()] ?? 1));
}

const KEYS = new Set(['defaultAction', 'timeout', 'timeoutAction', 'port', 'retention', 'retentionSize', 'auditRequired', 'bell', 'token', 'rules', '$schema']);

/** Check a parsed file; returns every problem as text (joined with "; "), or undefined when it is fine. */
export function checkSettings(value: unknown): string | undefined {
  const problems = settingsProblems(value);
  return problems.length ? problems.map((p) => p.replace(/\.$/, '')).join('; ') : undefined;
}

/** The smallest retention and log size that cannot wipe the history by a slip of the keyboard. */
export const MIN_RETENTION_MS = 3_600_000;
export const MIN_RETENTION_BYTES = 1_000_000;

/** Every problem of a parsed file, in file order, each naming the setting (or the rule) it is about. */
export function settingsProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return ['the top level must be a JSON object'];
  const v = value as Record<string, unknown>;
  const out: string[] = [];
  for (const k of Object.keys(v)) if (!KEYS.has(k)) out.push(`unknown setting "${k}" (known: ${[...KEYS].filter((x) => x !== '$schema').join(', ')})`);
  if (v.defaultAction !== undefined && !['allow', 'deny', 'ask'].includes(v.defaultAction as string)) {
    out.push(`"defaultAction" must be "allow", "deny" or "ask" (got ${JSON.stringify(v.defaultAction)})`);
  }
  if (v.timeoutAction !== undefined && !['deny', 'interrupt'].includes(v.timeoutAction as string)) {
    out.push(`"timeoutAction" must be "deny" or "interrupt" (got ${JSON.stringify(v.timeoutAction)}); a timeout never allows`);
  }
  for (const k of ['timeout', 'retention'] as const) {
    if (v[k] === undefined) continue;
    if (typeof v[k] !== 'string') {
      out.push(`"${k}" must be a duration text such as "5m" (got ${JSON.stringify(v[k])})`);
      continue;
    }
    try {
      if (k === 'timeout') checkWait(parseDuration(v[k]), '"timeout"');
      else if (parseDuration(v[k]) < MIN_RETENTION_MS) out.push(`"retention" must be at least 1h (got "${v[k]}"): a shorter one would delete the history almost at once`);
    } catch (error) {
      out.push(`"${k}": ${(error as Error).message}`);
    }
  }
  if (v.retentionSize !== undefined) {
    try {
      if (parseSize(String(v.retentionSize)) < MIN_RETENTION_BYTES) {
        out.push(`"retentionSize" must be at least 1MB (got ${JSON.stringify(v.retentionSize)}): a smaller one would delete the history almost at once`);
      }
    } catch (error) {
      out.push(`"retentionSize": ${(error as Error).message}`);
    }
  }
  for (const k of ['auditRequired', 'bell'] as const) {
    if (v[k] !== undefined && typeof v[k] !== 'boolean') out.push(`"${k}" must be true or false (got ${JSON.stringify(v[k])})`);
  }
  if (v.token !== undefined && (typeof v.token !== 'string' || !TOKEN_RE.test(v.token))) out.push(`"token": ${TOKEN_HINT}`);
  if (v.port !== undefined && (!Number.isInteger(v.port) || (v.port as number) < 1 || (v.port as number) > 65535)) {
    out.push(`"port" must be a whole number from 1 to 65535 (got ${JSON.stringify(v.port)}); for a free port in one run, use \`--port 0\``);
  }
  if (v.rules !== undefined) out.push(...ruleProblems(v.rules));
  return out;
}

/** A rule as a person knows it: its id and its pattern (escaped: the file may hold anything). */
function ruleName(rule: Rule, index: number): string {
  const pattern = typeof rule.pattern === 'string' ? ` (${JSON.stringify(rule.pattern.length > 80 ? `${rule.pattern.slice(0, 80)}…` : rule.pattern)})` : '';
  return typeof rule.id === 'string' && rule.id ? `rule ${rule.id}${pattern}` : `the rule at position ${index + 1} in "rules"${pattern}`;
}

function ruleProblems(rules: unknown): string[] {
  if (!Array.isArray(rules)) return ['"rules" must be an array'];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const [i, r] of rules.entries()) {
    if (typeof r !== 'object' || r === null || Array.isArray(r)) {
      out.push(`the rule at position ${i + 1} in "rules" must be an object`);
      continue;
    }
    const rule = r as Rule;
    if (typeof rule.id !== 'string' || !rule.id) {
      out.push(`${ruleName(rule, i)} has no "id"`);
      continue;
    }
    if (seen.has(rule.id)) out.push(`${ruleName(rule, i)}: the id "${rule.id}" is used twice`);
    seen.add(rule.id);
    try {
      validateRule(rule);
      if (rule.timeoutMs !== undefined) checkWait(rule.timeoutMs, 'its timeout');
    } catch (error) {
      // validateRule's messages start with "Rule <id>": say it once, with the pattern.
      const { labelled, rest } = afterRuleLabel((error as Error).message, rule.id);
      out.push(labelled ? `${ruleName(rule, i)}${rest}` : `${ruleName(rule, i)}: ${rest}`);
    }
  }
  return out;
}


/** Accept the synonyms `approve` and `review` (files written for other tools use them). */
function normalizeActions(value: unknown): void {
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return;
  for (const r of rules) {
    if (r && typeof r === 'object' && typeof (r as Rule).action === 'string') {
      try {
        (r as Rule).action = normalizeAction((r as Rule).action);
      } catch {
        // Left as it is: validation reports it with the rule's place.
      }
    }
  }
}

export function resolveSettings(file: SettingsFile): Settings {
  return {
    defaultAction: file.defaultAction ?? DEFAULTS.defaultAction,
    timeoutMs: parseDuration(file.timeout ?? DEFAULTS.timeout),
    timeoutAction: file.timeoutAction ?? DEFAULTS.timeoutAction,
    port: file.port ?? DEFAULTS.port,
    retentionMs: parseDuration(file.retention ?? DEFAULTS.retention),
    retentionBytes: parseSize(file.retentionSize ?? DEFAULTS.retentionSize),
    auditRequired: file.auditRequired ?? DEFAULTS.auditRequired,
    bell: file.bell ?? DEFAULTS.bell,
    token: file.token,
    rules: file.rules ?? [],
  };
}

export type WatchResult = { ok: true; file: SettingsFile; settings: Settings } | { ok: false; error: ConfigError };

/**
 * The settings file (`config.json`), read and written through conf: atomic writes, mode 0600,
 * and a file that fails to parse or validate is reported and never overwritten.
 */
export class SettingsStore {
  private conf: Conf<SettingsFile> | undefined;

  constructor(readonly file: string) {}

  private async open(): Promise<Conf<SettingsFile>> {
    if (this.conf) return this.conf;
    const { default: Conf } = await import('conf');
    const ext = extname(this.file);
    try {
      this.conf = new Conf<SettingsFile>({
        projectName: 'cco',
        projectSuffix: '',
        cwd: dirname(this.file),
        configName: basename(this.file, ext),
        fileExtension: ext.replace(/^\./, ''),
        clearInvalidConfig: false,
        configFileMode: 0o600,
        accessPropertiesByDotNotation: false,
        serialize: (value) => `${JSON.stringify(value, null, 2)}\n`,
        deserialize: (text) => this.parse(text),
      });
    } catch (error) {
      throw this.asConfigError(error);
    }
    return this.conf;
  }

  /**
   * The file's contents, validated. A missing file is an empty one. Reads go straight to the
   * file: conf (and its schema machinery) is loaded only to write, so `cco rules list` is quick.
   */
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
    const conf = await this.open();
    const unlock = await lockFile(this.file);
    try {
      const file = structuredClone(this.readFile());
      change(file);
      const problem = checkSettings(file);
      if (problem) throw new UserError(`Not saved: ${problem}.`);
      conf.store = file;
      return file;
    } finally {
      unlock();
    }
  }

  /**
   * Call `onChange` within about half a second of any change to the file, by this process or
   * another (`cco rules add` in a second terminal, or an editor). Reads go around conf's cache.
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
        onChange({ ok: false, error: new ConfigError(this.file, 'it is missing or unreadable now (deleted or moved?); restore it, or write a new one with `cco rules add`') });
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
    const problems = settingsProblems(value);
    if (problems.length) throw new ConfigError(this.file, problems);
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
