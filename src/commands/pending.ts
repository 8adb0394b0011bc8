import { Command } from 'commander';
import { formatDuration } from '../core/duration.js';
import { oneLine } from '../core/summary.js';
import { ApiClient } from '../client/api-client.js';
import { ccoPaths } from '../store/paths.js';
import type { pendingView } from '../server/api.js';

type PendingView = ReturnType<typeof pendingView>;

export function renderPendingTable(pending: PendingView[], now = Date.now()): string {
  if (pending.length === 0) return 'No calls are waiting.';
  const rows = pending.map((p) => [
    p.id,
    formatDuration(now - Date.parse(p.receivedAt)),
    formatDuration(Math.max(0, Date.parse(p.deadline) - now)),
    oneLine(p.agentLabel, 20),
    oneLine(p.toolName, 24),
    oneLine(p.summary, 60),
  ]);
  const head = ['ID', 'AGE', 'LEFT', 'AGENT', 'TOOL', 'INPUT'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

export function pendingCommand(): Command {
  return new Command('pending')
    .description('list the calls waiting for a decision on the running server')
    .option('--json', 'print JSON (one object with a "pending" array)')
    .action(async (opts: { json?: boolean }) => {
      const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
      const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
      process.stdout.write(opts.json ? `${JSON.stringify({ pending }, null, 2)}\n` : `${renderPendingTable(pending)}\n`);
    });
}
