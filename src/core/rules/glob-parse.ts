/**
 * Reading a glob for the matcher (glob.ts): each path segment as fixed-length blocks of literal
 * runs, `?` and classes between stars, `**` segments as globstars, `{…}` expanded into
 * alternatives; what cco does not support throws a GlobSyntaxError.
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

export interface CharClass {
  readonly negated: boolean;
  /** Inclusive code-unit ranges, as pairs. */
  readonly ranges: readonly number[];
}

/** A literal run, one character of any kind (`?`, code 0), or a class. */
export type Token = string | 0 | CharClass;

/** One path segment of a glob: fixed-length blocks separated by stars. */
export interface Segment {
  /** No star: one block; with k stars: k + 1 blocks (the first and last may be empty). */
  readonly blocks: readonly (readonly Token[])[];
  readonly lengths: readonly number[];
  /** Holds a wildcard (then it never matches `.` or `..`). */
  readonly wild: boolean;
}

/** `**` as a whole segment. */
export const GLOBSTAR = null;
export type Part = Segment | typeof GLOBSTAR;

export interface Compiled {
  readonly parts: readonly Part[];
  readonly trailingSlash: boolean;
}

export function blockLength(block: readonly Token[]): number {
  let n = 0;
  for (const t of block) n += typeof t === 'string' ? t.length : 1;
  return n;
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

/** A glob (one alternative, braces expanded) as its path parts. Throws GlobSyntaxError for what cco does not support. */
export function compileGlob(glob: string, nocase: boolean): Compiled {
  if (glob.startsWith('!')) throw new GlobSyntaxError('a leading `!` (negation) is not supported: write a deny or ask rule instead, or a /regex/', 0);
  return toParts(readSegments(glob, nocase), glob);
}

/** A segment as read: its tokens (stars among them), its text as written, and whether it holds a wildcard. */
interface RawSegment {
  tokens: (Token | typeof STAR)[];
  raw: string;
  wild: boolean;
}

/** The glob cut at its slashes, each segment read into tokens. */
function readSegments(glob: string, nocase: boolean): RawSegment[] {
  const segments: RawSegment[] = [];
  let cur: RawSegment = { tokens: [], raw: '', wild: false };
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
      // An escaped `/` still ends the segment.
      if (c !== '/') {
        lit += c;
        cur.raw += `\\${c}`;
        continue;
      }
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
  return segments;
}

/** The segments as the matcher's parts: empty ones dropped, `**` a globstar; `.` and `..` refused. */
function toParts(segments: readonly RawSegment[], glob: string): Compiled {
  // Repeated slashes are one; a leading slash keeps its empty first segment, a trailing one its last.
  const trailingSlash = segments.length > 1 && segments.at(-1)?.raw === '' && glob.length > 1;
  const kept = segments.filter((s, i) => s.raw !== '' || i === 0 || (i === segments.length - 1 && trailingSlash));
  const parts: Part[] = [];
  for (const s of kept) {
    if (s.raw === '.' || s.raw === '..')
      throw new GlobSyntaxError(`a \`${s.raw}\` segment is not supported in a glob: write the path without it`, Math.max(glob.indexOf(s.raw), 0));
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
