/** The help overlay's text (`?`): every binding of the keymap, wrapped to the pane, read a page at a time. */
import { GRANT_KEYMAP, KEYMAP, PROMPT_KEYS } from './keymap.js';

/** Rows the overlay takes beyond its text: the header and footer of the screen, the box's borders and title. */
const OVERLAY_CHROME = 6;

/** Wrap `text` to `width` cells at spaces; the lines after the first start with `indent` spaces. */
function wrap(text: string, width: number, indent: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length <= width || line.trim() === '') {
      line = candidate;
      continue;
    }
    out.push(line);
    line = `${' '.repeat(indent)}${word}`;
  }
  out.push(line);
  // A word longer than the line is cut into pieces rather than lost off the edge.
  return out.flatMap((l) => (l.length <= width ? [l] : (l.match(new RegExp(`.{1,${Math.max(1, width)}}`, 'g')) ?? [l])));
}

/** The help text at `width` cells (the box's inside), each binding's words aligned after its keys. */
export function helpLines(width: number): string[] {
  const keyWidth = Math.max(...KEYMAP.map((b) => b.hint.length)) + 2;
  const hanging = width >= keyWidth + 20 ? keyWidth : 2;
  return [
    ...KEYMAP.flatMap((b) => wrap(`${b.hint.padEnd(keyWidth)}${b.help}`, width, hanging)),
    ...wrap(`In a prompt: ${PROMPT_KEYS.map((k) => `${k.hint} ${k.help}`).join(', ')}`, width, 2),
    ...wrap(`In the always-allow chooser: ${GRANT_KEYMAP.map((k) => `${k.hint} ${k.label}`).join(', ')}`, width, 2),
  ];
}

/** How many text rows one page of the overlay shows on a `width`×`height` screen with `banners` rows of banners. */
export function helpPage(height: number, banners: number): number {
  // One row is kept for the line that says how to page and close.
  return Math.max(1, height - OVERLAY_CHROME - banners - 1);
}

/** The box's inside width on a `width`-cell screen (borders and padding). */
export const helpWidth = (width: number) => Math.max(10, width - 4);
