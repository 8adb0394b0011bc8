import { Command, InvalidArgumentError } from 'commander';
import { escapeJson } from '../core/escape.js';
import { ccoPaths } from '../store/paths.js';
import { closedPipes } from '../app/closed-pipe.js';
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
      if (opts.follow) await follow(opts, match, widths);
    });
}

function withoutInputs(e: import('../core/audit.js').LogEntry): import('../core/audit.js').LogEntry {
  const strip = (r: import('../core/audit.js').AuditRecord | undefined) => (r === undefined ? undefined : { ...r, input: {}, updatedInput: undefined });
  const request = strip(e.request);
  const decision = strip(e.decision);
  return { id: e.id, ...(request ? { request } : {}), ...(decision ? { decision } : {}) };
}

/** How often `cco log --follow` looks for a server while none is running. */
const FOLLOW_RETRY_MS = 500;

/**
 * Print each new decision of the running server as it happens, like `tail -F`: when the server
 * stops (or drops this stream), say so, wait for one to run again and go on. Ends on Ctrl-C or
 * when the reader of stdout goes away. Rows keep the columns of the header printed before them;
 * `--json` lines have the schema of `cco log --json` (the request's fields joined to the decision).
 */
async function follow(opts: LogOptions, match: (e: import('../core/audit.js').LogEntry) => boolean, widths: number[]): Promise<void> {
  const { ApiClient } = await import('../client/api-client.js');
  const { auditRecord } = await import('../core/audit.js');
  const view = await import('./log-view.js');
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // `cco log --follow | head -3`: end when the reader goes away.
  void closedPipes().whenClosed.then(onSignal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  // Each wait takes its listener off the signal when it ends: a follower waiting for hours for a
  // server retries every half second.
  const sleep = (ms: number) => new Promise<void>((r) => {
    const done = () => {
      clearTimeout(t);
      stop.signal.removeEventListener('abort', done);
      r();
    };
    const t = setTimeout(done, ms);
    stop.signal.addEventListener('abort', done, { once: true });
  });
  // Requests seen on this stream, so a decision prints with its request's fields (bounded).
  const requests = new Map<string, import('../core/audit.js').AuditRecord>();
  let waitingSaid = false;
  try {
    while (!stop.signal.aborted) {
      let client: InstanceType<typeof ApiClient>;
      try {
        client = await ApiClient.fromServerFile(ccoPaths().serverFile);
      } catch {
        if (!waitingSaid) process.stderr.write('cco: no server is running; waiting for one to start (Ctrl-C stops)\n');
        waitingSaid = true;
        await sleep(FOLLOW_RETRY_MS);
        continue;
      }
      let connected = false;
      try {
        for await (const { event, data } of client.events(stop.signal)) {
          if (event === 'hello') {
            connected = true;
            waitingSaid = false;
            process.stderr.write(`cco: following decisions at ${client.info.url} (Ctrl-C stops)\n`);
            continue;
          }
          const d = data as FollowEvent;
          const call = { toolName: d.toolName, input: d.input ?? {}, agent: d.agent ?? {}, ...(d.toolUseId ? { toolUseId: d.toolUseId } : {}) };
          if (event === 'request') {
            const at = Date.parse(d.receivedAt ?? '');
            const deadline = Date.parse(d.deadline ?? '');
            if (Number.isFinite(at) && Number.isFinite(deadline)) {
              requests.set(d.id, auditRecord({ type: 'request', id: d.id, call, at, deadline, autoDecided: d.autoDecided === true }, d.agentLabel));
              if (requests.size > 10_000) requests.delete(requests.keys().next().value!);
            }
            continue;
          }
          if (event !== 'decision' || !d.decision) continue;
          const record = auditRecord({ type: 'decision', id: d.id, call, decision: d.decision, waitMs: d.waitMs ?? 0 }, d.agentLabel);
          const request = requests.get(d.id);
          requests.delete(d.id);
          const entry = { id: d.id, ...(request ? { request } : {}), decision: record };
          if (!match(entry)) continue;
          process.stdout.write(opts.json ? `${escapeJson(JSON.stringify(view.entryJson(entry)))}\n` : `${view.alignRow(view.tableRow(entry), widths)}\n`);
        }
      } catch {
        // Refused or cut off: a server that did not answer yet is retried quietly.
        if (stop.signal.aborted) break;
        if (!connected) {
          await sleep(FOLLOW_RETRY_MS);
          continue;
        }
      }
      if (stop.signal.aborted) break;
      // The server also drops a reader that falls far behind (output paused): say which it was.
      const alive = await fetch(`${client.info.url}/health`).then((r) => r.ok, () => false);
      process.stderr.write(
        alive
          ? 'cco: the server dropped this stream because it fell too far behind (was the output paused?); reconnecting. Decisions made meanwhile are in `cco log`.\n'
          : 'cco: the server stopped; waiting for it to start again (Ctrl-C stops).\n',
      );
      waitingSaid = !alive;
      await sleep(FOLLOW_RETRY_MS);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** What `/api/events` sends for a request or a decision (see server/api.ts). */
interface FollowEvent {
  id: string;
  toolName: string;
  input?: Record<string, unknown>;
  toolUseId?: string;
  agent?: object;
  agentLabel: string;
  receivedAt?: string;
  deadline?: string;
  autoDecided?: boolean;
  decision?: import('../core/types.js').Decision;
  waitMs?: number;
}
