import { systemClock, type Clock } from './clock.js';
import { NotPendingError } from './errors.js';
import { formatDuration, MAX_WAIT_MS } from './duration.js';
import type {
  BrokerCounts,
  BrokerEvent,
  BrokerSnapshot,
  DecidedBy,
  DecidedCall,
  Decision,
  PendingCall,
  Policy,
  PolicyVerdict,
  TimeoutAction,
  ToolCall,
  Verdict,
} from './types.js';

export interface BrokerOptions {
  /** Makes the ids of pending calls. Must return a fresh string each time. */
  newId: () => string;
  clock?: Clock;
  /** How long a call may wait for a person. */
  timeoutMs: number;
  /** What a timeout does; always a denial, `interrupt` also stops the agent's run. */
  timeoutAction?: TimeoutAction;
  /** Decides calls before anyone sees them. Default: every call waits for a person. */
  policy?: Policy;
  /** How many decided calls `snapshot().recent` keeps. */
  historySize?: number;
  /** How many calls may wait for a person at once; past it a new one is denied at once (default 5,000). */
  maxPending?: number;
  /** Told about failures the broker survived (a throwing listener, a throwing policy). */
  onError?: (error: unknown) => void;
  /**
   * Writes each event to the audit log, synchronously, before the call's answer is handed out.
   * May throw when the log cannot be written; see `auditRequired`.
   */
  audit?: (event: BrokerEvent) => void;
  /**
   * Writes several events in one go (an auto-decided call's request and decision), all or
   * nothing as far as the broker can tell. Without it, `audit` is called once per event.
   */
  auditBatch?: (events: readonly BrokerEvent[]) => void;
  /** When true, a call whose request or decision cannot be audited is denied (decidedBy `error`). */
  auditRequired?: boolean;
}

/** Every call waits for a person; the rules engine replaces this. */
export const askEveryCall: Policy = () => ({ action: 'ask', decidedBy: 'default' });

interface Entry {
  pending: PendingCall;
  resolve: (d: Decision) => void;
  timer: unknown;
  detach: () => void;
}

const DENIED_BY_USER = 'Denied by the user in cco.';
const ANSWERED_ELSEWHERE = "Answered elsewhere (at the agent's own prompt) before anyone decided it in cco.";

/**
 * The decision broker: one promise per tool call, resolved exactly once by a person, a rule,
 * the timeout, the client going away, or shutdown. It never lets a failure become an allow.
 */
export class Broker {
  private readonly clock: Clock;
  private readonly pending = new Map<string, Entry>();
  /** Ids decided recently, so a late second decision is told "already decided", not "unknown". */
  private readonly decidedIds = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: BrokerEvent) => void>();
  /**
   * Decided calls, oldest first. It grows to twice the history size before the oldest half is
   * dropped, so recording a decision costs O(1); `snapshot().recent` is built from it when read.
   */
  private history: DecidedCall[] = [];
  private recentView: readonly DecidedCall[] | undefined;
  private counts: BrokerCounts = { allowed: 0, denied: 0, timedOut: 0, cancelled: 0 };
  private version = 0;
  private cached: BrokerSnapshot | undefined;
  private policy: Policy;
  private stopped: string | undefined;
  private readonly historySize: number;
  private readonly maxPending: number;
  private timeoutMs: number;
  private timeoutAction: TimeoutAction;
  private auditRequired: boolean;

  constructor(private readonly options: BrokerOptions) {
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs;
    this.timeoutAction = options.timeoutAction ?? 'deny';
    this.policy = options.policy ?? askEveryCall;
    this.historySize = options.historySize ?? 1000;
    this.maxPending = options.maxPending ?? 5000;
    this.auditRequired = options.auditRequired ?? false;
  }

  /** Whether calls are denied while the audit log cannot be written (hot reload). */
  setAuditRequired(required: boolean): void {
    this.auditRequired = required;
  }

  /**
   * Show calls decided before this broker started (read back from the audit log) in
   * `snapshot().recent`. `decided` is newest first; counts are left alone (they are this run's).
   */
  seedHistory(decided: readonly DecidedCall[]): void {
    const room = Math.max(0, this.historySize - this.recent().length);
    const older = decided.slice(0, room);
    for (const d of older) this.decidedIds.add(d.id);
    this.history = [...older.reverse(), ...this.history];
    this.recentView = undefined;
    this.changed();
  }

  /** New timeout settings for calls that arrive from now on (hot reload). */
  setTimeouts(timeoutMs: number, timeoutAction: TimeoutAction = 'deny'): void {
    this.timeoutMs = timeoutMs;
    this.timeoutAction = timeoutAction;
  }

  /** Swap the policy (hot reload of rules). Pending calls keep waiting. */
  setPolicy(policy: Policy): void {
    this.policy = policy;
  }

  /**
   * Ask for a decision on a call. Resolves once, never rejects: every failure path is a deny.
   * Aborting `signal` (the client went away) takes the call off the queue as cancelled.
   */
  request(call: ToolCall, opts: { signal?: AbortSignal } = {}): Promise<Decision> {
    const now = this.clock.now();
    const atOnce = this.atOnce(call, now);
    if (atOnce.decision) return Promise.resolve(atOnce.decision);
    const verdict = atOnce.verdict;
    const id = this.freshId();
    if (opts.signal?.aborted) {
      return Promise.resolve(this.finish(id, call, now, now, this.cancelledDecision(), true));
    }
    if (this.pending.size >= this.maxPending) {
      // Each waiting call holds its input and a connection: a flood must not exhaust the machine.
      const message = `cco already has ${this.maxPending} calls waiting for a person, so this one was denied. Decide some (\`cco pending\`), then retry.`;
      return Promise.resolve(this.finish(id, call, now, now, this.deny('error', message), true));
    }

    // Longer than a timer can hold would fire at once; the entry points refuse such values too.
    const timeoutMs = Math.min(verdict.timeoutMs ?? this.timeoutMs, MAX_WAIT_MS);
    const pending: PendingCall = { id, call, receivedAt: now, deadline: now + timeoutMs };
    const requestEvent: BrokerEvent = { type: 'request', id, call, at: now, deadline: pending.deadline, autoDecided: false };
    const unaudited = this.audit(requestEvent);
    if (unaudited !== undefined && this.auditRequired) {
      this.emit(requestEvent);
      return Promise.resolve(this.finish(id, call, now, pending.deadline, this.auditDenial(unaudited), false));
    }
    return new Promise<Decision>((resolve) => {
      const onAbort = () => this.settle(id, this.cancelledDecision());
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const entry: Entry = {
        pending,
        resolve,
        timer: this.clock.setTimeout(() => this.settle(id, this.timeoutDecision(timeoutMs)), timeoutMs),
        detach: () => opts.signal?.removeEventListener('abort', onAbort),
      };
      this.pending.set(id, entry);
      this.emit(requestEvent);
      this.changed();
    });
  }

  /**
   * The decision for a call that nobody needs to see (a rule or the default decides it, cco is
   * stopping, or the rules failed), made, audited and announced exactly as `request` does; or
   * undefined, with no side effect, when the call would wait for a person.
   */
  decideNow(call: ToolCall): Decision | undefined {
    return this.atOnce(call, this.clock.now()).decision;
  }

  private atOnce(call: ToolCall, now: number): { decision: Decision; verdict?: undefined } | { decision?: undefined; verdict: Extract<PolicyVerdict, { action: 'ask' }> } {
    if (this.stopped !== undefined) {
      return { decision: this.finish(this.freshId(), call, now, now, this.deny('shutdown', this.stopped), true) };
    }
    let verdict: PolicyVerdict;
    try {
      verdict = this.policy(call);
    } catch (error) {
      this.report(error);
      const message = `cco could not evaluate its rules for this call (${errorText(error)}), so it was denied to be safe.`;
      return { decision: this.finish(this.freshId(), call, now, now, this.deny('error', message), true) };
    }
    if (verdict.action === 'allow') {
      return { decision: this.finish(this.freshId(), call, now, now, this.allow(verdict.decidedBy, call.input), true) };
    }
    if (verdict.action === 'deny') {
      const message = verdict.message || `Denied by cco (${verdict.decidedBy}).`;
      return { decision: this.finish(this.freshId(), call, now, now, this.deny(verdict.decidedBy, message), true) };
    }
    return { verdict };
  }

  /**
   * Decide a pending call. Returns the decision actually made: an allow whose edited input
   * matches a deny rule becomes that rule's denial. Throws NotPendingError for an unknown or
   * already decided call.
   */
  decide(id: string, verdict: Verdict, decidedBy: DecidedBy = 'user'): Decision {
    const entry = this.pending.get(id);
    if (!entry) throw new NotPendingError(id, this.decidedIds.has(id) ? 'decided' : 'unknown');
    let decision: Decision;
    if (verdict.behavior === 'allow') {
      decision = this.allow(decidedBy, verdict.updatedInput ?? entry.pending.call.input, entry.pending.call.input);
      if (verdict.updatedPermissions?.length) decision.updatedPermissions = verdict.updatedPermissions;
      if (verdict.savedRule) decision.savedRule = verdict.savedRule;
      if (decision.edited) decision = this.recheckEdited(entry.pending.call, decision);
    } else {
      decision = this.deny(decidedBy, verdict.message?.trim() || DENIED_BY_USER);
      if (verdict.interrupt) decision.interrupt = true;
    }
    return this.settle(id, decision) ?? decision;
  }

  /**
   * Take a waiting call off the queue because it was answered outside cco (at the agent's own
   * prompt, or on its other route into cco). Recorded as `elsewhere`, never as anyone's denial;
   * the route that asked sends no decision for it. Returns the decision recorded, or undefined
   * when the call was not waiting.
   */
  withdraw(id: string, message = ANSWERED_ELSEWHERE): Decision | undefined {
    return this.settle(id, this.deny('elsewhere', message));
  }

  /** Deny every pending call (and every later one) with `message`: cco is stopping. */
  shutdown(message = 'cco stopped before anyone decided this call, so it was denied. Retry when cco is running again.'): void {
    this.stopped = message;
    for (const id of [...this.pending.keys()]) this.settle(id, this.deny('shutdown', message));
  }

  get(id: string): PendingCall | undefined {
    return this.pending.get(id)?.pending;
  }

  snapshot(): BrokerSnapshot {
    this.cached ??= {
      pending: [...this.pending.values()].map((e) => e.pending),
      recent: this.recent(),
      counts: this.counts,
      version: this.version,
    };
    return this.cached;
  }

  /** Called after every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Every request and decision, in order (for the audit log and live streams). */
  onEvent(listener: (e: BrokerEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /** Decide a pending call; returns the decision actually sent (undefined if it was not pending). */
  private settle(id: string, decision: Decision): Decision | undefined {
    const entry = this.pending.get(id);
    if (!entry) return undefined;
    this.pending.delete(id);
    this.clock.clearTimeout(entry.timer);
    entry.detach();
    const { pending } = entry;
    const final = this.finish(id, pending.call, pending.receivedAt, pending.deadline, decision, false);
    entry.resolve(final);
    return final;
  }

  /**
   * Record a decision (audit log, history, counts, events) and hand it back. The audit write
   * comes first, so a decision is on disk before its answer can be sent.
   */
  private finish(id: string, call: ToolCall, receivedAt: number, deadline: number, decision: Decision, auto: boolean): Decision {
    const decisionEvent = (d: Decision): BrokerEvent => ({ type: 'decision', id, call, decision: d, waitMs: d.at - receivedAt });
    const requestEvent: BrokerEvent | undefined = auto ? { type: 'request', id, call, at: receivedAt, deadline, autoDecided: true } : undefined;
    // A call decided at once has its request and decision lines written together.
    const unaudited = requestEvent ? this.audit(requestEvent, decisionEvent(decision)) : this.audit(decisionEvent(decision));
    if (unaudited !== undefined && this.auditRequired && decision.behavior === 'allow') {
      decision = this.auditDenial(unaudited);
      this.audit(decisionEvent(decision));
    }
    if (requestEvent) this.emit(requestEvent);
    const c = { ...this.counts };
    if (decision.decidedBy === 'cancelled' || decision.decidedBy === 'elsewhere') c.cancelled++;
    else if (decision.behavior === 'allow') c.allowed++;
    else {
      c.denied++;
      if (decision.decidedBy === 'timeout') c.timedOut++;
    }
    this.counts = c;
    const decided: DecidedCall = { id, call, receivedAt, deadline, decision };
    this.history.push(decided);
    if (this.history.length >= 2 * this.historySize) this.history.splice(0, this.history.length - this.historySize);
    this.recentView = undefined;
    this.decidedIds.add(id);
    if (this.decidedIds.size > this.historySize * 10) {
      const oldest = this.decidedIds.values().next().value;
      if (oldest !== undefined) this.decidedIds.delete(oldest);
    }
    this.emit(decisionEvent(decision));
    this.changed();
    return decision;
  }

  private recheckEdited(original: ToolCall, decision: Decision): Decision {
    const edited: ToolCall = { ...original, input: decision.updatedInput ?? original.input };
    try {
      const verdict = this.policy(edited);
      if (verdict.action === 'deny') {
        return this.deny(verdict.decidedBy, verdict.message || `The edited call is denied by cco (${verdict.decidedBy}).`);
      }
      return decision;
    } catch (error) {
      this.report(error);
      return this.deny('error', `cco could not check the edited call against its rules (${errorText(error)}), so it was denied to be safe.`);
    }
  }

  private allow(decidedBy: DecidedBy, updatedInput: Record<string, unknown>, original?: Record<string, unknown>): Decision {
    const d: Decision = { behavior: 'allow', updatedInput, decidedBy, at: this.clock.now() };
    if (original !== undefined && updatedInput !== original && JSON.stringify(updatedInput) !== JSON.stringify(original)) {
      d.edited = true;
    }
    return d;
  }

  private deny(decidedBy: DecidedBy, message: string): Decision {
    return { behavior: 'deny', message, decidedBy, at: this.clock.now() };
  }

  private timeoutDecision(timeoutMs: number): Decision {
    const d = this.deny(
      'timeout',
      `Timed out: nobody decided this call in cco within ${formatDuration(timeoutMs)}, so it was denied automatically. ` +
        'This is not a person\'s decision; retry it later or ask the user to watch cco.',
    );
    if (this.timeoutAction === 'interrupt') d.interrupt = true;
    return d;
  }

  /** Write events to the audit log; the error if any could not be written (the rest are then not tried). */
  private audit(...events: BrokerEvent[]): unknown {
    const { audit, auditBatch } = this.options;
    try {
      if (auditBatch) auditBatch(events);
      else if (audit) for (const e of events) audit(e);
      return undefined;
    } catch (error) {
      return error ?? new Error('unknown audit failure');
    }
  }

  private auditDenial(error: unknown): Decision {
    return this.deny(
      'error',
      `cco could not write its audit log (${errorText(error)}) and auditRequired is on, so this call was denied. ` +
        'Ask the user to fix the audit log (free disk space or fix permissions) or to run `cco config set auditRequired false`.',
    );
  }

  private cancelledDecision(): Decision {
    return this.deny('cancelled', 'The agent withdrew this call (it disconnected or cancelled it) before a decision.');
  }

  private freshId(): string {
    for (;;) {
      const id = this.options.newId();
      if (!this.pending.has(id) && !this.decidedIds.has(id)) return id;
    }
  }

  /** The last `historySize` decided calls, newest first. */
  private recent(): readonly DecidedCall[] {
    return (this.recentView ??= this.history.slice(Math.max(0, this.history.length - this.historySize)).reverse());
  }

  private changed(): void {
    this.version++;
    this.cached = undefined;
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch (error) {
        this.report(error);
      }
    }
  }

  private emit(event: BrokerEvent): void {
    for (const l of [...this.eventListeners]) {
      try {
        l(event);
      } catch (error) {
        this.report(error);
      }
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // An error reporter that fails has nowhere left to report to.
    }
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
