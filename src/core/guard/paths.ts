/**
 * Where a word points, for the self-guard: cco's protected entries, and whether a word (a path,
 * `~/…`, `$HOME/…`, relative to the cwd or home, a glob) names one of them, or whether a recursive
 * walk from it reaches one. Everything is compared absolute, normalized and in lower case.
 */
import { posix } from 'node:path';
import { resolveKernelLinks } from '../kernel-links.js';
import { globMatcher } from '../rules/glob.js';
import { trimSlash } from '../rules/context.js';
import { GLOB, afterUp, extglobs, posixClasses } from './globs.js';

/** A protected entry, ready to compare against. */
export interface Guarded {
  /** Absolute, normalized. */
  path: string;
  dir: boolean;
  what: string;
  /** `path` in lower case. */
  low: string;
  /** What a glob is tested against: the entry, and for a folder the names of cco's files in it. */
  samples: string[];
  /** `low`'s segments. */
  segments: string[];
}

/** A protected entry a word names. `unread`: a glob cco cannot read, which may name it. */
export interface NamedHit {
  g: Guarded;
  shown: string;
  unread?: boolean;
}

/** A protected folder a walk from `root` reaches. `unread`: where the walk goes is unknown. */
export interface ReachedHit {
  g: Guarded;
  root: string;
  unread?: boolean;
}

/** The protected entries, and the home folder words are placed from. */
export class GuardedPaths {
  /** The most specific first: a file before the folder holding it, a deeper folder first. */
  readonly guarded: readonly Guarded[];
  /** For what a walk reaches: folders first, the top-most first. */
  private readonly outer: readonly Guarded[];
  private readonly user: string;

  /** `home`: absolute and normalized, without a trailing slash. */
  constructor(
    readonly home: string,
    entries: readonly Guarded[],
  ) {
    this.user = posix.basename(home);
    this.guarded = [...entries].sort((x, y) => Number(x.dir) - Number(y.dir) || y.low.length - x.low.length);
    this.outer = [...this.guarded].sort((x, y) => Number(y.dir) - Number(x.dir) || x.low.length - y.low.length);
  }

  /** The protected entry `path` (absolute, normalized, lower case) is in or is. */
  inside(low: string): Guarded | undefined {
    return this.guarded.find((g) => low === g.low || (g.dir && (g.low === '/' || low.startsWith(`${g.low}/`))));
  }

  /** The protected folder below `low` (a folder a recursive walk from `low` reaches). */
  below(low: string): Guarded | undefined {
    return this.outer.find((g) => low === '/' || g.low.startsWith(`${low}/`));
  }

  /** `~`, `~user`, `$HOME` and `${HOME}` at the start of a word expanded. */
  expandHome(word: string): string {
    const home = this.home;
    const user = this.user;
    const w = word.replace(/^\$\{HOME\}|^\$HOME(?![A-Za-z0-9_])/, home);
    if (w === '~' || w.startsWith('~/')) return home + w.slice(1);
    if (w === `~${user}` || w.startsWith(`~${user}/`)) return home + w.slice(user.length + 1);
    return w;
  }

  /**
   * expandHome, then the kernel's links followed: `/proc/self/root/home/u/x` is `/home/u/x`; what
   * follows another process's cwd link is a relative path from an unknown place (its `..` dropped,
   * so its tail still meets a protected path).
   */
  expand(word: string): string {
    const w = this.expandHome(word);
    if (!w.startsWith('/')) return w;
    const via = resolveKernelLinks(w);
    if (!('unknown' in via)) return via.path;
    const tail = via.unknown === 'cwd' ? via.rest : via.inside;
    // An open file may be a folder (`cat /dev/stdin/.config/cco/config.json < ~`): what follows it is placed like the cwd link's tail.
    if (tail !== undefined)
      return (
        tail
          .split('/')
          .filter((x) => x !== '..' && x !== '.' && x !== '')
          .join('/') || '.'
      );
    return w;
  }

  /** Absolute, normalized, lower case candidates for where a word (not a glob) points. */
  places(word: string, cwd: string | undefined): string[] {
    const w = this.expand(word);
    if (w.startsWith('/')) return [trimSlash(posix.normalize(w)).toLowerCase()];
    const out = [trimSlash(posix.normalize(posix.join(this.home, w))).toLowerCase()];
    if (cwd !== undefined) out.push(trimSlash(posix.normalize(posix.join(cwd, w))).toLowerCase());
    return out;
  }

  /**
   * The protected entry a word names, if any: as an absolute or `~` path, relative to the cwd or
   * the home folder, a relative path that ends a protected path (`cco/config.json` run from
   * `~/.config`), or a glob that matches one.
   */
  named(word: string, cwd: string | undefined, moved: readonly string[] = []): NamedHit | undefined {
    const w = this.expand(word.replace(/['"\\]/g, ''));
    if (w === '') return undefined;
    if (GLOB.test(w)) return this.globNames(w, cwd, moved);
    for (const low of this.places(w, cwd)) {
      const g = this.inside(low);
      if (g) return { g, shown: low };
    }
    const lowSegs = w.toLowerCase().split('/');
    for (const g of this.guarded) {
      // A protected folder's whole path inside the word (`r/home/u/.config/cco` with `r` a link to `/`).
      if (g.dir && g.segments.length > 1 && lowSegs.some((_, i) => g.segments.every((x, k) => x === lowSegs[i + k]))) return { g, shown: w };
    }
    const up = w.startsWith('/') ? afterUp(w) : undefined;
    // After a `..` that may leave a symlink (`/var/run/..` is `/`), only the tail is known: placed like a relative path.
    const rel = up !== undefined ? (up.includes('/') ? up : undefined) : !w.startsWith('/') && w.includes('/') ? w : undefined;
    if (rel !== undefined && rel !== '') return this.endsProtected(rel, w);
    return undefined;
  }

  /** The protected entry a relative path `rel` may end (some prefix of it is the tail of one's path). */
  private endsProtected(rel: string, shown: string): NamedHit | undefined {
    const segs = posix
      .normalize(rel)
      .toLowerCase()
      .split('/')
      .filter((s) => s !== '' && s !== '.');
    if (segs.length === 0 || segs.includes('..')) return undefined;
    for (const g of this.guarded) {
      // Some prefix of the word's segments is the tail of a protected folder's path.
      for (let k = 1; k <= segs.length && k <= g.segments.length; k++) {
        const tail = g.segments.slice(g.segments.length - k);
        if (tail.every((s, i) => s === segs[i]) && (g.dir || k === segs.length)) return { g, shown };
      }
    }
    return undefined;
  }

  private globNames(w: string, cwd: string | undefined, moved: readonly string[] = []): NamedHit | undefined {
    // A relative glob is placed from home, the cwd, and each folder the command changes to.
    const home = this.home;
    const bases = w.startsWith('/') ? [''] : cwd !== undefined ? [home, cwd, ...moved] : [home, ...moved];
    for (const base of bases) {
      const abs = base === '' ? w : posix.join(base, w);
      let match: (s: string) => boolean;
      try {
        // A linear matcher: the glob is the agent's, and a backtracking one would let a word like
        // `/**/*a*a*a…*b` hold every decision for seconds. A glob it cannot read is refused.
        match = globMatcher(posixClasses(posix.normalize(abs)).toLowerCase(), true);
      } catch {
        return { g: this.guarded[0] as Guarded, shown: w, unread: true };
      }
      for (const g of this.guarded) if (g.samples.some((s) => match(s))) return { g, shown: w };
    }
    return undefined;
  }

  /** The protected folder a recursive walk from `word` reaches. */
  reached(word: string, cwd: string | undefined): ReachedHit | undefined {
    const bare = this.expandHome(word.replace(/['"\\]/g, ''));
    // Another process's cwd, an open folder (`rg x /dev/stdin < ~`): where the walk goes is unknown.
    if (bare.startsWith('/') && (/^\/+dev\/+std(?:in|out|err)\/*$/i.test(bare) || 'unknown' in resolveKernelLinks(bare))) {
      return { g: this.outer[0] as Guarded, root: bare, unread: true };
    }
    const w = this.expand(extglobs(word.replace(/['"\\]/g, '')));
    if (w === '' || w.startsWith('-')) return undefined;
    const up = GLOB.test(w) || !w.startsWith('/') ? undefined : afterUp(w);
    if (up !== undefined) {
      const hit = this.tailAbove(up, w);
      if (hit) return hit;
    }
    if (GLOB.test(w)) return this.globReaches(w, cwd);
    const list =
      w.startsWith('/') || w === '~' || w.startsWith('~/')
        ? this.places(w, undefined)
        : cwd !== undefined
          ? [trimSlash(posix.normalize(posix.join(cwd, w))).toLowerCase()]
          : [];
    for (const low of list) {
      const g = this.below(low);
      if (g) return { g, root: w };
    }
    return undefined;
  }

  /**
   * `/var/run/../home/u` walks /home/u: the tail after a `..` that may leave a symlink is
   * matched against the end of each folder above a protected one (an empty tail may be `/`).
   */
  private tailAbove(up: string, root: string): ReachedHit | undefined {
    const tail = up
      .toLowerCase()
      .split('/')
      .filter((s) => s !== '');
    for (const g of this.guarded) {
      for (let i = 0; i < g.segments.length; i++) {
        const anc = g.segments.slice(0, i + 1);
        if (tail.length <= anc.length && tail.every((s, k) => s === anc[anc.length - tail.length + k])) return { g, root };
      }
    }
    return undefined;
  }

  /** The protected folder a walk from the glob `w` reaches: some folder above one matches it. */
  private globReaches(w: string, cwd: string | undefined): ReachedHit | undefined {
    const bases = w.startsWith('/') ? [''] : cwd !== undefined ? [cwd] : [];
    for (const base of bases) {
      const abs = (base === '' ? w : posix.join(base, w)).toLowerCase();
      let match: (s: string) => boolean;
      try {
        match = globMatcher(posixClasses(posix.normalize(abs)), true);
      } catch {
        // Where a glob cco cannot read walks is unknown: refused, like such a glob named.
        return { g: this.outer[0] as Guarded, root: w, unread: true };
      }
      for (const g of this.guarded) {
        const ancestors = g.segments.map((_, i) => `/${g.segments.slice(0, i + 1).join('/')}`);
        if (ancestors.some((a) => match(a))) return { g, root: w };
      }
    }
    return undefined;
  }
}
