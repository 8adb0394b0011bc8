/**
 * Wrapping the detail pane's lines at a width in terminal cells, between graphemes, in linear
 * time (the text is the agent's: a crafted line must not hold the console).
 */
import stringWidth from 'string-width';
import type { DetailLine } from './detail-lines.js';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const widths = new Map<string, number>();

function graphemeWidth(g: string): number {
  let w = widths.get(g);
  if (w === undefined) {
    w = stringWidth(g);
    if (widths.size > 10_000) widths.clear();
    widths.set(g, w);
  }
  return w;
}

const isPrintableAscii = (c: number): boolean => c >= 0x20 && c <= 0x7e;

/**
 * The length (1, 2 for a surrogate pair, 0 for none) of a character at `i` that is a grapheme of
 * its own next to another such or to ASCII (no mark, joiner, jamo, regional indicator, emoji
 * modifier or prepended character among them): Latin-1 and Latin extended, Greek, Cyrillic
 * letters, dashes and quotes, box drawing, CJK punctuation, kana, ideographs, Hangul syllables,
 * fullwidth forms, pictographs and emoji, the CJK extensions.
 */
function simpleAt(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c < 0x2010) return (c >= 0xa0 && c <= 0x2ff && c !== 0xad) || (c >= 0x370 && c <= 0x482) ? 1 : 0;
  if (c < 0x3000) return (c >= 0x2010 && c <= 0x2027) || (c >= 0x2500 && c <= 0x25ff) ? 1 : 0;
  if (c >= 0xd800 && c <= 0xdbff) {
    const cp = s.codePointAt(i) as number;
    if (cp <= 0xffff) return 0;
    return (cp >= 0x1f300 && cp <= 0x1faff && !(cp >= 0x1f3fb && cp <= 0x1f3ff)) || (cp >= 0x20000 && cp <= 0x3ffff) ? 2 : 0;
  }
  return c <= 0x3029 ||
    (c >= 0x3041 && c <= 0x3096) ||
    (c >= 0x30a0 && c <= 0x30ff) ||
    (c >= 0x3400 && c <= 0x4dbf) ||
    (c >= 0x4e00 && c <= 0x9fff) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xff01 && c <= 0xff60)
    ? 1
    : 0;
}

/** The length of the character at `i` when it is a grapheme by itself whatever came before it (see chunks), else 0. */
function alone(s: string, i: number): number {
  const len = simpleAt(s, i);
  if (len === 0 || i + len >= s.length) return len;
  return isPrintableAscii(s.charCodeAt(i + len)) || simpleAt(s, i + len) > 0 ? len : 0;
}

/** The pieces being filled: the first of `first` cells, the others of `rest`. */
class Pieces {
  private readonly out: string[] = [];
  private line = '';
  private used = 0;
  private avail: number;

  constructor(
    first: number,
    private readonly rest: number,
  ) {
    this.avail = first;
  }

  /** Cells left on the current piece. */
  get room(): number {
    return this.avail - this.used;
  }

  /** The current piece is done; the next one starts. */
  flush(): void {
    this.out.push(this.line);
    this.line = '';
    this.used = 0;
    this.avail = this.rest;
  }

  /** `text`, `w` cells that fit the current piece. */
  take(text: string, w: number): void {
    this.line += text;
    this.used += w;
  }

  /** A grapheme of `w` cells, on the next piece when it does not fit the current one (unless that one is empty). */
  grapheme(g: string, w: number): void {
    if (this.used + w > this.avail && this.used > 0) this.flush();
    this.take(g, w);
  }

  done(): string[] {
    if (this.line !== '' || this.out.length === 0) this.out.push(this.line);
    return this.out;
  }
}

/**
 * `s` cut into pieces of at most `first` cells, then `rest` cells, between graphemes (a wide
 * character or a base with its combining marks is never split). Linear: runs of printable ASCII
 * are cut by arithmetic, only the rest goes through the grapheme segmenter, and string-width
 * (slow on whole lines) measures each distinct grapheme once.
 */
function chunks(s: string, first: number, rest: number): string[] {
  const p = new Pieces(first, rest);
  let i = 0;
  while (i < s.length) {
    let j = i;
    while (j < s.length && isPrintableAscii(s.charCodeAt(j))) j++;
    // Before other text, the last ASCII character goes with it: a combining mark may follow it.
    const end = j < s.length && j > i ? j - 1 : j;
    while (i < end) {
      const take = Math.min(end - i, p.room);
      if (take <= 0) {
        p.flush();
        continue;
      }
      p.take(s.slice(i, i + take), take);
      i += take;
    }
    if (i >= s.length) break;
    let k = j;
    while (k < s.length && !isPrintableAscii(s.charCodeAt(k))) k++;
    i = otherText(s, i, k, p);
  }
  return p.done();
}

/** `s` from `from` to `k` (no printable ASCII but perhaps its first character), grapheme by grapheme; the index reached. */
function otherText(s: string, from: number, k: number, p: Pieces): number {
  let i = from;
  while (i < k) {
    const len = alone(s, i);
    if (len > 0) {
      const g = len === 1 ? (s[i] as string) : s.slice(i, i + 2);
      p.grapheme(g, graphemeWidth(g));
      i += len;
      continue;
    }
    // The rest through the segmenter, in small windows (V8's is superlinear on long strings),
    // with one character more: what precedes it may join it (a prepended mark, a joiner). A
    // window's last grapheme may go on past it, so it starts the next window instead.
    const b = segmenterEnd(s, i, k);
    const bound = Math.min(k, b + 1);
    while (i < b) {
      const stop = Math.min(bound, i + 64);
      const segs = Array.from(segmenter.segment(s.slice(i, stop)), (x) => x.segment);
      if (stop < bound && segs.length > 1) segs.pop();
      for (const g of segs) {
        p.grapheme(g, graphemeWidth(g));
        i += g.length;
      }
    }
  }
  return i;
}

/**
 * Where the segmenter's part starting at `i` ends: up to where 16 characters in a row are alone
 * (a call of the segmenter costs more than 16 lookups), or `k`.
 */
function segmenterEnd(s: string, i: number, k: number): number {
  let b = i + 1;
  for (let run = 0, from = b; b < k;) {
    const l = alone(s, b);
    if (l === 0) {
      run = 0;
      b++;
      continue;
    }
    if (run++ === 0) from = b;
    b += l;
    if (run === 16) {
      b = from;
      break;
    }
  }
  return b;
}

/**
 * The lines wrapped at `width` terminal cells, never cut: each continuation is a line of its own
 * with `cont: true`, indented like its line's start (its `indent`, else its leading spaces) when
 * that leaves room. Wide characters and grapheme clusters are never split; a width under 2 is
 * taken as 2 (a wide character needs two cells). Linear in the total text.
 */
export function wrapDetail(lines: readonly DetailLine[], width: number): DetailLine[] {
  const w = Math.max(2, Math.floor(width));
  const out: DetailLine[] = [];
  for (const l of lines) {
    const t = l.text;
    if (t.length <= w && /^[\x20-\x7e]*$/.test(t)) {
      out.push(l);
      continue;
    }
    let indent = l.indent ?? /^ */.exec(t)?.[0].length ?? 0;
    if (indent > w / 2) indent = 0;
    const pad = ' '.repeat(indent);
    const parts = chunks(t, w, w - indent);
    if (parts.length === 1) {
      out.push(l);
      continue;
    }
    out.push({ ...l, text: parts[0] ?? '' });
    for (let i = 1; i < parts.length; i++) out.push({ ...l, text: pad + (parts[i] as string), cont: true });
  }
  return out;
}
