/**
 * Glob matching in bounded time. A rule's glob runs against text an agent chose (a path, an input
 * value, a command of up to 256 KiB), so it must not backtrack: picomatch compiles globs to
 * JavaScript regular expressions, on which `*a*a*a*b` takes seconds against a few KiB of `a`.
 * These matchers place each run of pattern between two stars at its leftmost fit (which is
 * always right: a star before it can only shrink, the one after only grow), so a test costs at
 * most the text's length times the pattern's, and usually one pass.
 *
 * The glob language is picomatch's (posix, dotfiles included) for what rules use: `*` (any run
 * within a path segment), `**` as a whole segment (any number of segments), `?`, `[abc]`, `[a-z]`,
 * `[!a]` / `[^a]`, `{a,b}`, `{1..3}` and `\` escapes. Extglobs (`@(…)`, `!(…)`, `+(…)`), a leading `!`,
 * POSIX classes (`[[:alpha:]]`) and `.`/`..` segments are refused with a RuleGlobError. Values are
 * compared as paths: repeated `/` count as one, a trailing `/` is ignored unless the glob ends with
 * one, and no wildcard matches a `.` or `..` segment.
 */

import { blockLength, compileGlob, expandBraces, GLOBSTAR, type CharClass, type Compiled, type Segment, type Token } from './glob-parse.js';

export { GlobSyntaxError } from './glob-parse.js';

/**
 * A matcher for a path glob (picomatch's language, see above). `nocase` folds case on both sides.
 * Throws GlobSyntaxError for what it does not support.
 */
export function globMatcher(glob: string, nocase = false): (value: string) => boolean {
  const alternatives = expandBraces(glob).map((alt) => compileGlob(alt, nocase));
  const trailing = alternatives.some((a) => a.trailingSlash);
  const one = alternatives.length === 1 ? alternatives[0] : undefined;
  return (value) => {
    const v = normalize(nocase ? value.toLowerCase() : value, trailing);
    if (v === undefined) return false;
    if (one !== undefined) return matchPath(one, v);
    for (const a of alternatives) if (matchPath(a, v)) return true;
    return false;
  };
}

/**
 * A matcher where `*` is any run of characters (slashes and spaces included) and, when
 * `question` is set, `?` is any one character; everything else is literal. For tool names and
 * Bash command globs.
 */
export function wildcardMatcher(pattern: string, opts: { question?: boolean; nocase?: boolean } = {}): (value: string) => boolean {
  const fold = opts.nocase === true;
  const text = fold ? pattern.toLowerCase() : pattern;
  const blocks: Token[][] = [];
  let block: Token[] = [];
  let lit = '';
  for (const c of text) {
    if (c === '*') {
      if (lit !== '') block.push(lit);
      lit = '';
      blocks.push(block);
      block = [];
    } else if (c === '?' && opts.question === true) {
      if (lit !== '') block.push(lit);
      lit = '';
      block.push(0);
    } else lit += c;
  }
  if (lit !== '') block.push(lit);
  blocks.push(block);
  const segment: Segment = { blocks, lengths: blocks.map(blockLength), wild: false };
  return (value) => {
    const v = fold ? value.toLowerCase() : value;
    return matchSegment(segment, v, 0, v.length, false);
  };
}

/** Repeated slashes as one; a trailing slash dropped unless some alternative ends with one. */
function normalize(value: string, keepTrailing: boolean): string | undefined {
  let v = value.includes('//') ? value.replace(/\/{2,}/g, '/') : value;
  if (!keepTrailing && v.length > 1 && v.endsWith('/')) v = v.slice(0, -1);
  return v;
}

function classHas(cls: CharClass, code: number): boolean {
  const r = cls.ranges;
  let hit = false;
  for (let i = 0; i < r.length; i += 2) {
    if (code >= (r[i] as number) && code <= (r[i + 1] as number)) {
      hit = true;
      break;
    }
  }
  return hit !== cls.negated;
}

/** Whether `block` matches `v` at `at` (the caller checked it fits before `end`). */
function blockAt(block: readonly Token[], v: string, at: number, slashes: boolean): boolean {
  let p = at;
  for (let k = 0; k < block.length; k++) {
    const t = block[k] as Token;
    if (typeof t === 'string') {
      if (!v.startsWith(t, p)) return false;
      p += t.length;
    } else {
      const code = v.charCodeAt(p);
      if (!slashes && code === 47) return false;
      if (t !== 0 && !classHas(t, code)) return false;
      p++;
    }
  }
  return true;
}

/**
 * Whether `seg` matches `v[a, b)`. `slashes: false` for a path segment (no `/` inside anyway, but
 * a class must not match one either); the leftmost placement of each middle block is tried.
 */
function matchSegment(seg: Segment, v: string, a: number, b: number, isPath: boolean): boolean {
  const { blocks, lengths } = seg;
  const n = blocks.length;
  const len = b - a;
  // A wildcard never matches a `.` or `..` segment, nor an empty one (picomatch's `(?=.)`).
  if (isPath && seg.wild && (len === 0 || isDotSegment(v, a, len))) return false;
  if (n === 1) return len === lengths[0] && blockAt(blocks[0] as Token[], v, a, !isPath);
  const firstLen = lengths[0] as number;
  const lastLen = lengths[n - 1] as number;
  if (firstLen + lastLen > len) return false;
  if (!blockAt(blocks[0] as Token[], v, a, !isPath)) return false;
  const lastAt = b - lastLen;
  if (!blockAt(blocks[n - 1] as Token[], v, lastAt, !isPath)) return false;
  let p = a + firstLen;
  for (let k = 1; k < n - 1; k++) {
    const block = blocks[k] as Token[];
    const bl = lengths[k] as number;
    const lead = block[0];
    let found = -1;
    for (let q = p; q + bl <= lastAt; q++) {
      if (typeof lead === 'string') {
        // A literal lead: jump to its next occurrence.
        const at = v.indexOf(lead, q);
        if (at < 0 || at + bl > lastAt) break;
        q = at;
      }
      if (blockAt(block, v, q, !isPath)) {
        found = q;
        break;
      }
    }
    if (found < 0) return false;
    p = found + bl;
  }
  return true;
}

function isDotSegment(v: string, a: number, len: number): boolean {
  return (len === 1 && v.charCodeAt(a) === 46) || (len === 2 && v.charCodeAt(a) === 46 && v.charCodeAt(a + 1) === 46);
}

/** Whether the glob's parts match the whole of `v`, segment by segment. */
function matchPath(c: Compiled, v: string): boolean {
  // Segment boundaries of the value: starts[i] … ends[i].
  const starts: number[] = [0];
  const ends: number[] = [];
  for (let i = v.indexOf('/'); i >= 0; i = v.indexOf('/', i + 1)) {
    ends.push(i);
    starts.push(i + 1);
  }
  ends.push(v.length);
  const count = starts.length;
  // No wildcard matches a `.` or `..` segment and the glob holds none: such a value never matches.
  for (let i = 0; i < count; i++) if (isDotSegment(v, starts[i] as number, (ends[i] as number) - (starts[i] as number))) return false;
  // Groups of segments between globstars, matched like the blocks of a segment.
  const groups: Segment[][] = [[]];
  for (const p of c.parts) {
    if (p === GLOBSTAR) groups.push([]);
    else (groups.at(-1) as Segment[]).push(p);
  }
  const groupAt = (g: readonly Segment[], at: number): boolean => {
    for (let k = 0; k < g.length; k++) {
      if (!matchSegment(g[k] as Segment, v, starts[at + k] as number, ends[at + k] as number, true)) return false;
    }
    return true;
  };
  const n = groups.length;
  const first = groups[0] as Segment[];
  if (n === 1) return first.length === count && groupAt(first, 0);
  const last = groups[n - 1] as Segment[];
  if (first.length + last.length > count) return false;
  if (!groupAt(first, 0)) return false;
  const lastAt = count - last.length;
  if (!groupAt(last, lastAt)) return false;
  let p = first.length;
  for (let k = 1; k < n - 1; k++) {
    const g = groups[k] as Segment[];
    let found = -1;
    for (let q = p; q + g.length <= lastAt; q++) {
      if (groupAt(g, q)) {
        found = q;
        break;
      }
    }
    if (found < 0) return false;
    p = found + g.length;
  }
  return true;
}
