/**
 * Agent text for a multi-line view: split into real lines, and every other control character
 * (ESC, CR, C1, bidi overrides, line separators) made visible, so no escape sequence from an agent
 * reaches the terminal. Tabs become two spaces (a tab's width on screen is not ours to know).
 * Bounded: at most `maxLines` lines of at most `maxWidth` characters are produced.
 */
export function screenLines(text: string, maxLines = 2000, maxWidth = 1000): string[] {
  const out: string[] = [];
  let start = 0;
  while (start <= text.length && out.length < maxLines) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    out.push(escapeLine(text.slice(start, Math.min(end, start + maxWidth))));
    start = end + 1;
  }
  if (start <= text.length) out.push(`… ${countLines(text, start)} more lines`);
  return out;
}

function countLines(text: string, from: number): number {
  let n = 1;
  for (let i = text.indexOf('\n', from); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** One line with its control characters made visible (a trailing CR of a CRLF file is dropped). */
export function escapeLine(line: string): string {
  const s = line.endsWith('\r') ? line.slice(0, -1) : line;
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, (c) =>
    c === '\t' ? '  ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
