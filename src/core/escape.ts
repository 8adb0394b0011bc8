/**
 * The one place that decides how text an agent sent reaches a terminal: the console and every CLI
 * output (tables, reports, JSON) go through these functions, so no escape sequence, raw CR/LF or
 * invisible character from an agent can drive the terminal or make text read differently from
 * what runs. Pure: no I/O.
 */

/**
 * Characters made visible as `\uXXXX` (or `\u{XXXXX}` above U+FFFF):
 * - C0 controls, DEL and C1 controls (ESC, CR, BEL, CSI U+009B, …);
 * - soft hyphen U+00AD and the combining grapheme joiner U+034F;
 * - the Arabic letter mark U+061C, LRM/RLM U+200E/U+200F, the bidi embeddings, overrides and
 *   isolates U+202A–U+202E and U+2066–U+2069 (they reorder what is shown);
 * - the line and paragraph separators U+2028/U+2029;
 * - zero-width and invisible characters: U+200B–U+200D, the word joiner and invisible operators
 *   U+2060–U+2064, the deprecated format characters U+206A–U+206F, the BOM U+FEFF, the Hangul
 *   fillers (U+115F, U+1160, U+3164, U+FFA0), the Khmer invisible vowels U+17B4/U+17B5, the
 *   Mongolian selectors and vowel separator U+180B–U+180F, the interlinear annotation marks
 *   U+FFF9–U+FFFB, the musical format characters U+1D173–U+1D17A;
 * - the tag characters U+E0000–U+E007F and the variation selectors supplement U+E0100–U+E01EF
 *   (invisible, and able to carry hidden text);
 * - lone surrogates (they would print as U+FFFD, hiding what was sent).
 * The emoji variation selectors U+FE00–U+FE0F stay: they only pick a glyph's presentation.
 */
const UNSAFE =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb\u{1d173}-\u{1d17a}\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}\ud800-\udfff]/gu;

function hex(c: string): string {
  const cp = c.codePointAt(0)!;
  return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, '0')}`;
}

export interface EscapeOptions {
  /** What a newline becomes (default: the two characters `\n`, so the text stays one line). */
  newline?: string;
  /** What a tab becomes (default: two spaces; a tab's width on screen is not ours to know). */
  tab?: string;
}

/**
 * One line of agent text, safe to print: every control and invisible character (see `UNSAFE`)
 * becomes a visible `\uXXXX`, a newline a visible `\n`, a tab two spaces.
 */
export function escapeText(text: string, options: EscapeOptions = {}): string {
  const newline = options.newline ?? '\\n';
  const tab = options.tab ?? '  ';
  return text.replace(UNSAFE, (c) => (c === '\n' ? newline : c === '\t' ? tab : hex(c)));
}

/** One line with its control characters made visible (a trailing CR of a CRLF file is dropped). */
export function escapeLine(line: string): string {
  return escapeText(line.endsWith('\r') ? line.slice(0, -1) : line);
}

/** Text of several lines (a report, an error message): each line escaped, the newlines kept. */
export function escapeLines(text: string): string {
  return text.split('\n').map(escapeLine).join('\n');
}

/**
 * JSON text (from `JSON.stringify`) made safe to `cat`: JSON.stringify escapes C0 controls and
 * lone surrogates but leaves DEL, C1 controls, bidi, separators and zero-width characters raw.
 * Those become `\uXXXX` JSON escapes, so the result is still valid JSON with the same value.
 * Outside strings JSON.stringify writes only ASCII punctuation, so nothing else is touched.
 */
export function escapeJson(json: string): string {
  return json.replace(UNSAFE, (c) => {
    if (c === '\n' || c === '\t' || c === '\r') return c; // only ever the layout of JSON.stringify(…, 2)
    let out = '';
    for (let i = 0; i < c.length; i++) out += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
