import { cellWidth, padCells } from '../core/cells.js';

/**
 * Columns for the CLI tables, aligned by terminal cells (CJK and emoji take two, combining marks
 * none; see core/cells.ts), two spaces apart; the last column is not padded. Cells must already
 * be escaped (`escapeText`): a control character has no width to measure. Loaded only by the
 * commands that print a table, so `cco --help` does not pay for string-width.
 */
export function columns(rows: readonly (readonly string[])[], o: { indent?: string; trimEnd?: boolean } = {}): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? 0, cellWidth(r[i]!));
  }
  return rows.map((r) => {
    const line = (o.indent ?? '') + r.map((c, i) => (i === r.length - 1 ? c : padCells(c, widths[i]!))).join('  ');
    return o.trimEnd ? line.trimEnd() : line;
  });
}
