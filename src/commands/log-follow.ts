/** `cco log --follow`: the running server's decisions printed as they happen, through restarts. */
import { closedPipes } from '../app/closed-pipe.js';
import { ApiClient } from '../client/api-client.js';
import { auditRecord, type AuditRecord, type LogEntry } from '../core/audit.js';
import { escapeJson } from '../core/escape.js';
import type { Decision } from '../core/types.js';
import { ccoPaths } from '../store/paths.js';
import { alignRow, entryJson, tableRow } from './log-view.js';

/** How often `cco log --follow` looks for a server while none is running. */
const FOLLOW_RETRY_MS = 500;

/**
 * Print each new decision of the running server as it happens, like `tail -F`: when the server
 * stops (or drops this stream), say so, wait for one to run again and go on. Ends on Ctrl-C or
 * when the reader of stdout goes away. Rows keep the columns of the header printed before them;
 * `--json` lines have the schema of `cco log --json` (the request's fields joined to the decision).
 */
export async function follow(json: boolean, match: (e: LogEntry) => boolean, widths: number[]): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  // `cco log --follow | head -3`: end when the reader goes away.
  void closedPipes().whenClosed.then(onSignal);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const sleep = (ms: number) => sleepUnless(stop.signal, ms);
  const rows = new FollowRows(json, match, widths);
  let waitingSaid = false;
  try {
    while (!stop.signal.aborted) {
      let client: ApiClient;
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
          const line = rows.line(event, data as FollowEvent);
          if (line !== undefined) process.stdout.write(line);
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
      waitingSaid = !(await sayWhyDropped(client.info.url));
      await sleep(FOLLOW_RETRY_MS);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/**
 * Waits `ms`, or less when `signal` aborts. Each wait takes its listener off the signal when it
 * ends: a follower waiting for hours for a server retries every half second.
 */
function sleepUnless(signal: AbortSignal, ms: number): Promise<void> {
  return new Promise<void>((r) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      r();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** After the stream ended: whether the server is still alive, said on stderr. */
async function sayWhyDropped(url: string): Promise<boolean> {
  // The server also drops a reader that falls far behind (output paused): say which it was.
  const alive = await fetch(`${url}/health`).then(
    (r) => r.ok,
    () => false,
  );
  process.stderr.write(
    alive
      ? 'cco: the server dropped this stream because it fell too far behind (was the output paused?); reconnecting. Decisions made meanwhile are in `cco log`.\n'
      : 'cco: the server stopped; waiting for it to start again (Ctrl-C stops).\n',
  );
  return alive;
}

/** The events of the stream as output lines: a decision that passes the filter, joined to its request. */
class FollowRows {
  /** Requests seen on this stream, so a decision prints with its request's fields (bounded). */
  private readonly requests = new Map<string, AuditRecord>();

  constructor(
    private readonly json: boolean,
    private readonly match: (e: LogEntry) => boolean,
    private readonly widths: number[],
  ) {}

  /** The text to print for an event (with its newline), or undefined. */
  line(event: string, d: FollowEvent): string | undefined {
    const call = { toolName: d.toolName, input: d.input ?? {}, agent: d.agent ?? {}, ...(d.toolUseId ? { toolUseId: d.toolUseId } : {}) };
    if (event === 'request') {
      const at = Date.parse(d.receivedAt ?? '');
      const deadline = Date.parse(d.deadline ?? '');
      if (Number.isFinite(at) && Number.isFinite(deadline)) {
        this.requests.set(d.id, auditRecord({ type: 'request', id: d.id, call, at, deadline, autoDecided: d.autoDecided === true }, d.agentLabel));
        if (this.requests.size > 10_000) this.requests.delete(this.requests.keys().next().value!);
      }
      return undefined;
    }
    if (event !== 'decision' || !d.decision) return undefined;
    const record = auditRecord({ type: 'decision', id: d.id, call, decision: d.decision, waitMs: d.waitMs ?? 0 }, d.agentLabel);
    const request = this.requests.get(d.id);
    this.requests.delete(d.id);
    const entry = { id: d.id, ...(request ? { request } : {}), decision: record };
    if (!this.match(entry)) return undefined;
    return this.json ? `${escapeJson(JSON.stringify(entryJson(entry)))}\n` : `${alignRow(tableRow(entry), this.widths)}\n`;
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
  decision?: Decision;
  waitMs?: number;
}
