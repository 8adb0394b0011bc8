/**
 * cco's PermissionRequest hook in Codex's `hooks.json` (`$CODEX_HOME/hooks.json`, by default
 * `~/.codex/hooks.json`): the entry, merging it in and taking it out without touching anything
 * else, and whether Codex trusts it. Codex reads hooks from `hooks.json` beside `config.toml` as
 * well as from `[hooks]` in config.toml (codex-rs/hooks discovery.rs); cco writes JSON so it never
 * has to edit the user's TOML. A file that is not valid JSON is reported and left as it is.
 *
 * Trust: Codex runs a user hook only after the person trusted it (at Codex's start, "Hooks need
 * review", or in /hooks). It keeps the trust in config.toml as
 * `[hooks.state."<hooks.json path>:permission_request:<group>:<handler>"] trusted_hash = "sha256:…"`,
 * the hash of the normalized entry. cco never writes that trust itself; `cco doctor` reads it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Codex's home folder: $CODEX_HOME, else ~/.codex. */
export function codexHome(env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  return resolve(env.CODEX_HOME || join(home, '.codex'));
}

export const codexHooksFile = (home: string) => join(home, 'hooks.json');
export const codexConfigFile = (home: string) => join(home, 'config.toml');

/** Shown by Codex while the hook runs. */
export const CODEX_STATUS_MESSAGE = 'Asking cco';

export interface CodexCommandHook {
  type: 'command';
  command: string;
  timeout: number;
  statusMessage?: string;
}

export interface CodexMatcherGroup {
  matcher?: string;
  hooks: CodexCommandHook[];
}

/** cco's matcher group: every tool Codex asks about goes to `command`. */
export function ccoCodexGroup(command: string, timeoutSeconds: number): CodexMatcherGroup {
  return { matcher: '*', hooks: [{ type: 'command', command, timeout: timeoutSeconds, statusMessage: CODEX_STATUS_MESSAGE }] };
}

/** Shell-quote one word for the command line Codex runs. */
export const shellWord = (s: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** Whether a hook handler is cco's: a command hook that runs `… cco[.js] hook codex …`. */
export function isCcoCodexHook(hook: unknown): boolean {
  if (!isObject(hook) || (hook.type !== undefined && hook.type !== 'command') || typeof hook.command !== 'string') return false;
  return !hasShellControl(hook.command) && /(?:^|[\s/'"])cco(?:\.js)?'?"?\s+hook\s+codex(?:\s|$)/.test(hook.command);
}

/**
 * Whether a command line does more than run one program: an unquoted `;`, `&`, `|`, `<`, `>`,
 * `(`, `)` or line break, or a `$`/backtick outside single quotes. cco writes a plain command, so a
 * line like `audit.sh && cco hook codex` is the user's own hook, never taken for cco's.
 */
function hasShellControl(command: string): boolean {
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      continue;
    }
    if (c === '$' || c === '`') return true;
    if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
      continue;
    }
    if (c === '\\') i++;
    else if (c === "'" || c === '"') quote = c;
    else if (/[;&|<>()\n\r]/.test(c)) return true;
  }
  return false;
}

/** Read Codex's hooks.json: `{}` when missing; a UserError (file untouched) when it is not what Codex reads. */
export function readCodexHooks(file: string): { exists: boolean; json: Json } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, json: {} };
    throw new UserError(`Cannot read Codex's hooks file ${file}: ${(error as Error).message}. Nothing was changed.`);
  }
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `Codex's hooks file ${file} is not valid JSON (${(error as Error).message}), so cco did not change it. Fix the file (Codex skips it too, with a warning), then run this again.`,
    );
  }
  if (!isObject(json)) throw new UserError(`Codex's hooks file ${file} is not a JSON object, so cco did not change it. Fix the file, then run this again.`);
  if (json.hooks !== undefined && !isObject(json.hooks))
    throw new UserError(`"hooks" in ${file} is not an object, so cco did not change the file. Fix it, then run this again.`);
  const pr = isObject(json.hooks) ? json.hooks.PermissionRequest : undefined;
  if (pr !== undefined && !Array.isArray(pr))
    throw new UserError(`"hooks.PermissionRequest" in ${file} is not a list, so cco did not change the file. Fix it, then run this again.`);
  return { exists: true, json };
}

const groupsOf = (json: Json): unknown[] => (isObject(json.hooks) && Array.isArray(json.hooks.PermissionRequest) ? json.hooks.PermissionRequest : []);

/** `json` without cco's handlers; groups, the event and `hooks` left empty go too. */
export function withoutCcoCodexHook(json: Json): Json {
  if (!isObject(json.hooks) || !Array.isArray(json.hooks.PermissionRequest)) return json;
  const kept = json.hooks.PermissionRequest.map((g: unknown) =>
    isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isCcoCodexHook) ? { ...g, hooks: g.hooks.filter((h: unknown) => !isCcoCodexHook(h)) } : g,
  ).filter((g: unknown) => !(isObject(g) && Array.isArray(g.hooks) && g.hooks.length === 0));
  const hooks: Json = { ...json.hooks };
  if (kept.length) hooks.PermissionRequest = kept;
  else delete hooks.PermissionRequest;
  if (Object.keys(hooks).length) return { ...json, hooks };
  const { hooks: _old, ...rest } = json;
  return rest;
}

/**
 * `json` with cco's group in, replacing cco's earlier one in its place (so the other groups keep
 * their positions, which Codex's trust keys name), else appended last.
 */
export function withCcoCodexHook(json: Json, group: CodexMatcherGroup): Json {
  const groups = groupsOf(json);
  const at = groups.findIndex((g) => isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isCcoCodexHook));
  const base = withoutCcoCodexHook(json);
  const kept = groupsOf(base);
  // Groups before cco's old one that survive the removal: cco's new group goes right after them.
  const before =
    at < 0
      ? kept.length
      : groups.slice(0, at).filter((g) => !(isObject(g) && Array.isArray(g.hooks) && g.hooks.length > 0 && g.hooks.every(isCcoCodexHook))).length;
  const next = [...kept.slice(0, before), group, ...kept.slice(before)];
  const hooks: Json = isObject(base.hooks) ? { ...base.hooks } : {};
  hooks.PermissionRequest = next;
  return { ...base, hooks };
}

export interface FoundCodexHook {
  group: number;
  handler: number;
  matcher: string | undefined;
  hook: CodexCommandHook;
  /** Codex's trust key for this handler. */
  key: string;
  /** The hash Codex records when the person trusts this handler. */
  hash: string;
}

/** cco's handlers in a hooks.json object, with Codex's trust key and hash for each. */
export function ccoCodexHooksIn(json: Json, file: string): FoundCodexHook[] {
  const out: FoundCodexHook[] = [];
  groupsOf(json).forEach((g, gi) => {
    if (!isObject(g) || !Array.isArray(g.hooks)) return;
    const matcher = typeof g.matcher === 'string' ? g.matcher : undefined;
    g.hooks.forEach((h: unknown, hi: number) => {
      if (!isCcoCodexHook(h)) return;
      const hook = h as CodexCommandHook;
      out.push({ group: gi, handler: hi, matcher, hook, key: codexTrustKey(file, gi, hi), hash: codexTrustHash(matcher, hook) });
    });
  });
  return out;
}

export const codexTrustKey = (file: string, group: number, handler: number) => `${resolve(file)}:permission_request:${group}:${handler}`;

/** JSON with object keys sorted, compact: what Codex hashes (codex-rs/config fingerprint.rs). */
function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const o = v as Json;
  return `{${Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
    .join(',')}}`;
}

/**
 * The trust hash Codex computes for one command handler: sha256 over the canonical JSON of
 * `{event_name, matcher, hooks: [the handler normalized: timeout default 600, async false]}`
 * (discovery.rs command_hook_hash). Checked against Codex 0.171.0's own value in the tests.
 */
export function codexTrustHash(matcher: string | undefined, hook: CodexCommandHook & { async?: boolean }): string {
  const handler = {
    type: 'command',
    command: hook.command,
    timeout: Math.max(1, hook.timeout ?? 600),
    async: hook.async ?? false,
    statusMessage: hook.statusMessage,
  };
  const identity = { event_name: 'permission_request', matcher, hooks: [handler] };
  return `sha256:${createHash('sha256').update(canonical(identity)).digest('hex')}`;
}

/** The `trusted_hash` config.toml records for a key, if any (a line scan: cco never parses or edits the TOML). */
export function trustedHashIn(configToml: string, key: string): string | undefined {
  const quoted = `"${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const lines = configToml.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const header = lines[i]!.trim();
    if (header === `[hooks.state.${quoted}]`) {
      for (let j = i + 1; j < lines.length && !lines[j]!.trim().startsWith('['); j++) {
        const m = /^\s*trusted_hash\s*=\s*"([^"]*)"/.exec(lines[j]!);
        if (m) return m[1];
      }
      return undefined;
    }
    // The inline form Codex may also read: `"<key>" = { trusted_hash = "…" }` under [hooks.state].
    if (lines[i]!.trimStart().startsWith(`${quoted}`)) {
      const m = /trusted_hash\s*=\s*"([^"]*)"/.exec(lines[i]!);
      if (m) return m[1];
    }
  }
  return undefined;
}

export type CodexTrust = 'trusted' | 'untrusted' | 'modified';

/** Whether Codex trusts a found hook, from config.toml's text ('' when there is none). */
export function codexTrust(found: FoundCodexHook, configToml: string): CodexTrust {
  const hash = trustedHashIn(configToml, found.key);
  return hash === undefined ? 'untrusted' : hash === found.hash ? 'trusted' : 'modified';
}
