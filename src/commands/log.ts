import { Command, InvalidArgumentError } from 'commander';
import { escapeJson } from '../core/escape.js';
import { ccoPaths } from '../store/paths.js';
import type { DecisionFilter } from './log-view.js';

interface LogOptions {
  since?: string;
  until?: string;
  agent?: string;
  tool?: string;
  decision?: DecisionFilter;
  grep?: string;
  json?: boolean;
  follow?: boolean;
  limit: number;
  stats?: boolean;
}

const DECISIONS = ['allow', 'deny', 'ask', 'timeout', 'cancelled', 'elsewhere', 'interrupted', 'guard'];

function decisionArg(value: string): DecisionFilter {
  if (!DECISIONS.includes(value)) throw new InvalidArgumentError(`use one of ${DECISIONS.join(', ')}.`);
  return value as DecisionFilter;
}

function limitArg(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('use a whole number (0 for no limit).');
  return n;
}

export function logCommand(): Command {
  return new Command('log')
    .description('show the audit log: every call, who decided it and how long it waited')
    .option('--since <when>', 'only calls since a duration ago (2h, 1d) or a date (2026-11-24)')
    .option('--until <when>', 'only calls until a duration ago or a date')
    .option('--agent <glob>', "only calls of matching agents (name, or label like 'claude-code#3f9a')")
    .option('--tool <glob>', 'only calls of matching tools (Bash, mcp__github__*)')
    .option('--decision <kind>', `only ${DECISIONS.join(', ')} (ask: calls that waited for a person)`, decisionArg)
    .option('--grep <text>', 'only calls whose tool, agent, input or message contains the text (any case)')
    .option('--json', 'print JSON Lines, one call per line')
    .option('--follow', 'then keep printing new decisions from the running server (Ctrl-C stops)')
    .option('--limit <n>', 'print the last N matching calls (0: all)', limitArg, 100)
    .option('--stats', 'counts per tool, agent and decision, and how long people took to decide')
    .action(async (opts: LogOptions) => {
      const view = await import('./log-view.js');
      const { forEachAuditRecord } = await import('../store/audit.js');
      const { EntryWindow } = await import('../core/audit.js');
      const now = Date.now();
      const match = view.matcher({
        ...(opts.since ? { since: view.parseWhen(opts.since, now, '--since') } : {}),
        ...(opts.until ? { until: view.parseWhen(opts.until, now, '--until') } : {}),
        ...(opts.agent ? { agent: opts.agent } : {}),
        ...(opts.tool ? { tool: opts.tool } : {}),
        ...(opts.decision ? { decision: opts.decision } : {}),
        ...(opts.grep ? { grep: opts.grep } : {}),
      });
      const dir = ccoPaths().stateDir;
      const warn = (m: string) => process.stderr.write(`cco: warning: ${m}\n`);
      // Read as a stream: only the calls to print are held (for --stats, every matching call
      // without its input, which the counts do not use).
      const window = new EntryWindow(opts.stats ? 0 : opts.limit, match, opts.stats ? withoutInputs : undefined);
      forEachAuditRecord(dir, warn, (r) => window.add(r));
      const entries = window.result();
      if (opts.stats) {
        const stats = view.logStats(entries);
        process.stdout.write(opts.json ? `${escapeJson(JSON.stringify(stats))}\n` : `${view.renderStats(stats)}\n`);
        return;
      }
      const shown = opts.limit > 0 ? entries.slice(-opts.limit) : entries;
      if (opts.json) process.stdout.write(shown.map((e) => `${escapeJson(JSON.stringify(view.entryJson(e)))}\n`).join(''));
      else if (shown.length > 0 || !opts.follow) process.stdout.write(`${view.renderTable(shown.map(view.tableRow))}\n`);
      if (opts.follow) await follow(opts, match);
    });
}

function withoutInputs(e: import('../core/audit.js').LogEntry): import('../core/audit.js').LogEntry {
  const strip = (r: import('../core/audit.js').AuditRecord | undefined) => (r === undefined ? undefined : { ...r, input: {}, updatedInput: undefined });
  const request = strip(e.request);
  const decision = strip(e.decision);
  return { id: e.id, ...(request ? { request } : {}), ...(decision ? { decision } : {}) };
}

/** Print each new decision of the running server as it happens, until it stops or Ctrl-C. */
async function follow(opts: LogOptions, match: (e: import('../core/audit.js').LogEntry) => boolean): Promise<void> {
  const { ApiClient } = await import('../client/api-client.js');
  const { auditRecord } = await import('../core/audit.js');
  const view = await import('./log-view.js');
  const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    for await (const { event, data } of client.events(stop.signal)) {
      if (event === 'hello') process.stderr.write(`cco: following decisions at ${client.info.url} (Ctrl-C stops)\n`);
      if (event !== 'decision') continue;
      const d = data as { id: string; toolName: string; input?: Record<string, unknown>; toolUseId?: string; agent?: object; agentLabel: string; decision: never; waitMs: number };
      const call = { toolName: d.toolName, input: d.input ?? {}, agent: d.agent ?? {}, ...(d.toolUseId ? { toolUseId: d.toolUseId } : {}) };
      const record = auditRecord({ type: 'decision', id: d.id, call, decision: d.decision, waitMs: d.waitMs }, d.agentLabel);
      const entry = { id: d.id, decision: record };
      if (!match(entry)) continue;
      process.stdout.write(opts.json ? `${escapeJson(JSON.stringify(view.entryJson(entry)))}\n` : `${view.tableRow(entry).join('  ')}\n`);
    }
    if (!stop.signal.aborted) {
      // The server also drops a reader that falls far behind (output paused): say which it was.
      const alive = await fetch(`${client.info.url}/health`).then((r) => r.ok, () => false);
      process.stderr.write(
        alive
          ? 'cco: the server dropped this stream because it fell too far behind (was the output paused?). Run the command again to resume.\n'
          : 'cco: the server stopped; no more decisions to follow.\n',
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
