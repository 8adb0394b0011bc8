/**
 * cco protects itself: whatever the rules say, an agent's call that reads or changes cco's own
 * config, state, audit log or server file (which holds the decision API's token) is denied. The
 * guard runs before the rules, so no rule can allow such a call, and it fails closed.
 *
 * File tools are checked by the path they touch (resolved like the rules resolve it). A search
 * (Glob, Grep) whose root holds a protected folder is denied too. A Bash command is denied when a
 * word or redirection of it names a protected path (`~/…`, `$HOME/…`, absolute, relative to the
 * agent's cwd or home, globs), when a recursive tool (grep -r, rg, find, tar, cp -r, …) is pointed
 * at a folder above one, and when it runs cco itself. Bash is checked by what the command text
 * names: a command that computes a path at run time is beyond any text check.
 */
import { posix } from 'node:path';
import { kernelLink } from './kernel-links.js';
import { CallContext, short, trimSlash } from './rules/context.js';
import { pathField } from './rules/syntax.js';
import { checkBash, TOKEN_SPLIT } from './guard/bash.js';
import { GLOB } from './guard/globs.js';
import { fileMessage, hitMessage, reachMessage, searchMessage } from './guard/messages.js';
import { type Guarded, GuardedPaths } from './guard/paths.js';
import type { Policy, PolicyVerdict, ToolCall } from './types.js';

/** One of cco's own files or folders. */
export interface ProtectedPath {
  /** Absolute. */
  path: string;
  /** A folder: everything inside it is protected too. */
  dir: boolean;
  /** What it is, for the message: `config folder`, `state folder (…)`, `config file`. */
  what: string;
}

export interface SelfGuardOptions {
  protected: readonly ProtectedPath[];
  /** Absolute home directory, for `~` and `$HOME`. */
  homeDir: string;
}

/** The guard's verdict on a call: a denial with its message, or undefined (the rules decide). */
export type GuardCheck = (call: ToolCall) => { message: string } | undefined;

/** Names of cco's files inside its folders, to test globs against. */
const KNOWN_NAMES = ['config.json', 'config.json.lock', 'server.json', 'audit.jsonl', 'cco.log', 'x'];

/** Compiles the guard's check; throws when the options are not usable. */
export function selfGuard(opts: SelfGuardOptions): GuardCheck {
  const home = trimSlash(posix.normalize(opts.homeDir));
  if (!home.startsWith('/')) throw new Error(`cco's self-guard needs an absolute home directory, got \`${opts.homeDir}\`.`);
  const paths = new GuardedPaths(home, opts.protected.map(guardedEntry));
  return (call) => {
    const ctx = new CallContext(call, home);
    const tool = String(call.toolName);
    if (tool === 'Bash') return ctx.command === undefined ? undefined : checkBash(paths, ctx.command, ctx.cwd);
    const field = pathField(tool);
    if (field === undefined) return checkStrings(paths, ctx.input);
    return checkFileTool(paths, ctx, tool, field);
  };
}

/** A protected entry normalized, with what globs are tested against; throws on a relative path. */
function guardedEntry(p: ProtectedPath): Guarded {
  const path = trimSlash(posix.normalize(p.path));
  if (!path.startsWith('/')) throw new Error(`cco's self-guard needs absolute paths, got \`${p.path}\`.`);
  const low = path.toLowerCase();
  const samples = p.dir ? [low, ...KNOWN_NAMES.map((n) => `${low}/${n}`)] : [low];
  return { ...p, path, low, samples, segments: low.split('/').filter(Boolean) };
}

/** A file tool's call, by the path in its `field`; a search (Grep, Glob) also by what it walks. */
function checkFileTool(paths: GuardedPaths, ctx: CallContext, tool: string, field: string): { message: string } | undefined {
  const raw = ctx.input[field];
  if (typeof raw === 'string' && kernelLink(paths.expandHome(raw)) !== undefined) {
    // Through /proc or /dev/fd: placed as the kernel would place it, or by its tail.
    const hit = paths.named(raw, ctx.cwd);
    if (hit) return { message: hitMessage(hit) };
    if (tool === 'Grep' || tool === 'Glob') {
      const s = paths.reached(raw, ctx.cwd);
      if (s) return { message: reachMessage(s) };
    }
    return undefined;
  }
  const target = ctx.target.path;
  if (target !== undefined) {
    const low = target.toLowerCase();
    const g = paths.inside(low);
    if (g) return { message: fileMessage(target, g) };
    if (tool === 'Grep' || tool === 'Glob') {
      const s = paths.below(low);
      if (s) return { message: searchMessage(target, s) };
    }
  } else if (typeof raw === 'string') {
    // A relative path with the cwd unknown: it could be relative to anything, so a path that
    // names a protected one from its home or by its tail is refused.
    const hit = paths.named(raw, undefined);
    if (hit) return { message: hitMessage(hit) };
  }
  return undefined;
}

/** Strings in any other tool's input (an MCP file server's `path`, …) that name protected paths. */
function checkStrings(paths: GuardedPaths, value: unknown, depth = 0): { message: string } | undefined {
  if (typeof value === 'string') {
    for (const word of value.replace(/\$\{HOME\}/g, paths.home).split(TOKEN_SPLIT)) {
      const w = paths.expand(word.replace(/['"\\]/g, ''));
      if (!w.startsWith('/') || GLOB.test(w)) continue;
      const g = paths.inside(trimSlash(posix.normalize(w)).toLowerCase());
      if (g) return { message: fileMessage(w, g) };
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object' || depth > 32) return undefined;
  for (const v of Object.values(value)) {
    const hit = checkStrings(paths, v, depth + 1);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * `inner` behind the guard: a call that touches cco's own files is denied (`decidedBy: 'guard'`)
 * before any rule sees it; any other goes to `inner`. A failure in the guard or in `inner` is a
 * denial, never an allow.
 */
export function guardPolicy(inner: Policy, opts: SelfGuardOptions | GuardCheck): Policy {
  const check = typeof opts === 'function' ? opts : selfGuard(opts);
  return (call): PolicyVerdict => {
    try {
      const hit = check(call);
      if (hit) return { action: 'deny', decidedBy: 'guard', message: hit.message };
    } catch (error) {
      return { action: 'deny', decidedBy: 'guard', message: `cco could not check this call against its own files (${errorText(error)}), so it is denied.` };
    }
    try {
      return inner(call);
    } catch (error) {
      return { action: 'deny', decidedBy: 'error', message: `cco failed while checking its rules (${errorText(error)}), so the call is denied.` };
    }
  };
}

function errorText(error: unknown): string {
  return short(error instanceof Error ? error.message : String(error), 120);
}
