import { posix } from 'node:path';
import { agentLabel } from '../summary.js';
import type { ToolCall } from '../types.js';
import { analyzeBash, type BashAnalysis, type CommandPart } from './bash.js';
import { pathField, readsFolder } from '../tools.js';
import type { PathAnchor } from './types.js';

/** The path a file tool touches, or why it is not known. */
export type Target = { path: string } | { path?: undefined; why: string };

/**
 * What rules look at in one call, each worked out at most once and only when a rule asks: a
 * thousand Bash rules split the command once.
 */
export class CallContext {
  private _analysis?: BashAnalysis | null;
  private _target?: Target;
  private _host?: string | null;
  private _agent?: string | null;
  private _cwd?: string | null;
  private _keys?: { deny: readonly string[]; allow: readonly string[] };
  private readonly _rel: (string | null | undefined)[] = [undefined, undefined, undefined];
  private readonly _relLower: (string | null | undefined)[] = [undefined, undefined, undefined];

  private _real?: string | null;
  private readonly _realRel: (string | null | undefined)[] = [undefined, undefined, undefined];
  private readonly _realRelLower: (string | null | undefined)[] = [undefined, undefined, undefined];
  private _realBases?: { home: string; cwd?: string };

  constructor(
    readonly call: ToolCall,
    private readonly homeDir: string,
    private readonly realPath?: (path: string) => string,
  ) {}

  /** The target as the file system resolves it (symlinks followed); the written path without a resolver or on error. */
  get realTarget(): string | undefined {
    if (this._real === undefined) {
      const path = this.target.path;
      this._real = path === undefined ? null : this.resolveReal(path);
    }
    return this._real ?? undefined;
  }

  /** A path through the resolver; as written without one, or when it fails. */
  private resolveReal(path: string): string {
    if (!this.realPath) return path;
    try {
      return trimSlash(posix.normalize(this.realPath(path)));
    } catch {
      return path;
    }
  }

  /** Whether the resolved target differs from the written one (a symlink on the way). */
  get resolvedDiffers(): boolean {
    return this.realTarget !== this.target.path;
  }

  private realBase(anchor: PathAnchor): string | undefined {
    if (anchor === 'root') return '/';
    if (this._realBases === undefined) {
      const cwd = this.cwd;
      const home = this.resolveReal(this.homeDir);
      this._realBases = cwd === undefined ? { home } : { home, cwd: this.resolveReal(cwd) };
    }
    return anchor === 'home' ? this._realBases.home : this._realBases.cwd;
  }

  /** relative(), for the resolved target against the resolved anchor directory. */
  realRelative(anchor: PathAnchor, lower: boolean): string | undefined {
    if (!this.resolvedDiffers) return this.relative(anchor, lower);
    const i = anchor === 'root' ? 0 : anchor === 'home' ? 1 : 2;
    const cache = lower ? this._realRelLower : this._realRel;
    let rel = cache[i];
    if (rel === undefined) {
      const path = this.realTarget;
      const base = this.realBase(anchor);
      rel = path === undefined || base === undefined ? null : ((lower ? relativeTo(path.toLowerCase(), base.toLowerCase()) : relativeTo(path, base)) ?? null);
      cache[i] = rel;
    }
    return rel ?? undefined;
  }

  get input(): Record<string, unknown> {
    const input = this.call.input as unknown;
    return typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  }

  /** The agent's working directory, normalized; undefined when unknown or not absolute. */
  get cwd(): string | undefined {
    if (this._cwd === undefined) {
      const cwd = this.call.agent?.cwd;
      this._cwd = typeof cwd === 'string' && cwd.startsWith('/') ? trimSlash(posix.normalize(cwd)) : null;
    }
    return this._cwd ?? undefined;
  }

  /** What rules see of a Bash `command` (parts, writes, whether settled); null when the call has no command string. */
  get analysis(): BashAnalysis | null {
    if (this._analysis === undefined) {
      const command = this.input.command;
      this._analysis = typeof command === 'string' ? analyzeBash(command) : null;
    }
    return this._analysis;
  }

  /** The parts of a Bash `command`; null when the call has no command string. */
  get parts(): CommandPart[] | null {
    return this.analysis?.parts ?? null;
  }

  /**
   * Strings a keyed rule must find here to match (see CompiledRule.key). A deny or ask rule
   * matches when any command part does, so its word may start any form of any part; an allow rule
   * needs every part, so its word must start some form of each. Deny keys of paths are lower case.
   */
  get keys(): { deny: readonly string[]; allow: readonly string[] } {
    this._keys ??= this.computeKeys();
    return this._keys;
  }

  private computeKeys(): { deny: readonly string[]; allow: readonly string[] } {
    const tool = this.call.toolName;
    if (tool === 'Bash') {
      // Linear in the parts and their forms: sets, not lists searched per form.
      const deny = new Set<string>();
      let allow: Set<string> | undefined;
      for (const part of this.parts ?? []) {
        const mine = new Set<string>();
        for (const form of part.allowForms) {
          const key = `w:${firstWord(form)}`;
          if (allow === undefined || allow.has(key)) mine.add(key);
        }
        allow = mine;
        if (allow.size === 0) break;
      }
      for (const part of this.parts ?? []) for (const form of part.denyForms) deny.add(`w:${firstWord(form)}`);
      return { deny: [...deny], allow: allow === undefined ? [] : [...allow] };
    }
    if (tool === 'WebFetch') {
      const host = this.host;
      if (host === null) return NO_KEYS;
      // `d:.host` too: a deny rule on a domain covers the domain itself and its subdomains.
      const keys = [`d:=${host}`, `d:.${host}`];
      for (let dot = host.indexOf('.'); dot >= 0; dot = host.indexOf('.', dot + 1)) keys.push(`d:.${host.slice(dot + 1)}`);
      return { deny: keys, allow: keys };
    }
    if (pathField(tool) === undefined) return NO_KEYS;
    const deny: string[] = [];
    const allow: string[] = [];
    for (const anchor of ['root', 'home', 'cwd'] as const) {
      // Allow rules see the resolved path; deny and ask rules both.
      const rel = this.realRelative(anchor, false);
      if (rel) allow.push(`p:${anchor}/${firstSegment(rel)}`);
      const low = this.relative(anchor, true);
      if (low) addOnce(deny, `p:${anchor}/${firstSegment(low)}`);
      const realLow = this.realRelative(anchor, true);
      if (realLow) addOnce(deny, `p:${anchor}/${firstSegment(realLow)}`);
    }
    if (this.cwd === undefined && this.target.path !== undefined) {
      // The cwd could be any directory above the path (see pathCheck): every directory name may
      // start a relative deny or ask rule.
      for (const seg of this.target.path.toLowerCase().split('/')) if (seg) addOnce(deny, `p:cwd/${seg}`);
    }
    return { deny, allow };
  }

  get command(): string | undefined {
    const command = this.input.command;
    return typeof command === 'string' ? command : undefined;
  }

  /** The absolute, normalized path a file tool touches (`..` resolved, `~/` expanded). */
  get target(): Target {
    this._target ??= this.resolveTarget();
    return this._target;
  }

  private resolveTarget(): Target {
    const field = pathField(this.call.toolName);
    if (field === undefined) return { why: `${this.call.toolName} takes no path` };
    const raw = this.input[field];
    let target: Target;
    if (typeof raw === 'string' && raw !== '') target = this.resolve(raw);
    // Glob and Grep search the working directory when given no path.
    else if (readsFolder(this.call.toolName))
      target = this.cwd !== undefined ? { path: this.cwd } : { why: "the call has no `path` and the agent's cwd is unknown" };
    else return { why: `the call has no \`${field}\`` };
    // Glob's pattern can start somewhere else (`/etc/*`, `../../**`): the directory it starts from is what it reads.
    const pattern = this.input.pattern;
    if (this.call.toolName === 'Glob' && typeof pattern === 'string') {
      const dir = literalStart(pattern);
      if (dir.startsWith('/') || dir === '~' || dir.startsWith('~/')) target = this.resolve(dir);
      else if (dir !== '' && target.path !== undefined) target = { path: trimSlash(posix.normalize(posix.join(target.path, dir))) };
    }
    return target;
  }

  /** An absolute, normalized path: `~/` expanded, a relative one joined to the cwd. */
  private resolve(raw: string): Target {
    if (raw === '~' || raw.startsWith('~/')) return { path: trimSlash(posix.normalize(posix.join(this.homeDir, raw.slice(1)))) };
    if (raw.startsWith('/')) return { path: trimSlash(posix.normalize(raw)) };
    if (this.cwd === undefined) return { why: `the path \`${short(raw)}\` is relative and the agent's cwd is unknown` };
    return { path: trimSlash(posix.normalize(posix.join(this.cwd, raw))) };
  }

  /**
   * The target path relative to an anchor directory ('' for the directory itself), in exact and
   * lower case; undefined when the target or the anchor is unknown or the path is outside it.
   * Worked out once per anchor, not once per rule.
   */
  relative(anchor: PathAnchor, lower: boolean): string | undefined {
    const i = anchor === 'root' ? 0 : anchor === 'home' ? 1 : 2;
    const cache = lower ? this._relLower : this._rel;
    let rel = cache[i];
    if (rel === undefined) {
      const path = this.target.path;
      const base = anchor === 'root' ? '/' : anchor === 'home' ? this.homeDir : this.cwd;
      // Without case, the base compares without case too: `/USERS/ME/.ssh` is under home `/Users/me`.
      rel = path === undefined || base === undefined ? null : ((lower ? relativeTo(path.toLowerCase(), base.toLowerCase()) : relativeTo(path, base)) ?? null);
      cache[i] = rel;
    }
    return rel ?? undefined;
  }

  /** The URL's host, lower case without a trailing dot; null when there is no parsable URL. */
  get host(): string | null {
    if (this._host === undefined) {
      const url = this.input.url;
      let host: string | null = null;
      if (typeof url === 'string') {
        try {
          host = new URL(url).hostname.toLowerCase().replace(/\.$/, '') || null;
        } catch {
          host = null;
        }
      }
      this._host = host;
    }
    return this._host;
  }

  /** The agent's name, else its label (`client#sess`); null when nothing is known. */
  get agent(): string | null {
    if (this._agent === undefined) {
      const a = this.call.agent;
      this._agent = a?.name ? a.name : a && (a.client?.name || a.sessionId) ? agentLabel(a) : null;
    }
    return this._agent;
  }
}

/** `path` relative to `base` (both normalized, absolute); '' for `base` itself; undefined when outside. */
export function relativeTo(path: string, base: string): string | undefined {
  if (base === '/') return path.slice(1);
  if (path === base) return '';
  if (path.startsWith(base) && path.charCodeAt(base.length) === 47 /* / */) return path.slice(base.length + 1);
  return undefined;
}

/** The directories of a glob before its first wildcard (`/etc` for `/etc/**`); the whole glob when it has none. */
function literalStart(glob: string): string {
  const segments = glob.split('/');
  const wild = segments.findIndex((seg) => /[*?[\]{}()!+@\\]/.test(seg));
  if (wild < 0) return glob;
  const dir = segments.slice(0, wild).join('/');
  return dir === '' && glob.startsWith('/') ? '/' : dir;
}

function firstSegment(rel: string): string {
  const slash = rel.indexOf('/');
  return slash < 0 ? rel : rel.slice(0, slash);
}

function firstWord(form: string): string {
  const space = form.indexOf(' ');
  return space < 0 ? form : form.slice(0, space);
}

export function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p;
}

const NO_KEYS = { deny: [], allow: [] } as const;

function addOnce(list: string[], item: string): void {
  if (!list.includes(item)) list.push(item);
}

/** A value cut to fit in a sentence. */
export function short(s: string, max = 80): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
