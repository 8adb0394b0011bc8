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

/** Why a glob cannot be used; `index` (0-based) points into the glob. */
export class GlobSyntaxError extends Error {
  override name = 'GlobSyntaxError';
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** More alternatives than this from `{…}` is refused (each one is tried in turn). */
const MAX_ALTERNATIVES = 256;

interface CharClass {
  readonly negated: boolean;
  /** Inclusive code-unit ranges, as pairs. */
  readonly ranges: readonly number[];
}

/** A literal run, one character of any kind (`?`, code 0), or a class. */
type Token = string | 0 | CharClass;

/** One path segment of a glob: fixed-length blocks separated by stars. */
interface Segment {
  /** No star: one block; with k stars: k + 1 blocks (the first and last may be empty). */
  readonly blocks: readonly (readonly Token[])[];
  readonly lengths: readonly number[];
  /** Holds a wildcard (then it never matches `.` or `..`). */
  readonly wild: boolean;
}

/** `**` as a whole segment. */
const GLOBSTAR = null;
type Part = Segment | typeof GLOBSTAR;

interface Compiled {
  readonly parts: readonly Part[];
  readonly trailingSlash: boolean;
}

/**
 * A matcher for a path glob (picomatch's language, see above). `nocase` folds case on both sides.
 * Throws GlobSyntaxError for what it does not support.
 */
export function globMatcher(glob: string, nocase = false): (value: string) => boolean {
  const alternatives = expandBraces(glob).map((alt) => compile(alt, nocase));
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

function blockLength(block: readonly Token[]): number {
  let n = 0;
  for (const t of block) n += typeof t === 'string' ? t.length : 1;
  return n;
}

/** Repeated slashes as one; a trailing slash dropped unless some alternative ends with one. */
function normalize(value: string, keepTrailing: boolean): string | undefined {
  let v = value.includes('//') ? value.replace(/\/{2,}/g, '/') : value;
  if (!keepTrailing && v.length > 1 && v.endsWith('/')) v = v.slice(0, -1);
  return v;
}

/** `{a,b}` and `{1..3}` expanded, nested ones too; an unclosed or single-item brace is literal. */
export function expandBraces(glob: string): string[] {
  const out: string[] = [];
  const walk = (s: string, from: number): void => {
    for (let i = from; i < s.length; i++) {
      const c = s[i];
      if (c === '\\') {
        i++;
        continue;
      }
      if (c !== '{') continue;
      const close = matchingBrace(s, i);
      if (close < 0) continue;
      const items = braceItems(s.slice(i + 1, close));
      if (items === undefined) continue;
      const head = s.slice(0, i);
      const tail = s.slice(close + 1);
      for (const item of items) {
        walk(head + item + tail, i);
        if (out.length > MAX_ALTERNATIVES) {
          throw new GlobSyntaxError(`\`{…}\` makes more than ${MAX_ALTERNATIVES} alternatives; write fewer, or a /regex/`, i);
        }
      }
      return;
    }
    out.push(s);
  };
  walk(glob, 0);
  return out;
}

function matchingBrace(s: string, open: number): number {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function braceItems(inner: string): string[] | undefined {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      items.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  if (items.length > 0) {
    items.push(inner.slice(start));
    return items;
  }
  const num = /^(-?\d+)\.\.(-?\d+)$/.exec(inner);
  if (num) return range(Number(num[1]), Number(num[2]), String);
  const chr = /^([A-Za-z])\.\.([A-Za-z])$/.exec(inner);
  if (chr) return range((chr[1] as string).charCodeAt(0), (chr[2] as string).charCodeAt(0), (n) => String.fromCharCode(n));
  return undefined;
}

function range(a: number, b: number, show: (n: number) => string): string[] {
  if (Math.abs(b - a) >= MAX_ALTERNATIVES) throw new GlobSyntaxError(`the range \`{${show(a)}..${show(b)}}\` is too long; write a /regex/`, 0);
  const out: string[] = [];
  for (let n = a; a <= b ? n <= b : n >= b; n += a <= b ? 1 : -1) out.push(show(n));
  return out;
}

const STAR = Symbol('star');

function compile(glob: string, nocase: boolean): Compiled {
  if (glob.startsWith('!')) throw new GlobSyntaxError('a leading `!` (negation) is not supported: write a deny or ask rule instead, or a /regex/', 0);
  const segments: { tokens: (Token | typeof STAR)[]; raw: string; wild: boolean }[] = [];
  let cur = { tokens: [] as (Token | typeof STAR)[], raw: '', wild: false };
  let lit = '';
  // A `[` after the last `]` opens no class: known without scanning the rest for each one.
  const lastClose = glob.lastIndexOf(']');
  const flush = () => {
    if (lit !== '') cur.tokens.push(nocase ? lit.toLowerCase() : lit);
    lit = '';
  };
  const endSegment = () => {
    flush();
    segments.push(cur);
    cur = { tokens: [], raw: '', wild: false };
  };
  for (let i = 0; i < glob.length; i++) {
    let c = glob[i] as string;
    if (c === '\\' && i + 1 < glob.length) {
      c = glob[++i] as string;
      if (c === '/') {
        endSegment();
        continue;
      }
      lit += c;
      cur.raw += `\\${c}`;
      continue;
    }
    if (c === '/') {
      endSegment();
      continue;
    }
    if (c === '(' || c === ')') {
      throw new GlobSyntaxError(`\`${c}\` (an extglob group) is not supported in cco globs: escape it as \`\\${c}\` to mean itself, or write a /regex/`, i);
    }
    cur.raw += c;
    if (c === '*') {
      flush();
      // Consecutive stars are one star within a segment; `**` alone is a globstar (below).
      if (cur.tokens.at(-1) !== STAR) cur.tokens.push(STAR);
      cur.wild = true;
      while (glob[i + 1] === '*') {
        cur.raw += '*';
        i++;
      }
    } else if (c === '?') {
      flush();
      cur.tokens.push(0);
      cur.wild = true;
    } else if (c === '[') {
      const parsed = lastClose > i ? parseClass(glob, i, nocase) : undefined;
      if (parsed === undefined) lit += c;
      else {
        flush();
        cur.tokens.push(parsed.cls);
        cur.wild = true;
        cur.raw += glob.slice(i + 1, parsed.end + 1);
        i = parsed.end;
      }
    } else lit += c;
  }
  endSegment();
  // Repeated slashes are one; a leading slash keeps its empty first segment, a trailing one its last.
  const trailingSlash = segments.length > 1 && segments.at(-1)?.raw === '' && glob.length > 1;
  const kept = segments.filter((s, i) => s.raw !== '' || i === 0 || (i === segments.length - 1 && trailingSlash));
  const parts: Part[] = [];
  for (const s of kept) {
    if (s.raw === '.' || s.raw === '..') throw new GlobSyntaxError(`a \`${s.raw}\` segment is not supported in a glob: write the path without it`, Math.max(glob.indexOf(s.raw), 0));
    if (s.raw === '**') {
      if (parts.at(-1) !== GLOBSTAR) parts.push(GLOBSTAR);
      continue;
    }
    parts.push(segmentOf(s.tokens, s.wild));
  }
  return { parts, trailingSlash };
}

function segmentOf(tokens: (Token | typeof STAR)[], wild: boolean): Segment {
  const blocks: Token[][] = [[]];
  for (const t of tokens) {
    if (t === STAR) blocks.push([]);
    else (blocks.at(-1) as Token[]).push(t);
  }
  return { blocks, lengths: blocks.map(blockLength), wild };
}

function parseClass(glob: string, open: number, nocase: boolean): { cls: CharClass; end: number } | undefined {
  let i = open + 1;
  if (glob.startsWith('[:', open + 1) || glob.startsWith('[:', open)) {
    throw new GlobSyntaxError('POSIX classes such as `[[:alpha:]]` are not supported in cco globs: write the range (`[a-zA-Z]`) or a /regex/', open);
  }
  let negated = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: number[] = [];
  let first = true;
  for (; i < glob.length; i++) {
    let c = glob[i] as string;
    if (c === ']' && !first) {
      if (ranges.length === 0) return undefined;
      return { cls: { negated, ranges: nocase ? foldRanges(ranges) : ranges }, end: i };
    }
    first = false;
    if (c === '\\' && i + 1 < glob.length) c = glob[++i] as string;
    let lo = c.charCodeAt(0);
    let hi = lo;
    if (glob[i + 1] === '-' && i + 2 < glob.length && glob[i + 2] !== ']') {
      let d = glob[i + 2] as string;
      i += 2;
      if (d === '\\' && i + 1 < glob.length) d = glob[++i] as string;
      hi = d.charCodeAt(0);
      if (hi < lo) [lo, hi] = [hi, lo];
    }
    ranges.push(lo, hi);
  }
  return undefined;
}

/** With case folded, the value is lower case: add the lower-case form of every upper-case letter in a range. */
function foldRanges(ranges: readonly number[]): number[] {
  const out = [...ranges];
  for (let i = 0; i < ranges.length; i += 2) {
    const lo = Math.max(ranges[i] as number, 65);
    const hi = Math.min(ranges[i + 1] as number, 90);
    if (lo <= hi) out.push(lo + 32, hi + 32);
  }
  return out;
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
