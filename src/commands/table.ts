import stringWidth from 'string-width';

/**
 * Columns for the CLI tables, aligned by terminal cells (CJK and emoji take two, combining marks
 * none), two spaces apart; the last column is not padded. Cells must already be escaped
 * (`escapeText`): a control character has no width to measure. Loaded only by the commands that
 * print a table, so `cco --help` does not pay for string-width.
 */
export function columns(rows: readonly (readonly string[])[], o: { indent?: string; trimEnd?: boolean } = {}): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? 0, stringWidth(r[i]!));
  }
  return rows.map((r) => {
    const line = (o.indent ?? '') + r.map((c, i) => (i === r.length - 1 ? c : padCells(c, widths[i]!))).join('  ');
    return o.trimEnd ? line.trimEnd() : line;
  });
}

/** `s` padded with spaces to `width` terminal cells. */
export function padCells(s: string, width: number): string {
  const w = stringWidth(s);
  return w >= width ? s : s + ' '.repeat(width - w);
}

export { stringWidth as cellWidth };
