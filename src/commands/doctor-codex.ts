/**
 * `cco doctor`'s check of the Codex hook, when Codex's hooks.json has one of cco's: does it wait
 * longer than cco, does Codex trust it (config.toml's hooks.state), does its cco script exist, and
 * does the server answer on the Codex endpoint (a probe that decides nothing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { formatDuration } from '../core/duration.js';
import type { CcoPaths } from '../store/paths.js';
import { ccoCodexHooksIn, codexConfigFile, codexHome, codexHooksFile, codexTrust, readCodexHooks, type FoundCodexHook } from '../store/codex-hooks.js';
import { CODEX_PERMISSION_REQUEST_PATH } from '../server/codex-hook.js';
import { ccoLongestWaitMs, hookBaseUrl } from './setup-hooks.js';
import { mcpToken } from './claude-code.js';
import type { Finding } from './doctor.js';

const pass = (text: string): Finding => ({ ok: true, text });
const fail = (text: string, fix: string): Finding => ({ ok: false, text, fix });
const warn = (text: string, fix: string): Finding => ({ ok: false, warning: true, text, fix });

export const CODEX_DOWN = 'when cco is not running, `cco hook codex` denies every call Codex would ask about (exit 2 with the reason)';

/** The words of a command line (single and double quotes, as cco writes them). */
function words(command: string): string[] {
  const out: string[] = [];
  for (const m of command.matchAll(/'((?:[^']|'\\'')*)'|"([^"]*)"|(\S+)/g)) out.push(m[1] !== undefined ? m[1].replace(/'\\''/g, "'") : (m[2] ?? m[3] ?? ''));
  return out;
}

const flag = (w: string[], name: string) => {
  const i = w.indexOf(name);
  return i >= 0 ? w[i + 1] : undefined;
};

async function probe(url: string, token: string | undefined): Promise<string> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ hook_event_name: 'CcoDoctorProbe' }),
      signal: AbortSignal.timeout(2000),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
    if (res.status === 400 && body.error?.code === 'unknown_event') return 'ok';
    return res.status === 401 ? 'unauthorized' : `HTTP ${res.status}${body.error?.code ? ` ${body.error.code}` : ''}`;
  } catch {
    return 'down';
  }
}

export async function checkCodex(paths: CcoPaths, serverUp: boolean, env: NodeJS.ProcessEnv = process.env): Promise<Finding[]> {
  const home = codexHome(env);
  const file = codexHooksFile(home);
  let json: Record<string, unknown>;
  try {
    const read = readCodexHooks(file);
    if (!read.exists) return [];
    json = read.json;
  } catch (error) {
    return [warn((error as Error).message, 'Fix the file; Codex reads it too.')];
  }
  const found = ccoCodexHooksIn(json, file);
  if (found.length === 0) return [];
  let config = '';
  try {
    config = readFileSync(codexConfigFile(home), 'utf8');
  } catch {
    // No config.toml: nothing is trusted yet.
  }
  let waitMs: number | undefined;
  try {
    waitMs = await ccoLongestWaitMs(paths);
  } catch {
    // A broken config is reported by the config check.
  }
  const base = await hookBaseUrl(undefined, paths);
  const out: Finding[] = [];
  for (const f of found) out.push(...(await checkCodexHook(f, { file, config, waitMs, base, serverUp, paths })));
  return out;
}

/** What one of cco's Codex hooks is checked against. */
interface CodexHookPlace {
  /** Codex's hooks.json. */
  file: string;
  /** Codex's config.toml, `''` when there is none. */
  config: string;
  /** cco's longest wait, when its config reads. */
  waitMs: number | undefined;
  /** The origin cco serves hooks at. */
  base: string;
  serverUp: boolean;
  paths: CcoPaths;
}

/** One hook: its script, `--wait` and timeout, URL, Codex's trust, and (with a server up) the endpoint's answer. */
async function checkCodexHook(f: FoundCodexHook, at: CodexHookPlace): Promise<Finding[]> {
  const { file, waitMs, base } = at;
  const redo = 'cco setup --codex';
  const w = words(f.hook.command);
  const i = w.findIndex((x, k) => x === 'hook' && w[k + 1] === 'codex');
  const script = i >= 1 ? w[i - 1]! : undefined;
  if (script && script.startsWith('/') && !existsSync(script)) {
    return [fail(`Codex's hook in ${file} runs ${script}, which does not exist: Codex sees the hook fail and asks at its own prompt.`, redo)];
  }
  const wait = Number(flag(w, '--wait') ?? 590);
  if (waitMs !== undefined && wait * 1000 <= waitMs) {
    return [
      fail(
        `cco's Codex hook in ${file} waits ${formatDuration(wait * 1000)}, not longer than cco's longest wait (${formatDuration(waitMs)}): it would deny a waiting call before cco's explained timeout.`,
        redo,
      ),
    ];
  }
  if (f.hook.timeout <= wait) {
    return [
      fail(
        `cco's Codex hook in ${file} has timeout ${formatDuration(f.hook.timeout * 1000)}, not longer than its --wait (${formatDuration(wait * 1000)}): Codex would kill it first and ask at its own prompt.`,
        redo,
      ),
    ];
  }
  const url = flag(w, '--url');
  if (url && new URL(url).origin !== base) return [fail(`cco's Codex hook in ${file} posts to ${new URL(url).origin}, but cco is at ${base}.`, redo)];
  const out: Finding[] = [];
  const trust = codexTrust(f, at.config);
  if (trust !== 'trusted') {
    out.push(
      warn(
        trust === 'modified'
          ? `cco's Codex hook in ${file} changed since you trusted it in Codex, so Codex does not run it: it asks at its own prompt.`
          : `Codex does not trust cco's hook in ${file} yet, so it does not run it: it asks at its own prompt.`,
        'Start codex and choose "Trust all and continue" at "Hooks need review" (or trust it in /hooks).',
      ),
    );
  }
  if (at.serverUp) {
    const r = await probe(`${url ? new URL(url).origin : base}${CODEX_PERMISSION_REQUEST_PATH}`, await mcpToken(at.paths));
    if (r !== 'ok') {
      out.push(
        fail(
          `cco's Codex endpoint did not answer as expected (${r}).`,
          r === 'unauthorized' ? 'Give Codex the token: export CCO_TOKEN before starting it.' : 'Restart cco (`cco watch` or `cco serve`).',
        ),
      );
      return out;
    }
  }
  if (trust === 'trusted')
    out.push(
      pass(
        `Codex (${file}) sends its approvals to cco${at.serverUp ? ', and cco answers them' : ''} (hook timeout ${formatDuration(f.hook.timeout * 1000)}; ${CODEX_DOWN}).`,
      ),
    );
  return out;
}
