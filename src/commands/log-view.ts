/** What `cco log` shows: filters over logged calls, the table, JSON lines and statistics. */
import picomatch from 'picomatch/posix.js';
import type { AuditRecord, LogEntry } from '../core/audit.js';
import { formatDuration, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import { oneLine, summarizeInput } from '../core/summary.js';
import { cellWidth, padCells } from '../core/cells.js';
import { columns } from './table.js';

export const DECISIONS = ['allow', 'deny', 'ask', 'timeout', 'cancelled', 'elsewhere', 'interrupted', 'guard'] as const;
export type DecisionFilter = (typeof DECISIONS)[number];

export interface LogFilter {
  since?: number;
  until?: number;
  agent?: string;
  tool?: string;
  decision?: DecisionFilter;
  grep?: string;
}

/** `2h` (that long ago) or a date/time `Date.parse` understands (`2026-11-24`, ISO). */
export function parseWhen(text: string, now: number, option: string): number {
  try {
    return now - parseDuration(text);
  } catch {
    const t = Date.parse(text);
    if (Number.isFinite(t)) return t;
    throw new UserError(`${option} "${text}" is neither a duration (30m, 2h, 1d) nor a date (2026-11-24, 2026-11-24T15:00).`);
  }
}

/** The record that describes the call best: the decision when there is one. */
const main = (e: LogEntry): AuditRecord => (e.decision ?? e.request)!;
/** When the call arrived (or, if its request was rotated away, when it was decided). */
export const entryTime = (e: LogEntry): number => Date.parse((e.request ?? e.decision)!.time);

/** Build the filter predicate once (globs compiled once, not per entry). */
export function matcher(f: LogFilter): (e: LogEntry) => boolean {
  const agent = f.agent ? picomatch(f.agent, { dot: true }) : undefined;
  const tool = f.tool ? picomatch(f.tool, { dot: true }) : undefined;
  const grep = f.grep?.toLowerCase();
  return (e) => {
    const r = main(e);
    const t = entryTime(e);
    if (f.since !== undefined && t < f.since) return false;
    if (f.until !== undefined && t > f.until) return false;
    if (agent && !agent(r.agent ?? '') && !agent(r.agentLabel)) return false;
    if (tool && !tool(r.tool)) return false;
    if (f.decision && !decisionMatches(e, f.decision)) return false;
    if (grep && !someText([r.tool, r.agentLabel, r.input, r.message, r.updatedInput], (t) => t.toLowerCase().includes(grep))) return false;
    return true;
  };
}

/** Whether any string value inside `value` (not its JSON spelling) satisfies `test`. */
function someText(value: unknown, test: (text: string) => boolean, depth = 0): boolean {
  if (typeof value === 'string') return test(value);
  if (typeof value === 'number' || typeof value === 'boolean') return test(String(value));
  if (value === null || typeof value !== 'object' || depth > 20) return false;
  return Object.values(value).some((v) => someText(v, test, depth + 1));
}

function decisionMatches(e: LogEntry, want: DecisionFilter): boolean {
  const d = e.decision;
  switch (want) {
    case 'allow':
      return d?.behavior === want;
    case 'deny':
      // A call answered at the agent's own prompt was denied by nobody.
      return d?.behavior === want && d.decidedBy !== 'elsewhere';
    case 'ask':
      // Sent to a person: still waiting, or waited (whoever decided in the end).
      return e.request ? e.request.autoDecided === false : d?.decidedBy === 'user';
    default:
      return d?.decidedBy === want;
  }
}

/** One call as one JSON object (`cco log --json`): the request's fields plus the decision's. */
export function entryJson(e: LogEntry): Record<string, unknown> {
  const { event: _e, autoDecided, deadline, ...base } = e.request ?? e.decision!;
  const d = e.decision;
  return {
    ...base,
    time: (e.request ?? d)!.time,
    ...(autoDecided !== undefined ? { autoDecided } : {}),
    ...(deadline !== undefined ? { deadline } : {}),
    decision: d?.behavior ?? 'pending',
    ...(d
      ? {
          decidedBy: d.decidedBy,
          ...(d.person !== undefined ? { person: d.person } : {}),
          decidedAt: d.time,
          ...(d.message !== undefined ? { message: d.message } : {}),
          ...(d.edited ? { edited: true, updatedInput: d.updatedInput } : {}),
          ...(d.interrupt ? { interrupt: true } : {}),
          waitMs: d.waitMs,
        }
      : {}),
  };
}

const pad2 = (n: number) => String(n).padStart(2, '0');
function localTime(t: number): string {
  const d = new Date(t);
  return `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

function outcome(e: LogEntry): string {
  const d = e.decision;
  if (!d) return 'waiting';
  if (d.decidedBy === 'elsewhere') return 'answered elsewhere';
  if (d.behavior === 'allow') return d.edited ? 'allowed edited' : 'allowed';
  return d.interrupt ? 'denied, stopped' : 'denied';
}

/** Who decided a person's decision: the token's name (`alice`), or `user` in logs from before names. */
const personOf = (d: AuditRecord) => (typeof d.person === 'string' ? escapeText(d.person) : 'user');

/** One row of the `cco log` table, every cell escaped. */
export function tableRow(e: LogEntry): string[] {
  const r = main(e);
  const d = e.decision;
  return [
    localTime(entryTime(e)),
    escapeText(r.id),
    oneLine(r.agentLabel, 20),
    oneLine(r.tool, 24),
    outcome(e),
    d
      ? d.decidedBy === 'user'
        ? `${personOf(d)}${typeof d.savedRule === 'string' ? ` · saved ${escapeText(d.savedRule)}` : ''}`
        : escapeText(String(d.decidedBy))
      : '',
    d?.waitMs !== undefined ? formatDuration(d.waitMs) : '',
    // An edited call ran as edited: show what ran.
    summarizeInput({ toolName: r.tool, input: d?.edited && d.updatedInput ? d.updatedInput : r.input }, 60),
  ];
}

const HEAD = ['TIME', 'ID', 'AGENT', 'TOOL', 'DECISION', 'BY', 'WAIT', 'SUMMARY'];
/** Columns wide enough for most rows, for `--follow`, whose rows arrive after the header. */
const FOLLOW_WIDTHS = [19, 8, 20, 24, 16, 12, 6];

/** The width of each column but the last: the widest cell, and with `follow` at least FOLLOW_WIDTHS. */
export function tableWidths(rows: readonly (readonly string[])[], follow: boolean): number[] {
  const widths = HEAD.slice(0, -1).map((h, i) => Math.max(cellWidth(h), follow ? FOLLOW_WIDTHS[i]! : 0));
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, cellWidth(r[i] ?? ''));
  return widths;
}

/** One row padded to `widths` (a cell wider than its column pushes the rest right, never cut). */
export function alignRow(row: readonly string[], widths: readonly number[]): string {
  return row.map((c, i) => (i < widths.length ? padCells(c, widths[i]!) : c)).join('  ');
}

/** Rows from `tableRow` (already escaped) under the header, aligned by terminal cells. */
export function renderTable(rows: readonly (readonly string[])[], widths = tableWidths(rows, false)): string {
  return [HEAD, ...rows].map((r) => alignRow(r, widths)).join('\n');
}

/** Median (mean of the middle two for an even count) and nearest-rank p90, in ms. */
export function waitStats(waits: number[]): { count: number; medianMs?: number; p90Ms?: number } {
  const s = [...waits].sort((a, b) => a - b);
  const n = s.length;
  if (n === 0) return { count: 0 };
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return { count: n, medianMs: median, p90Ms: s[Math.ceil(0.9 * n) - 1]! };
}

export interface LogStats {
  calls: number;
  byTool: Record<string, number>;
  byAgent: Record<string, number>;
  /** allow, deny or pending. */
  byDecision: Record<string, number>;
  /** user, rule:<id>, default, timeout, … */
  byDecidedBy: Record<string, number>;
  /** Decisions made by a person. */
  personWait: { count: number; medianMs?: number; p90Ms?: number };
}

export function logStats(entries: readonly LogEntry[]): LogStats {
  const inc = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);
  const stats: LogStats = { calls: entries.length, byTool: {}, byAgent: {}, byDecision: {}, byDecidedBy: {}, personWait: { count: 0 } };
  const waits: number[] = [];
  for (const e of entries) {
    const r = main(e);
    inc(stats.byTool, r.tool);
    inc(stats.byAgent, r.agentLabel);
    inc(stats.byDecision, e.decision?.behavior ?? 'pending');
    if (e.decision?.decidedBy) inc(stats.byDecidedBy, e.decision.decidedBy);
    if (e.decision?.decidedBy === 'user' && e.decision.waitMs !== undefined) waits.push(e.decision.waitMs);
  }
  stats.personWait = waitStats(waits);
  return stats;
}

export function renderStats(s: LogStats): string {
  const block = (title: string, m: Record<string, number>) => {
    const rows = Object.entries(m).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    return [
      `${title}:`,
      ...columns(
        rows.map(([k, n]) => [oneLine(k, 40), String(n)]),
        { indent: '  ' },
      ),
    ].join('\n');
  };
  const w = s.personWait;
  const wait =
    w.count === 0
      ? 'Wait for a person: no decisions by a person.'
      : `Wait for a person (${w.count} decisions): median ${formatDuration(w.medianMs!)}, p90 ${formatDuration(w.p90Ms!)}`;
  return [
    `${s.calls} calls`,
    block('By tool', s.byTool),
    block('By agent', s.byAgent),
    block('By decision', s.byDecision),
    block('Decided by', s.byDecidedBy),
    wait,
  ].join('\n');
}
