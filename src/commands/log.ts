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
    .option('--follow', 'then keep printing new decisions of the running server; waits through restarts like tail -F (Ctrl-C stops)')
    .option('--limit <n>', 'print the last N matching calls (0: all)', limitArg, 100)
    .option('--stats', 'counts per tool, agent and decision, and how long people took to decide')
    .action(async (opts: LogOptions) => {
      const view = await import('./log-view.js');
      const { forEachAuditRecord, lastEntries } = await import('../store/audit-read.js');
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
      // The last N calls are read from the end of the log: the cost is what is shown. Everything
      // else is read as a stream, holding only the calls to print (for --stats, every matching
      // call without its input, which the counts do not use).
      let entries: import('../core/audit.js').LogEntry[];
      if (!opts.stats && opts.limit > 0) entries = lastEntries(dir, opts.limit, match, warn);
      else {
        const window = new EntryWindow(opts.stats ? 0 : opts.limit, match, opts.stats ? withoutInputs : undefined);
        forEachAuditRecord(dir, warn, (r) => window.add(r));
        entries = window.result();
      }
      if (opts.stats) {
        const stats = view.logStats(entries);
        process.stdout.write(opts.json ? `${escapeJson(JSON.stringify(stats))}\n` : `${view.renderStats(stats)}\n`);
        return;
      }
      const shown = opts.limit > 0 ? entries.slice(-opts.limit) : entries;
      const rows = shown.map(view.tableRow);
      // Following, the header is printed even with no rows yet, wide enough for the rows to come.
      const widths = view.tableWidths(rows, opts.follow === true);
      if (opts.json) process.stdout.write(shown.map((e) => `${escapeJson(JSON.stringify(view.entryJson(e)))}\n`).join(''));
      else if (shown.length > 0 || opts.follow) process.stdout.write(`${view.renderTable(rows, widths)}\n`);
      else process.stdout.write('No logged calls match.\n');
      if (opts.follow) await (await import('./log-follow.js')).follow(opts.json === true, match, widths);
    });
}

function withoutInputs(e: import('../core/audit.js').LogEntry): import('../core/audit.js').LogEntry {
  const strip = (r: import('../core/audit.js').AuditRecord | undefined) => (r === undefined ? undefined : { ...r, input: {}, updatedInput: undefined });
  const request = strip(e.request);
  const decision = strip(e.decision);
  return { id: e.id, ...(request ? { request } : {}), ...(decision ? { decision } : {}) };
}
