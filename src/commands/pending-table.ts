import { formatDuration } from '../core/duration.js';
import { escapeJson } from '../core/escape.js';
import { oneLine } from '../core/summary.js';
import type { pendingView } from '../server/api.js';
import { columns } from './table.js';

export type PendingView = ReturnType<typeof pendingView>;

/** `cco pending`: agent, tool and input escaped (`oneLine`), columns aligned by terminal cells. */
export function renderPendingTable(pending: PendingView[], now = Date.now()): string {
  if (pending.length === 0) return 'No calls are waiting.';
  const rows = pending.map((p) => [
    oneLine(p.id, 40),
    formatDuration(now - Date.parse(p.receivedAt)),
    formatDuration(Math.max(0, Date.parse(p.deadline) - now)),
    oneLine(p.agentLabel, 20),
    oneLine(p.toolName, 24),
    oneLine(p.summary, 60),
  ]);
  return columns([['ID', 'AGE', 'LEFT', 'AGENT', 'TOOL', 'INPUT'], ...rows]).join('\n');
}

/** `cco pending --json`: valid JSON, with bidi and invisible characters as `\uXXXX` escapes. */
export function pendingJson(pending: PendingView[]): string {
  return `${escapeJson(JSON.stringify({ pending }, null, 2))}\n`;
}
