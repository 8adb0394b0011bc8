/**
 * `cco doctor`'s check of the http hooks: are they registered (in which settings file), do they
 * point at this cco, is their timeout longer than cco's own, do they carry the token, and does
 * the endpoint answer them (a probe that decides nothing).
 */
import { formatDuration } from '../core/duration.js';
import type { CcoPaths } from '../store/paths.js';
import { ccoHooksIn, readClaudeSettings, settingsFileFor, type HookScope, type HttpHook } from '../store/claude-settings.js';
import { ccoLongestWaitMs, hookBaseUrl, hookTimeoutSeconds } from './setup-hooks.js';
import { mcpToken } from './claude-code.js';
import type { Finding } from './doctor.js';

const SCOPES: HookScope[] = ['user', 'project', 'local'];
const pass = (text: string): Finding => ({ ok: true, text });
const fail = (text: string, fix: string): Finding => ({ ok: false, text, fix });
const warn = (text: string, fix: string): Finding => ({ ok: false, warning: true, text, fix });

/** What happens to a hook question when cco is down (README "Claude Code hooks"). */
export const HOOKS_DOWN =
  "when cco is not running, interactive sessions ask at Claude's own prompt; `claude -p` runs with only the hook deny every call that needs asking";

/**
 * POST a body no hook sends: a cco that serves hooks answers 400 unknown_event (after the Host and
 * token checks), which decides nothing. 401 means the hook's token is wrong.
 */
async function probe(url: string, headers: Record<string, string> | undefined): Promise<'ok' | 'unauthorized' | 'down' | string> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(headers ?? {}) },
      body: JSON.stringify({ hook_event_name: 'CcoDoctorProbe' }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    if (res.status === 401) return 'unauthorized';
    if (res.status === 400 && body.error?.code === 'unknown_event') return 'ok';
    return `HTTP ${res.status}${body.error?.code ? ` ${body.error.code}` : ''}`;
  } catch {
    return 'down';
  }
}

export async function checkHooks(paths: CcoPaths, serverUp: boolean, cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<Finding[]> {
  const out: Finding[] = [];
  const base = await hookBaseUrl(undefined, paths);
  let waitMs: number | undefined;
  try {
    waitMs = await ccoLongestWaitMs(paths);
  } catch {
    // A broken config is reported by the config check.
  }
  const token = await mcpToken(paths);
  let found = 0;
  for (const scope of SCOPES) {
    const file = settingsFileFor(scope, cwd, env);
    let json: Record<string, unknown>;
    try {
      const read = readClaudeSettings(file);
      if (!read.exists) continue;
      json = read.json;
    } catch (error) {
      out.push(warn((error as Error).message, 'Fix the file; Claude Code reads it too.'));
      continue;
    }
    const hooks = ccoHooksIn(json);
    const asks = hooks.filter((h) => h.event === 'PermissionRequest');
    if (hooks.length === 0) continue;
    found++;
    if (asks.length === 0) {
      out.push(
        warn(`${file} has cco's PostToolUse hooks but no PermissionRequest hook: no question reaches cco that way.`, `cco setup --hooks --scope ${scope}`),
      );
      continue;
    }
    const at: HookPlace = { scope, file, base, waitMs, token: Boolean(token), serverUp, postToolUse: hooks.some((h) => h.event === 'PostToolUse') };
    for (const { hook } of asks) out.push(...(await checkAskHook(hook, at)));
  }
  if (found === 0) {
    out.push(
      pass(
        `No cco hooks in Claude Code's settings: only \`claude -p\` runs with cco's prompt tool ask cco. \`cco setup --hooks\` sends interactive sessions' questions too (${HOOKS_DOWN}).`,
      ),
    );
  }
  return out;
}

/** Where a PermissionRequest hook was found, and what it is checked against. */
interface HookPlace {
  scope: HookScope;
  file: string;
  /** The origin cco serves hooks at. */
  base: string;
  /** cco's longest wait, when its config reads. */
  waitMs: number | undefined;
  /** cco has a token, so a hook must send it. */
  token: boolean;
  serverUp: boolean;
  /** The same file has cco's PostToolUse hook. */
  postToolUse: boolean;
}

/** One PermissionRequest hook: its URL, timeout and token, and (with a server up) whether cco answers it. */
async function checkAskHook(hook: HttpHook, at: HookPlace): Promise<Finding[]> {
  const { scope, file, base, waitMs } = at;
  const redo = `cco setup --hooks --scope ${scope}`;
  const url = new URL(hook.url);
  if (url.origin !== base) return [fail(`cco's PermissionRequest hook in ${file} posts to ${url.origin}, but cco is at ${base}.`, redo)];
  if (waitMs !== undefined && hook.timeout * 1000 <= waitMs) {
    return [
      fail(
        `cco's PermissionRequest hook in ${file} has timeout ${formatDuration(hook.timeout * 1000)}, not longer than cco's longest wait (${formatDuration(waitMs)}): Claude would give up on a waiting call before cco's explained timeout.`,
        `${redo} (it writes timeout ${hookTimeoutSeconds(waitMs)} s)`,
      ),
    ];
  }
  if (at.token && !hook.headers?.Authorization) {
    return [
      fail(
        `cco has a token, but its hook in ${file} sends no Authorization header: cco answers it 401 and Claude decides without cco.`,
        scope === 'project' ? 'cco setup --hooks --scope local (a private file; project settings are shared and never get the token)' : redo,
      ),
    ];
  }
  const out: Finding[] = [];
  if (!at.postToolUse) {
    out.push(warn(`${file} has no PostToolUse hook for cco: a question answered at Claude's own prompt stays in cco's queue until its timeout.`, redo));
  }
  if (at.serverUp) {
    const r = await probe(hook.url, hook.headers);
    if (r === 'unauthorized') return [...out, fail(`cco refuses the token in its hook in ${file} (401).`, redo)];
    if (r !== 'ok')
      return [
        ...out,
        fail(
          `cco's hook endpoint ${url.origin}${url.pathname} did not answer as expected (${r}).`,
          'Restart cco (`cco watch` or `cco serve`) so it serves the hooks.',
        ),
      ];
  }
  out.push(
    pass(
      `Claude Code's ${scope} settings (${file}) send permission questions to cco at ${url.origin}${url.pathname}${at.serverUp ? ', and cco answers there' : ''} (hook timeout ${formatDuration(hook.timeout * 1000)}; ${HOOKS_DOWN}).`,
    ),
  );
  return out;
}
