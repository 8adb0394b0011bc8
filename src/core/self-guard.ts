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
import { kernelLink, resolveKernelLinks } from './kernel-links.js';
import { posix } from 'node:path';
import { globMatcher } from './rules/glob.js';
import { analyzeBash, unquote } from './rules/bash.js';
import { CallContext, short, trimSlash } from './rules/context.js';
import { pathField } from './rules/syntax.js';
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

const PREFIX = 'cco protects its own files:';

/** Names of cco's files inside its folders, to test globs against. */
const KNOWN_NAMES = ['config.json', 'config.json.lock', 'server.json', 'audit.jsonl', 'cco.log', 'x'];

/** Tools that walk a folder's whole tree. `flag`: only with a recursive option. */
const RECURSIVE: ReadonlyMap<string, 'always' | 'flag'> = new Map([
  ['grep', 'flag'],
  ['egrep', 'flag'],
  ['fgrep', 'flag'],
  ['rgrep', 'always'],
  ['rg', 'always'],
  ['ag', 'always'],
  ['ack', 'always'],
  ['find', 'always'],
  ['fd', 'always'],
  ['tar', 'always'],
  ['zip', 'flag'],
  ['7z', 'always'],
  ['rsync', 'always'],
  ['cp', 'flag'],
  ['scp', 'flag'],
  ['rm', 'flag'],
  ['chmod', 'flag'],
  ['chown', 'flag'],
  ['chgrp', 'flag'],
  ['mv', 'always'],
  ['du', 'always'],
  ['tree', 'always'],
]);
const RECURSIVE_FLAG = /^(?:-[a-zA-Z]*[rRa][a-zA-Z]*|--recursive|--dereference-recursive|--archive|--directories=recurse)$/;
/** Searchers that search the working directory when given no folder. */
const SEARCH_CWD = new Set(['rg', 'ag', 'ack', 'find', 'fd', 'rgrep', 'grep', 'egrep', 'fgrep', 'tree', 'du']);
/** cco's own command line: it reads and writes cco's files, and can decide calls. */
const CCO_NAMES = new Set(['cco', 'cco-mcp']);
const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm', 'npm', 'node']);

const TOKEN_SPLIT = /[\s=:,;&|<>()`]+/;
/**
 * The same keeping what a glob holds: `:` (a POSIX class, `[[:alpha:]]`), `,` (braces,
 * `{cco,x}`), and `(`, `|`, `)` (an extglob, `@(cco|x)`).
 */
const TOKEN_SPLIT_GLOB = /[\s;&<>`]+/;

/** POSIX classes a shell glob may hold, as the ranges the glob matcher reads (cased both ways). */
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  alnum: 'a-zA-Z0-9',
  digit: '0-9',
  lower: 'a-zA-Z',
  upper: 'a-zA-Z',
  xdigit: '0-9a-fA-F',
  word: 'a-zA-Z0-9_',
  blank: ' ',
  space: ' ',
};

/**
 * `[[:alpha:]]` as `[a-zA-Z]`, inside a bracket expression only (`[:alpha:]` alone is the set of
 * `:alph`, as in bash). An unknown class, an equivalence class (`[[=c=]]`) or a collating symbol
 * (`[[.c.]]`) throws: the glob is not read.
 */
function posixClasses(glob: string): string {
  let out = '';
  // A `[` after the last `]` opens no bracket: known without scanning the rest for each one.
  const lastClose = glob.lastIndexOf(']');
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    if (c !== '[' || lastClose <= i) {
      out += c;
      continue;
    }
    // `[`, then `!` or `^`, then a `]` taken as itself, up to the closing `]`.
    let j = i + 1;
    if (glob[j] === '!' || glob[j] === '^') j++;
    if (glob[j] === ']') j++;
    let body = glob.slice(i, j);
    let closed = false;
    for (; j < glob.length; j++) {
      const d = glob[j]!;
      if (d === ']') {
        closed = true;
        break;
      }
      const kind = glob[j + 1];
      if (d === '[' && (kind === ':' || kind === '=' || kind === '.')) {
        const end = glob.indexOf(`${kind}]`, j + 2);
        const range = kind === ':' && end >= 0 ? POSIX_CLASSES[glob.slice(j + 2, end)] : undefined;
        if (range === undefined) throw new Error(`\`${glob.slice(j, end < 0 ? j + 2 : end + 2)}\` is not a class cco reads`);
        body += range;
        j = end + 1;
        continue;
      }
      body += d;
    }
    if (!closed) {
      out += c;
      continue;
    }
    // `[:alph]` is a set holding `:`; the matcher reads a leading `[:` as a class, so `:` goes last.
    if (body.startsWith('[:') && body[2] !== '-' && body[2] !== ']') body = `[${body.slice(2)}:`;
    else if (body.startsWith('[!:') && body[3] !== '-' && body[3] !== ']') body = `[!${body.slice(3)}:`;
    else if (body.startsWith('[^:') && body[3] !== '-' && body[3] !== ']') body = `[^${body.slice(3)}:`;
    out += `${body}]`;
    i = j;
  }
  return out;
}

/** An extglob (`@(a|b)`, `!(x)`, `+(c)`), as the `*` that matches at least what it matches. */
function extglobs(word: string): string {
  let w = word;
  for (let n = 0; n < 32 && /[?*+@!]\([^()]*\)/.test(w); n++) w = w.replace(/[?*+@!]\([^()]*\)/g, '*');
  return w;
}

/**
 * What follows the last `..` of a path whose `..` follows a folder's name (`/var/run/../home/u`:
 * `home/u`), or undefined. The folder may be a symlink, so the kernel's `..` may go anywhere:
 * only what follows it is known.
 */
function afterUp(path: string): string | undefined {
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  let names = 0;
  let last = -1;
  for (let i = 0; i < segs.length; i++) {
    if (segs[i] !== '..') names++;
    else if (names > 0) last = i;
  }
  return last < 0 ? undefined : segs.slice(last + 1).join('/');
}
const GLOB = /[*?[\]{}]/;

/** Compiles the guard's check; throws when the options are not usable. */
export function selfGuard(opts: SelfGuardOptions): GuardCheck {
  const home = trimSlash(posix.normalize(opts.homeDir));
  if (!home.startsWith('/')) throw new Error(`cco's self-guard needs an absolute home directory, got \`${opts.homeDir}\`.`);
  const user = posix.basename(home);
  const guarded = opts.protected.map((p) => {
    const path = trimSlash(posix.normalize(p.path));
    if (!path.startsWith('/')) throw new Error(`cco's self-guard needs absolute paths, got \`${p.path}\`.`);
    const low = path.toLowerCase();
    const samples = p.dir ? [low, ...KNOWN_NAMES.map((n) => `${low}/${n}`)] : [low];
    return { ...p, path, low, samples, segments: low.split('/').filter(Boolean) };
  });
  // The most specific first: a file before the folder holding it, a deeper folder first.
  guarded.sort((x, y) => Number(x.dir) - Number(y.dir) || y.low.length - x.low.length);
  type Guarded = (typeof guarded)[number];
  /** For what a walk reaches: folders first, the top-most first. */
  const outer = [...guarded].sort((x, y) => Number(y.dir) - Number(x.dir) || x.low.length - y.low.length);

  /** The protected entry `path` (absolute, normalized, lower case) is in or is. */
  const inside = (low: string): Guarded | undefined =>
    guarded.find((g) => low === g.low || (g.dir && (g.low === '/' || low.startsWith(`${g.low}/`))));
  /** The protected folder below `low` (a folder a recursive walk from `low` reaches). */
  const below = (low: string): Guarded | undefined => outer.find((g) => low === '/' || g.low.startsWith(`${low}/`));

  const fileMessage = (shown: string, g: Guarded) =>
    `${PREFIX} \`${short(shown, 100)}\` ${shown.toLowerCase() === g.low ? 'is' : 'is in'} cco's ${g.what}; agents may not read or change it.`;
  const searchMessage = (root: string, g: Guarded) =>
    `${PREFIX} going through \`${short(root, 80)}\` would reach cco's ${g.what} \`${short(g.path, 80)}\`, which agents may not read or change. Use a narrower folder that does not hold it.`;

  /** A glob cco cannot read (an extglob, a POSIX class, too many alternatives) names unknown files. */
  const unreadMessage = (glob: string, g: Guarded) =>
    `${PREFIX} cco cannot tell which files the pattern \`${short(glob, 80)}\` names, and they could include cco's ${g.what}; agents may not read or change it. Name the files without that pattern.`;
  const hitMessage = (hit: { g: Guarded; shown: string; unread?: boolean }) => (hit.unread ? unreadMessage(hit.shown, hit.g) : fileMessage(hit.shown, hit.g));
  const reachMessage = (hit: { g: Guarded; root: string; unread?: boolean }) => (hit.unread ? unreadMessage(hit.root, hit.g) : searchMessage(hit.root, hit.g));

  /** `~`, `~user`, `$HOME` and `${HOME}` at the start of a word expanded. */
  const expandHome = (word: string): string => {
    const w = word.replace(/^\$\{HOME\}|^\$HOME(?![A-Za-z0-9_])/, home);
    if (w === '~' || w.startsWith('~/')) return home + w.slice(1);
    if (w === `~${user}` || w.startsWith(`~${user}/`)) return home + w.slice(user.length + 1);
    return w;
  };
  /**
   * expandHome, then the kernel's links followed: `/proc/self/root/home/u/x` is `/home/u/x`; what
   * follows another process's cwd link is a relative path from an unknown place (its `..` dropped,
   * so its tail still meets a protected path).
   */
  const expand = (word: string): string => {
    const w = expandHome(word);
    if (!w.startsWith('/')) return w;
    const via = resolveKernelLinks(w);
    if (!('unknown' in via)) return via.path;
    const tail = via.unknown === 'cwd' ? via.rest : via.inside;
    // An open file may be a folder (`cat /dev/stdin/.config/cco/config.json < ~`): what follows it is placed like the cwd link's tail.
    if (tail !== undefined) return tail.split('/').filter((x) => x !== '..' && x !== '.' && x !== '').join('/') || '.';
    return w;
  };

  /** Absolute, normalized, lower case candidates for where a word (not a glob) points. */
  const places = (word: string, cwd: string | undefined): string[] => {
    const w = expand(word);
    if (w.startsWith('/')) return [trimSlash(posix.normalize(w)).toLowerCase()];
    const out = [trimSlash(posix.normalize(posix.join(home, w))).toLowerCase()];
    if (cwd !== undefined) out.push(trimSlash(posix.normalize(posix.join(cwd, w))).toLowerCase());
    return out;
  };

  /**
   * The protected entry a word names, if any: as an absolute or `~` path, relative to the cwd or
   * the home folder, a relative path that ends a protected path (`cco/config.json` run from
   * `~/.config`), or a glob that matches one.
   */
  const named = (word: string, cwd: string | undefined, moved: readonly string[] = []): { g: Guarded; shown: string; unread?: boolean } | undefined => {
    const w = expand(word.replace(/['"\\]/g, ''));
    if (w === '') return undefined;
    if (GLOB.test(w)) return globNames(w, cwd, moved);
    for (const low of places(w, cwd)) {
      const g = inside(low);
      if (g) return { g, shown: low };
    }
    const lowSegs = w.toLowerCase().split('/');
    for (const g of guarded) {
      // A protected folder's whole path inside the word (`r/home/u/.config/cco` with `r` a link to `/`).
      if (g.dir && g.segments.length > 1 && lowSegs.some((_, i) => g.segments.every((x, k) => x === lowSegs[i + k]))) return { g, shown: w };
    }
    const up = w.startsWith('/') ? afterUp(w) : undefined;
    // After a `..` that may leave a symlink (`/var/run/..` is `/`), only the tail is known: placed like a relative path.
    const rel = up !== undefined ? (up.includes('/') ? up : undefined) : !w.startsWith('/') && w.includes('/') ? w : undefined;
    if (rel !== undefined && rel !== '') {
      const segs = posix.normalize(rel).toLowerCase().split('/').filter((s) => s !== '' && s !== '.');
      if (segs.length > 0 && !segs.includes('..')) {
        for (const g of guarded) {
          // Some prefix of the word's segments is the tail of a protected folder's path.
          for (let k = 1; k <= segs.length && k <= g.segments.length; k++) {
            const tail = g.segments.slice(g.segments.length - k);
            if (tail.every((s, i) => s === segs[i]) && (g.dir || k === segs.length)) return { g, shown: w };
          }
        }
      }
    }
    return undefined;
  };

  const globNames = (w: string, cwd: string | undefined, moved: readonly string[] = []): { g: Guarded; shown: string; unread?: boolean } | undefined => {
    // A relative glob is placed from home, the cwd, and each folder the command changes to.
    const bases = w.startsWith('/') ? [''] : cwd !== undefined ? [home, cwd, ...moved] : [home, ...moved];
    for (const base of bases) {
      const abs = base === '' ? w : posix.join(base, w);
      let match: (s: string) => boolean;
      try {
        // A linear matcher: the glob is the agent's, and a backtracking one would let a word like
        // `/**/*a*a*a…*b` hold every decision for seconds. A glob it cannot read is refused.
        match = globMatcher(posixClasses(posix.normalize(abs)).toLowerCase(), true);
      } catch {
        return { g: guarded[0] as Guarded, shown: w, unread: true };
      }
      for (const g of guarded) if (g.samples.some((s) => match(s))) return { g, shown: w };
    }
    return undefined;
  };

  /** The protected folder a recursive walk from `word` reaches. */
  const reached = (word: string, cwd: string | undefined): { g: Guarded; root: string; unread?: boolean } | undefined => {
    const bare = expandHome(word.replace(/['"\\]/g, ''));
    // Another process's cwd, an open folder (`rg x /dev/stdin < ~`): where the walk goes is unknown.
    if (bare.startsWith('/') && (/^\/+dev\/+std(?:in|out|err)\/*$/i.test(bare) || 'unknown' in resolveKernelLinks(bare))) {
      return { g: outer[0] as Guarded, root: bare, unread: true };
    }
    const w = expand(extglobs(word.replace(/['"\\]/g, '')));
    if (w === '' || w.startsWith('-')) return undefined;
    const up = GLOB.test(w) || !w.startsWith('/') ? undefined : afterUp(w);
    if (up !== undefined) {
      // `/var/run/../home/u` walks /home/u: the tail after a `..` that may leave a symlink is
      // matched against the end of each folder above a protected one (an empty tail may be `/`).
      const tail = up.toLowerCase().split('/').filter((s) => s !== '');
      for (const g of guarded) {
        for (let i = 0; i < g.segments.length; i++) {
          const anc = g.segments.slice(0, i + 1);
          if (tail.length <= anc.length && tail.every((s, k) => s === anc[anc.length - tail.length + k])) return { g, root: w };
        }
      }
    }
    if (GLOB.test(w)) {
      const bases = w.startsWith('/') ? [''] : cwd !== undefined ? [cwd] : [];
      for (const base of bases) {
        const abs = (base === '' ? w : posix.join(base, w)).toLowerCase();
        let match: (s: string) => boolean;
        try {
          match = globMatcher(posixClasses(posix.normalize(abs)), true);
        } catch {
          // Where a glob cco cannot read walks is unknown: refused, like such a glob named.
          return { g: outer[0] as Guarded, root: w, unread: true };
        }
        for (const g of guarded) {
          const ancestors = g.segments.map((_, i) => `/${g.segments.slice(0, i + 1).join('/')}`);
          if (ancestors.some((a) => match(a))) return { g, root: w };
        }
      }
      return undefined;
    }
    const list = w.startsWith('/') || w === '~' || w.startsWith('~/') ? places(w, undefined) : cwd !== undefined ? [trimSlash(posix.normalize(posix.join(cwd, w))).toLowerCase()] : [];
    for (const low of list) {
      const g = below(low);
      if (g) return { g, root: w };
    }
    return undefined;
  };

  /** The folders a command's `cd` and `pushd` go to, in order, each from the one before (at most 16). */
  const movedTo = (forms: readonly string[], cwd: string | undefined): string[] => {
    const out: string[] = [];
    let from = cwd;
    for (const form of forms) {
      const words = unquote(form).split(/\s+/).filter(Boolean);
      if (words[0] !== 'cd' && words[0] !== 'pushd') continue;
      const arg = words.slice(1).filter((x) => !x.startsWith('-')).at(-1) ?? '~';
      const w = expand(arg.replace(/['"\\]/g, ''));
      if (GLOB.test(w)) continue;
      const to = w.startsWith('/') ? posix.normalize(w) : posix.join(from ?? home, w);
      out.push(to);
      from = to;
      if (out.length >= 16) break;
    }
    return out;
  };

  const checkBash = (ctx: CallContext): { message: string } | undefined => {
    const command = ctx.command;
    if (command === undefined) return undefined;
    const cwd = ctx.cwd;
    const a = analyzeBash(command);
    for (const w of a.writes) {
      const hit = w.path !== undefined ? named(w.path, cwd) : named(w.raw, cwd);
      if (hit) return { message: `${hitMessage(hit)} (The command writes it through a redirection.)` };
    }
    const forms = a.parts.flatMap((p) => p.denyForms);
    const moved = movedTo(forms, cwd);
    // Every word of every form, and of the whole text (redirections that read, assignments,
    // what an unsettled parse left), as written and with quotes removed.
    const texts = new Set([command, unquote(command), ...forms, ...forms.map(unquote)]);
    for (const text of texts) {
      const line = text.replace(/\$\{HOME\}/g, home);
      for (const split of [TOKEN_SPLIT, TOKEN_SPLIT_GLOB]) {
        // Without any character only the first split cuts at, the second gives the same words.
        if (split === TOKEN_SPLIT_GLOB && !/[=:,|()]/.test(line)) continue;
        for (const word of line.split(split)) {
          // An extglob as `*`; the parentheses left (`$((2*(3)))`, `print(x)`) split the word again.
          for (const piece of split === TOKEN_SPLIT ? [word] : extglobs(word).split(/[()|]+/)) {
            const hit = named(piece, cwd, moved);
            if (hit) return { message: hitMessage(hit) };
          }
        }
      }
    }
    for (const form of [...forms, ...forms.map(unquote)]) {
      const words = form.split(/\s+/).filter(Boolean);
      const name = posix.basename(words[0] ?? '').toLowerCase();
      if (CCO_NAMES.has(name) || (RUNNERS.has(name) && words.some((x) => /^cco-mcp(?:@|$)/i.test(x) || /\/cco-mcp\//.test(x)))) {
        return { message: `${PREFIX} agents may not run cco itself (\`${short(form, 60)}\`): its commands read and change cco's config, state and audit log, and can decide calls.` };
      }
      const kind = RECURSIVE.get(name);
      if (kind === undefined) continue;
      const args = words.slice(1);
      if (kind === 'flag' && !args.some((x) => RECURSIVE_FLAG.test(x))) continue;
      for (const arg of args) {
        const hit = reached(arg, cwd);
        if (hit) return { message: reachMessage(hit) };
      }
      // No folder named: these search the working directory.
      if (SEARCH_CWD.has(name) && cwd !== undefined && !args.some((x) => !x.startsWith('-') && /[/~]/.test(x))) {
        const g = below(cwd.toLowerCase());
        if (g) return { message: searchMessage(cwd, g) };
      }
    }
    return undefined;
  };

  /** Strings in any other tool's input (an MCP file server's `path`, …) that name protected paths. */
  const checkStrings = (value: unknown, depth = 0): { message: string } | undefined => {
    if (typeof value === 'string') {
      for (const word of value.replace(/\$\{HOME\}/g, home).split(TOKEN_SPLIT)) {
        const w = expand(word.replace(/['"\\]/g, ''));
        if (!w.startsWith('/') || GLOB.test(w)) continue;
        const g = inside(trimSlash(posix.normalize(w)).toLowerCase());
        if (g) return { message: fileMessage(w, g) };
      }
      return undefined;
    }
    if (value === null || typeof value !== 'object' || depth > 32) return undefined;
    for (const v of Object.values(value)) {
      const hit = checkStrings(v, depth + 1);
      if (hit) return hit;
    }
    return undefined;
  };

  return (call) => {
    const ctx = new CallContext(call, home);
    const tool = String(call.toolName);
    if (tool === 'Bash') return checkBash(ctx);
    const field = pathField(tool);
    if (field === undefined) return checkStrings(ctx.input);
    const raw = ctx.input[field];
    if (typeof raw === 'string' && kernelLink(expandHome(raw)) !== undefined) {
      // Through /proc or /dev/fd: placed as the kernel would place it, or by its tail.
      const hit = named(raw, ctx.cwd);
      if (hit) return { message: hitMessage(hit) };
      if (tool === 'Grep' || tool === 'Glob') {
        const s = reached(raw, ctx.cwd);
        if (s) return { message: reachMessage(s) };
      }
      return undefined;
    }
    const target = ctx.target.path;
    if (target !== undefined) {
      const low = target.toLowerCase();
      const g = inside(low);
      if (g) return { message: fileMessage(target, g) };
      if (tool === 'Grep' || tool === 'Glob') {
        const s = below(low);
        if (s) return { message: searchMessage(target, s) };
      }
    } else {
      // A relative path with the cwd unknown: it could be relative to anything, so a path that
      // names a protected one from its home or by its tail is refused.
      const raw = ctx.input[field];
      if (typeof raw === 'string') {
        const hit = named(raw, undefined);
        if (hit) return { message: hitMessage(hit) };
      }
    }
    return undefined;
  };
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
