/**
 * Replay a candidate rule against past traffic: of the last asks in the audit log (calls a person
 * was asked about), how many the rule would have allowed, and which of those the person denied.
 * Pure: it is given the log entries (reading the log is the store's job) and the engine options.
 */
import type { LogEntry } from './audit.js';
import { compileRules } from './rules/engine.js';
import type { EngineOptions, Rule } from './rules/types.js';
import { primaryText } from './summary.js';
import type { ToolCall } from './types.js';

/** Decisions recorded as denials that no person (and no timeout) made. */
const NOT_DENIED_BY_ANYONE: ReadonlySet<string> = new Set(['elsewhere', 'cancelled', 'shutdown', 'interrupted']);

/** How many past asks a preview looks at, at most. */
export const REPLAY_LIMIT = 200;

export interface ReplayDenied {
  id: string;
  /** Epoch ms of the decision. */
  at: number;
  /** The call's main text (command, path, URL), unescaped: agent text, escape it to print. */
  text: string;
}

export interface Replay {
  /** The asks looked at (at most the limit). */
  asks: number;
  /** Of them, those the rule would have allowed. */
  allowed: number;
  /** Of those, the ones a person (or the timeout) denied: newest first. */
  denied: ReplayDenied[];
}

/** Whether a log entry was an ask: a request that waited for someone, and was decided. */
export function isAsk(e: LogEntry): boolean {
  return e.request !== undefined && e.request.autoDecided === false && e.decision !== undefined;
}

/** The call of a log entry, as the engine sees it (with the agent's name, session and cwd). */
export function entryCall(e: LogEntry): ToolCall | undefined {
  const r = e.request ?? e.decision;
  if (r === undefined || typeof r.tool !== 'string') return undefined;
  const agent = {
    ...(r.agent ? { name: r.agent } : {}),
    ...(r.sessionId ? { sessionId: r.sessionId } : {}),
    ...(r.client ? { client: r.client } : {}),
    ...(r.cwd ? { cwd: r.cwd } : {}),
    ...(r.route ? { route: r.route } : {}),
    // A hook call's session is Claude's own id: session-scoped rules compare it.
    ...(r.conversationId ? { conversationId: r.conversationId } : {}),
  };
  return { toolName: r.tool, input: r.input ?? {}, agent };
}

/**
 * What `rule` (an allow rule; its `expires` is left out, the question is what it covers) would
 * have done to the last `limit` asks among `entries` (oldest first, as the log holds them). A rule
 * that does not compile throws, as compileRules does.
 */
export function replayRule(rule: Rule, entries: readonly LogEntry[], opts: EngineOptions, limit = REPLAY_LIMIT): Replay {
  const { expires: _expires, ...covered } = rule;
  const set = compileRules([{ ...covered, id: 'replay', action: 'allow', enabled: true }], opts);
  const asks = entries.filter(isAsk).slice(-limit);
  let allowed = 0;
  const denied: ReplayDenied[] = [];
  for (const e of asks) {
    const call = entryCall(e);
    if (call === undefined) continue;
    let hit: boolean;
    try {
      hit = set.evaluate(call).decidedBy === 'rule:replay';
    } catch {
      hit = false;
    }
    if (!hit) continue;
    allowed++;
    const d = e.decision;
    // Answered at the agent's own prompt or withdrawn: no one denied it in cco.
    if (d?.behavior === 'deny' && !NOT_DENIED_BY_ANYONE.has(d.decidedBy ?? ''))
      denied.push({ id: e.id, at: Date.parse(d.time), text: primaryText(call) ?? call.toolName });
  }
  denied.reverse();
  return { asks: asks.length, allowed, denied };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * One line for people: `would have allowed 14 of the last 200 asks, 2 of which you denied:
 * `git push --force` (2 Aug)`. `show` prints agent text (pass the one escaping function); dates are UTC.
 */
export function replayLine(r: Replay, show: (text: string) => string): string {
  if (r.asks === 0) return 'no past asks in the audit log to compare with';
  const head = `would have allowed ${r.allowed} of the last ${r.asks} ${r.asks === 1 ? 'ask' : 'asks'}`;
  if (r.denied.length === 0) return r.allowed === 0 ? head : `${head}, none of which you denied`;
  const first = r.denied[0] as ReplayDenied;
  const d = new Date(first.at);
  const when = Number.isNaN(d.getTime()) ? '' : ` (${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]})`;
  const more = r.denied.length > 1 ? `, and ${r.denied.length - 1} more` : '';
  return `${head}, ${r.denied.length} of which you denied: \`${show(first.text.length > 60 ? `${first.text.slice(0, 59)}…` : first.text)}\`${when}${more}`;
}
