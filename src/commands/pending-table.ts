import { truncateCells, wrapCells } from '../core/cells.js';
import { formatDuration } from '../core/duration.js';
import { escapeJson, escapeText } from '../core/escape.js';
import { oneLine } from '../core/summary.js';
import type { pendingView } from '../server/api.js';
import { columns } from './table.js';

export type PendingView = ReturnType<typeof pendingView>;

/** Cells of the INPUT column; a longer input is cut, ends in `…`, and the table says how to see it whole. */
const INPUT_CELLS = 60;

/** The table's cells for one call: agent, tool and input escaped (`oneLine`), the input cut by cells. */
function cells(p: PendingView, now: number): { row: string[]; cut: boolean } {
  const summary = oneLine(p.summary, INPUT_CELLS * 4);
  const input = truncateCells(summary, INPUT_CELLS);
  return {
    row: [
      oneLine(p.id, 40),
      formatDuration(now - Date.parse(p.receivedAt)),
      formatDuration(Math.max(0, Date.parse(p.deadline) - now)),
      oneLine(p.agentLabel, 20),
      oneLine(p.toolName, 24),
      input,
    ],
    // The server's summary is itself cut (at 200 characters, ending in …).
    cut: input !== summary || summary.endsWith('…'),
  };
}

/**
 * `cco pending`: columns aligned by terminal cells. When an input is cut, a last line names the
 * calls and how to see them whole.
 */
export function renderPendingTable(pending: readonly PendingView[], now = Date.now()): string {
  if (pending.length === 0) return 'No calls are waiting.';
  const built = pending.map((p) => cells(p, now));
  const lines = columns([['ID', 'AGE', 'LEFT', 'AGENT', 'TOOL', 'INPUT'], ...built.map((b) => b.row)]);
  const cut = pending.filter((_, i) => built[i]!.cut).map((p) => oneLine(p.id, 40));
  if (cut.length > 0) {
    const ids = cut.length <= 5 ? cut.join(' ') : `${cut.slice(0, 5).join(' ')} …`;
    lines.push(`… = cut. The whole input: cco pending ${ids} (or cco pending --full for every call).`);
  }
  return lines.join('\n');
}

/** `cco pending --json`: valid JSON, with bidi and invisible characters as `\uXXXX` escapes. */
export function pendingJson(pending: readonly PendingView[]): string {
  return `${escapeJson(JSON.stringify({ pending }, null, 2))}\n`;
}

/** A value's lines: a string's own lines, anything else as indented JSON. */
function valueLines(v: unknown): string[] {
  if (typeof v === 'string') return v === '' ? ['""'] : v.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  return (JSON.stringify(v, null, 2) ?? String(v)).split('\n');
}

/**
 * `cco pending ID` / `cco pending --full`: each call whole. A heading line (id, tool, agent, age,
 * time left), then each field of its input: the name, then the value, a string line by line
 * (its real newlines), anything else as JSON. Every line is escaped (`escapeText`: control and
 * invisible characters become visible `\uXXXX`) and nothing is cut: a line wider than `width`
 * cells continues on the next, which starts with `↳`.
 */
export function renderPendingFull(pending: readonly PendingView[], width: number, now = Date.now()): string {
  if (pending.length === 0) return 'No calls are waiting.';
  const room = Math.max(10, width - 4);
  const out: string[] = [];
  for (const p of pending) {
    if (out.length > 0) out.push('');
    const age = formatDuration(now - Date.parse(p.receivedAt));
    const left = formatDuration(Math.max(0, Date.parse(p.deadline) - now));
    out.push(
      ...wrapCells(`${escapeText(p.id)}  ${escapeText(p.toolName)}  from ${escapeText(p.agentLabel)}  waiting ${age}, ${left} left`, Math.max(10, width)),
    );
    const entries = Object.entries(p.input ?? {});
    if (entries.length === 0) out.push('  (no input)');
    for (const [key, value] of entries) {
      out.push(...wrapCells(`  ${escapeText(key)}:`, Math.max(10, width)));
      for (const line of valueLines(value)) {
        const pieces = wrapCells(escapeText(line), room);
        pieces.forEach((piece, i) => out.push(`${i === 0 ? '    ' : '  ↳ '}${piece}`));
      }
    }
  }
  return out.join('\n');
}

/** Cells a full view wraps at: the terminal's width, else $COLUMNS, else 100. */
export function outputWidth(stream: NodeJS.WriteStream = process.stdout): number {
  const fromEnv = Number(process.env.COLUMNS);
  const w = stream.isTTY && stream.columns ? stream.columns : Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100;
  return Math.max(20, w);
}
