/**
 * cco's http hooks in Claude Code's settings files: what the entries look like, where each scope
 * keeps them, and merging them in or taking them out without touching anything else. A settings
 * file that is not valid JSON is reported and left as it is.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';

export type HookScope = 'user' | 'project' | 'local';

export const PERMISSION_REQUEST_PATH = '/hooks/claude/permission-request';
export const POST_TOOL_USE_PATH = '/hooks/claude/post-tool-use';

/** The events cco registers for: the question itself, and the two that say it ran (answered at Claude's prompt). */
export const HOOK_EVENTS = ['PermissionRequest', 'PostToolUse', 'PostToolUseFailure'] as const;
export type HookEvent = (typeof HOOK_EVENTS)[number];

/** A PostToolUse POST is answered at once; Claude need not wait longer than this for it (s). */
export const POST_TOOL_USE_TIMEOUT_S = 10;

/** The settings file Claude Code reads for a scope. */
export function settingsFileFor(scope: HookScope, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env, home = homedir()): string {
  if (scope === 'user') return join(env.CLAUDE_CONFIG_DIR || join(home, '.claude'), 'settings.json');
  return join(resolve(cwd), '.claude', scope === 'project' ? 'settings.json' : 'settings.local.json');
}

export interface HttpHook {
  type: 'http';
  url: string;
  headers?: Record<string, string>;
  timeout: number;
  onFailure?: 'continue' | 'block';
}

export interface HookOptions {
  /** The server's base URL, e.g. http://127.0.0.1:8660. */
  baseUrl: string;
  agent?: string;
  token?: string;
  /** Seconds Claude waits for the PermissionRequest answer: longer than cco's own timeout. */
  timeoutSeconds: number;
  /** The run also has the MCP prompt tool (`cco run --via both`): the hook lets that route answer. */
  viaBoth?: boolean;
}

/** The hooks block cco adds: PermissionRequest (the question) and PostToolUse/PostToolUseFailure (answered elsewhere). */
export function ccoHooks(o: HookOptions): Record<HookEvent, Array<{ matcher: string; hooks: HttpHook[] }>> {
  const base = o.baseUrl.replace(/\/+$/, '');
  const agent = o.agent ? `/${o.agent}` : '';
  const headers = o.token ? { headers: { Authorization: `Bearer ${o.token}` } } : {};
  const ask: HttpHook = {
    type: 'http',
    url: `${base}${PERMISSION_REQUEST_PATH}${agent}${o.viaBoth ? '?via=both' : ''}`,
    ...headers,
    timeout: o.timeoutSeconds,
    onFailure: 'continue',
  };
  const ran: HttpHook = { type: 'http', url: `${base}${POST_TOOL_USE_PATH}${agent}`, ...headers, timeout: POST_TOOL_USE_TIMEOUT_S, onFailure: 'continue' };
  return {
    PermissionRequest: [{ matcher: '*', hooks: [ask] }],
    PostToolUse: [{ matcher: '*', hooks: [ran] }],
    PostToolUseFailure: [{ matcher: '*', hooks: [{ ...ran }] }],
  };
}

/** Whether a hook entry is one of cco's: an http hook whose URL is a cco hook path on loopback. */
export function isCcoHook(hook: unknown): boolean {
  if (typeof hook !== 'object' || hook === null) return false;
  const h = hook as { type?: unknown; url?: unknown };
  if (h.type !== 'http' || typeof h.url !== 'string') return false;
  try {
    const u = new URL(h.url);
    const loopback = u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.hostname === '[::1]';
    // The path itself or with an agent name after it: `/hooks/claude/permission-request-log` is someone else's.
    const ours = (p: string) => u.pathname === p || u.pathname.startsWith(`${p}/`);
    return loopback && (ours(PERMISSION_REQUEST_PATH) || ours(POST_TOOL_USE_PATH));
  } catch {
    return false;
  }
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Read a settings file: `{}` when it does not exist; a UserError (file untouched) when it is not a JSON object. */
export function readClaudeSettings(file: string): { exists: boolean; text: string; json: Json } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { exists: false, text: '', json: {} };
    throw new UserError(`Cannot read Claude Code's settings ${file}: ${(error as Error).message}. Nothing was changed.`);
  }
  let json: unknown;
  try {
    json = text.trim() === '' ? {} : JSON.parse(text);
  } catch (error) {
    throw new UserError(
      `Claude Code's settings ${file} is not valid JSON (${(error as Error).message}), so cco did not change it. Fix the file (Claude Code cannot read it either), then run this again.`,
    );
  }
  if (!isObject(json)) throw new UserError(`Claude Code's settings ${file} is not a JSON object, so cco did not change it. Fix the file, then run this again.`);
  if (json.hooks !== undefined && !isObject(json.hooks))
    throw new UserError(`"hooks" in ${file} is not an object, so cco did not change the file. Fix it, then run this again.`);
  return { exists: true, text, json };
}

/** `settings` without any of cco's hook entries; groups and events left empty go too. Other hooks stay as they are. */
export function withoutCcoHooks(settings: Json): Json {
  if (!isObject(settings.hooks)) return settings;
  const hooks: Json = {};
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) {
      hooks[event] = groups;
      continue;
    }
    const kept = groups
      .map((g: unknown) =>
        isObject(g) && Array.isArray(g.hooks) && g.hooks.some(isCcoHook) ? { ...g, hooks: g.hooks.filter((x: unknown) => !isCcoHook(x)) } : g,
      )
      .filter((g: unknown) => !(isObject(g) && Array.isArray(g.hooks) && g.hooks.length === 0));
    if (kept.length) hooks[event] = kept;
  }
  // Keys keep their place, so the diff shows only what changed.
  if (Object.keys(hooks).length) return { ...settings, hooks };
  const { hooks: _old, ...rest } = settings;
  return rest;
}

/** `settings` with cco's hooks in (replacing cco's earlier ones), every other hook and setting kept. */
export function withCcoHooks(settings: Json, add: ReturnType<typeof ccoHooks>): Json {
  const base = withoutCcoHooks(settings);
  const hooks: Json = isObject(base.hooks) ? { ...base.hooks } : {};
  for (const event of HOOK_EVENTS) {
    const existing = Array.isArray(hooks[event]) ? (hooks[event] as unknown[]) : [];
    hooks[event] = [...existing, ...add[event]];
  }
  return { ...base, hooks };
}

/** cco's PermissionRequest hooks in a settings object (for `cco doctor`). */
export function ccoHooksIn(settings: Json): { event: string; hook: HttpHook }[] {
  const out: { event: string; hook: HttpHook }[] = [];
  if (!isObject(settings.hooks)) return out;
  for (const [event, groups] of Object.entries(settings.hooks)) {
    if (!Array.isArray(groups)) continue;
    for (const g of groups) if (isObject(g) && Array.isArray(g.hooks)) for (const h of g.hooks) if (isCcoHook(h)) out.push({ event, hook: h as HttpHook });
  }
  return out;
}

export const settingsText = (json: Json) => `${JSON.stringify(json, null, 2)}\n`;

/** Whether a settings object holds a cco hook with headers (the token). */
export function holdsCcoToken(settings: Json): boolean {
  return ccoHooksIn(settings).some(({ hook }) => isObject(hook.headers) && Object.keys(hook.headers).length > 0);
}

/**
 * Write a settings file: the previous content kept as `<file>.cco-backup`, the new one written to a
 * temporary file and renamed over it. Private (0600) when it holds a token, else the old mode.
 * `privateBackupDir`: the previous content holds a token and the file is in a project, where a
 * backup beside it (not covered by the ignore entry for `settings.local.json`) would be committed
 * with the rest: the backup goes to this folder instead (0700, the file 0600).
 */
export function writeClaudeSettings(file: string, text: string, opts: { private: boolean; privateBackupDir?: string }): { backup?: string } {
  mkdirSync(dirname(file), { recursive: true });
  let backup: string | undefined;
  let mode = opts.private ? 0o600 : 0o644;
  if (existsSync(file)) {
    if (opts.privateBackupDir) {
      mkdirSync(opts.privateBackupDir, { recursive: true, mode: 0o700 });
      const tag = createHash('sha256').update(resolve(file)).digest('hex').slice(0, 12);
      backup = join(opts.privateBackupDir, `${tag}-${basename(file)}.cco-backup`);
      rmSync(backup, { force: true });
      writeFileSync(backup, readFileSync(file), { mode: 0o600, flag: 'wx' });
      chmodSync(backup, 0o600);
    } else {
      backup = `${file}.cco-backup`;
      copyFileSync(file, backup);
    }
    if (!opts.private) mode = statSync(file).mode & 0o777;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  rmSync(tmp, { force: true });
  writeFileSync(tmp, text, { mode, flag: 'wx' });
  renameSync(tmp, file);
  return backup ? { backup } : {};
}
