import stringWidth from 'string-width';

/**
 * Text measured, padded, cut and wrapped by terminal cells rather than by characters: a CJK
 * character or an emoji takes two cells, a combining mark none, so columns line up whatever an
 * agent wrote. The one helper for the console's lists and header and for the CLI tables. Pure.
 * Text must already be escaped (`escapeText`/`oneLine`): a control character has no width to
 * measure. Cuts fall between grapheme clusters, so a wide character, an emoji sequence or a
 * letter with its combining marks is never split.
 */

export { stringWidth as cellWidth };

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** `s` padded with spaces to `width` terminal cells (unchanged when already that wide). */
export function padCells(s: string, width: number): string {
  const w = stringWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

/** `s` padded on the left to `width` cells (numbers, durations). */
export function padCellsStart(s: string, width: number): string {
  const w = stringWidth(s);
  return w >= width ? s : ' '.repeat(width - w) + s;
}

/**
 * `s` cut to at most `width` cells, ending in `…` when cut. The result may be a cell short of
 * `width` when the next character is wide: half of it is never shown.
 */
export function truncateCells(s: string, width: number, ellipsis = '…'): string {
  if (width <= 0) return '';
  if (stringWidth(s) <= width) return s;
  const room = width - stringWidth(ellipsis);
  if (room < 0) return '';
  let out = '';
  let used = 0;
  for (const { segment } of graphemes.segment(s)) {
    const w = stringWidth(segment);
    if (used + w > room) break;
    out += segment;
    used += w;
  }
  return out + ellipsis;
}

/** `s` cut (with `…`) or padded to exactly `width` cells: one column of a row. */
export function fitCells(s: string, width: number): string {
  return padCells(truncateCells(s, width), width);
}

/**
 * One line broken into pieces of at most `width` cells (at least one grapheme per piece, so a
 * width below two still makes progress). Nothing is dropped: joined, the pieces are `line`.
 */
export function wrapCells(line: string, width: number): string[] {
  if (stringWidth(line) <= width) return [line];
  const out: string[] = [];
  let piece = '';
  let used = 0;
  for (const { segment } of graphemes.segment(line)) {
    const w = stringWidth(segment);
    if (used + w > width && piece !== '') {
      out.push(piece);
      piece = '';
      used = 0;
    }
    piece += segment;
    used += w;
  }
  if (piece !== '' || out.length === 0) out.push(piece);
  return out;
}
