import type { Rule } from './rules/types.js';
import type { Behavior, BrokerEvent, CallRoute, DecidedBy, DecidedCall, ToolCall } from './types.js';

/**
 * One line of the audit log (JSON Lines). A request line when a call arrives; a decision line
 * when it is decided (by a person, a rule, the default, the timeout, shutdown, the agent
 * cancelling, an error, or `interrupted` when cco died first). Every line stands on its own.
 */
export interface AuditRecord {
  /** ISO time of the event. */
  time: string;
  event: 'request' | 'decision';
  /** cco's call id (`cco approve <id>`). */
  id: string;
  toolUseId?: string;
  /** The agent's name, when it was given one. */
  agent?: string;
  /** How the console shows the agent: its name, else `client#sess`. */
  agentLabel: string;
  sessionId?: string;
  client?: { name: string; version?: string };
  cwd?: string;
  /** How the call reached cco, when not the MCP prompt tool (`claude-hook`). */
  route?: CallRoute;
  /** The agent's own conversation id (Claude Code hooks: `session_id`). */
  conversationId?: string;
  permissionMode?: string;
  tool: string;
  input: Record<string, unknown>;
  /** Request only: decided at once by a rule or the default, without waiting. */
  autoDecided?: boolean;
  /** Request only: ISO time the call times out. */
  deadline?: string;
  /** Decision only. */
  behavior?: Behavior;
  decidedBy?: DecidedBy;
  /** Decision only, by a person: who (a named token's name, or the OS user at the console). */
  person?: string;
  message?: string;
  edited?: boolean;
  /** Decision only, when edited: what actually ran. */
  updatedInput?: Record<string, unknown>;
  interrupt?: boolean;
  /** Decision only: the rule a person saved with this allow (`r7 for 1h`). */
  savedRule?: string;
  /** Decision only: permission updates the agent was told to save itself (write-back). */
  updatedPermissions?: unknown[];
  /** Decision only: ms from arrival to decision. */
  waitMs?: number;
}

/**
 * The input is recorded whole, however long: a stub or a cut would let a padded call keep what
 * matters out of the record. Its size is bounded before it gets here: the HTTP body limit
 * (MAX_BODY_BYTES, 1 MiB) bounds every call's input, and a person's edit is of that input.
 */
function callFields(id: string, call: ToolCall, label: string) {
  const a = call.agent ?? {};
  return {
    id,
    ...(call.toolUseId ? { toolUseId: call.toolUseId } : {}),
    ...(a.name ? { agent: a.name } : {}),
    agentLabel: label,
    ...(a.sessionId ? { sessionId: a.sessionId } : {}),
    ...(a.client ? { client: a.client } : {}),
    ...(a.cwd ? { cwd: a.cwd } : {}),
    ...(a.route && a.route !== 'mcp' ? { route: a.route } : {}),
    ...(a.conversationId ? { conversationId: a.conversationId } : {}),
    ...(a.permissionMode ? { permissionMode: a.permissionMode } : {}),
    tool: call.toolName,
    input: call.input,
  };
}

/** The audit line for one broker event. `label` is the agent as shown (agentLabel). */
export function auditRecord(e: BrokerEvent, label: string): AuditRecord {
  if (e.type === 'request') {
    return {
      time: new Date(e.at).toISOString(),
      event: 'request',
      ...callFields(e.id, e.call, label),
      autoDecided: e.autoDecided,
      deadline: new Date(e.deadline).toISOString(),
    };
  }
  const d = e.decision;
  return {
    time: new Date(d.at).toISOString(),
    event: 'decision',
    ...callFields(e.id, e.call, label),
    behavior: d.behavior,
    decidedBy: d.decidedBy,
    ...(d.person !== undefined ? { person: d.person } : {}),
    ...(d.message !== undefined ? { message: d.message } : {}),
    ...(d.edited ? { edited: true, updatedInput: d.updatedInput ?? {} } : {}),
    ...(d.interrupt ? { interrupt: true } : {}),
    ...(d.savedRule ? { savedRule: d.savedRule } : {}),
    ...(d.updatedPermissions?.length ? { updatedPermissions: [...d.updatedPermissions] } : {}),
    waitMs: e.waitMs,
  };
}

export const INTERRUPTED_MESSAGE =
  'No decision was recorded for this call: cco stopped (crashed or was killed) before deciding it, or its decision could not be written to this log.';

/** The decision line that closes a call left waiting by a cco that died. */
export function interruptedRecord(request: AuditRecord, now: number): AuditRecord {
  const { autoDecided: _a, deadline: _d, ...rest } = request;
  return {
    ...rest,
    time: new Date(now).toISOString(),
    event: 'decision',
    behavior: 'deny',
    decidedBy: 'interrupted',
    message: INTERRUPTED_MESSAGE,
    waitMs: Math.max(0, now - Date.parse(request.time)),
  };
}

/** A call as the log shows it: its request and, once decided, its decision. */
export interface LogEntry {
  id: string;
  request?: AuditRecord;
  decision?: AuditRecord;
}

/**
 * Pair request and decision lines (oldest first in, oldest first out). A decision pairs with
 * the latest open request of its id; a decision whose request was rotated away stands alone.
 */
export function pairRecords(records: readonly AuditRecord[]): LogEntry[] {
  const entries: LogEntry[] = [];
  const open = new Map<string, LogEntry>();
  for (const r of records) {
    if (r.event === 'request') {
      const entry: LogEntry = { id: r.id, request: r };
      open.set(r.id, entry);
      entries.push(entry);
    } else {
      const entry = open.get(r.id);
      if (entry) {
        entry.decision = r;
        open.delete(r.id);
      } else entries.push({ id: r.id, decision: r });
    }
  }
  return entries;
}

/** Requests that never got a decision line: calls that were waiting when cco died. */
export function unanswered(entries: readonly LogEntry[]): AuditRecord[] {
  return entries.filter((e) => e.request && !e.decision).map((e) => e.request!);
}

/**
 * Pairs records as they are read (oldest first) and keeps, in log order, the last `max` entries
 * that are decided and pass `keep` (all of them when `max` is 0), so a reader of a log of any
 * size holds a bounded number of entries: those, the calls still waiting, and at most `max`
 * more between compactions. The same pairing as pairRecords.
 */
export class EntryWindow {
  private list: LogEntry[] = [];
  private readonly open = new Map<string, LogEntry>();
  /** Decided entries already tested against `keep` (and shrunk). */
  private readonly checked = new WeakSet<LogEntry>();
  private added = 0;

  constructor(
    private readonly max: number,
    private readonly keep: (e: LogEntry) => boolean = () => true,
    /** Applied to an entry once it is complete and kept (e.g. dropping what a caller does not need). */
    private readonly shrink?: (e: LogEntry) => LogEntry,
  ) {}

  add(r: AuditRecord): void {
    if (r.event === 'request') {
      const entry: LogEntry = { id: r.id, request: r };
      this.open.set(r.id, entry);
      this.list.push(entry);
    } else {
      const entry = this.open.get(r.id);
      if (entry) {
        entry.decision = r;
        this.open.delete(r.id);
      } else this.list.push({ id: r.id, decision: r });
    }
    // With a limit, when the list holds twice it; without one, every few thousand records (which
    // drops what `keep` refuses and shrinks what it keeps).
    this.added++;
    if (this.max > 0 ? this.list.length >= 2 * this.max + this.open.size + 64 : this.added >= 4096) this.compact();
  }

  /** The calls still without a decision, oldest first. */
  waiting(): AuditRecord[] {
    return [...this.open.values()].map((e) => e.request!);
  }

  /** Every open call and every kept decided one, in log order (open ones may be dropped by `keep` later). */
  entries(): LogEntry[] {
    this.compact();
    return this.list;
  }

  /** The kept entries: decided and passing `keep`, the last `max` of them. */
  result(): LogEntry[] {
    const out = this.entries().filter((e) => (e.decision === undefined ? this.keep(e) : true));
    return this.max > 0 ? out.slice(-this.max) : out;
  }

  private compact(): void {
    // From the newest back: an entry with `max` kept decided entries after it can never be among
    // the last `max`. Decided entries that fail `keep` go at once; open ones stay until decided.
    this.added = 0;
    const out: LogEntry[] = [];
    let after = 0;
    for (let i = this.list.length - 1; i >= 0; i--) {
      const e = this.list[i] as LogEntry;
      const decided = e.decision !== undefined;
      if (this.max > 0 && after >= this.max) continue;
      if (decided) {
        if (this.checked.has(e)) {
          out.push(e);
          after++;
          continue;
        }
        if (!this.keep(e)) continue;
        const small = this.shrink ? this.shrink(e) : e;
        this.checked.add(small);
        out.push(small);
        after++;
      } else out.push(e);
    }
    this.list = out.reverse();
  }
}

/** The decided calls of the log as the broker's history, newest first. */
export function toDecidedCalls(entries: readonly LogEntry[], max: number): DecidedCall[] {
  const out: DecidedCall[] = [];
  for (let i = entries.length - 1; i >= 0 && out.length < max; i--) {
    const d = entries[i]!.decision;
    if (!d || !d.behavior || !d.decidedBy) continue;
    const at = Date.parse(d.time);
    const receivedAt = at - (d.waitMs ?? 0);
    const call: ToolCall = {
      toolName: d.tool,
      input: d.input,
      ...(d.toolUseId ? { toolUseId: d.toolUseId } : {}),
      agent: {
        ...(d.agent ? { name: d.agent } : {}),
        ...(d.sessionId ? { sessionId: d.sessionId } : {}),
        ...(d.client ? { client: d.client } : {}),
        ...(d.cwd ? { cwd: d.cwd } : {}),
        ...(d.route ? { route: d.route } : {}),
        ...(d.conversationId ? { conversationId: d.conversationId } : {}),
        ...(d.permissionMode ? { permissionMode: d.permissionMode } : {}),
      },
    };
    out.push({
      id: d.id,
      call,
      receivedAt,
      deadline: entries[i]!.request?.deadline ? Date.parse(entries[i]!.request!.deadline!) : at,
      decision: {
        behavior: d.behavior,
        decidedBy: d.decidedBy,
        at,
        ...(d.message !== undefined ? { message: d.message } : {}),
        ...(d.behavior === 'allow' ? { updatedInput: d.updatedInput ?? d.input } : {}),
        ...(d.edited ? { edited: true } : {}),
        ...(typeof d.savedRule === 'string' ? { savedRule: d.savedRule } : {}),
        ...(typeof d.person === 'string' ? { person: d.person } : {}),
      },
    });
  }
  return out;
}

/** Is `value` a plausible audit line (read back from disk, so checked)? */
export function isAuditRecord(value: unknown): value is AuditRecord {
  if (typeof value !== 'object' || value === null) return false;
  const r = value as Partial<AuditRecord>;
  return (
    (r.event === 'request' || r.event === 'decision') &&
    typeof r.id === 'string' &&
    typeof r.time === 'string' &&
    typeof r.tool === 'string' &&
    typeof r.input === 'object' &&
    r.input !== null
  );
}

/**
 * A line about a rule rather than a call: a scoped rule that expired (on the server's clock).
 * Readers of calls skip these lines (forEachAuditRecord); they are in the file for the record.
 */
export interface RuleAuditRecord {
  time: string;
  event: 'rule';
  /** The rule's id. */
  id: string;
  change: 'expired';
  pattern: string;
  session?: string;
  agent?: string;
  cwd?: string;
  /** ISO time the rule was set to expire. */
  expires: string;
}

/** The rules of `rules` whose `expires` falls in (from, to]: those that ended since the last look. */
export function expiredBetween(rules: readonly Rule[], from: number, to: number): Rule[] {
  return rules.filter((r) => r.expires !== undefined && r.expires > from && r.expires <= to);
}

/** The audit line for a rule that expired. */
export function ruleExpiredRecord(rule: Rule, now: number): RuleAuditRecord {
  return {
    time: new Date(now).toISOString(),
    event: 'rule',
    id: rule.id,
    change: 'expired',
    pattern: rule.pattern,
    ...(rule.session !== undefined ? { session: rule.session } : {}),
    ...(rule.agent !== undefined ? { agent: rule.agent } : {}),
    ...(rule.cwd !== undefined ? { cwd: rule.cwd } : {}),
    expires: new Date(rule.expires ?? now).toISOString(),
  };
}
