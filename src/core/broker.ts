import { systemClock, type Clock } from './clock.js';
import { NotPendingError } from './errors.js';
import { MAX_WAIT_MS } from './duration.js';
import { DecidedCalls } from './decided-calls.js';
import * as made from './decision-messages.js';
import { WaitingCalls } from './waiting-calls.js';
import { AWAY_MESSAGE, type WhenAway } from './presence.js';
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
  /** Whether a person is at a console now; without it someone always is. */
  presence?: { away(now: number): boolean };
  /** What a call that needs a person gets while nobody is present (default `wait`); an ask rule may say otherwise. */
  whenAway?: WhenAway;
}

/** Every call waits for a person; the rules engine replaces this. */
export const askEveryCall: Policy = () => ({ action: 'ask', decidedBy: 'default' });

/** A decision with the call it answers: what `record` writes, counts and announces. */
interface Settled extends DecidedCall {
  /** Decided without waiting for anyone: its request is audited and announced with the decision. */
  atOnce: boolean;
}

/** The one audit hook: writes events, returns the error if any could not be written (the rest are then not tried). */
type AuditHook = (events: readonly BrokerEvent[]) => unknown;

function auditHook({ audit, auditBatch }: BrokerOptions): AuditHook {
  const write = auditBatch ?? (audit ? (events: readonly BrokerEvent[]) => events.forEach((e) => audit(e)) : undefined);
  return (events) => {
    try {
      write?.(events);
      return undefined;
    } catch (error) {
      return error ?? new Error('unknown audit failure');
    }
  };
}

/**
 * The decision broker: one promise per tool call, resolved exactly once by a person, a rule,
 * the timeout, the client going away, or shutdown. It never lets a failure become an allow.
 *
 * A call decided at once goes `request` → `atOnce` → `record`. A call that waits goes into the
 * promise queue (`WaitingCalls`), and leaves it only through `settle` (a person's `decide`, the
 * timeout, an abort, `withdraw`, `shutdown`), which `record`s the decision and resolves the promise.
 * `record` writes the audit log first, so a decision is on disk before its answer can be sent.
 */
export class Broker {
  private readonly clock: Clock;
  private readonly waiting: WaitingCalls;
  private readonly decided: DecidedCalls;
  private readonly audit: AuditHook;
  private readonly listeners = new Set<() => void>();
  private readonly eventListeners = new Set<(e: BrokerEvent) => void>();
  private version = 0;
  private cached: BrokerSnapshot | undefined;
  private policy: Policy;
  private stopped: string | undefined;
  private readonly maxPending: number;
  private timeoutMs: number;
  private timeoutAction: TimeoutAction;
  private auditRequired: boolean;
  private whenAway: WhenAway;

  constructor(private readonly options: BrokerOptions) {
    this.clock = options.clock ?? systemClock;
    this.waiting = new WaitingCalls(this.clock);
    this.decided = new DecidedCalls(options.historySize ?? 1000);
    this.audit = auditHook(options);
    this.timeoutMs = options.timeoutMs;
    this.timeoutAction = options.timeoutAction ?? 'deny';
    this.policy = options.policy ?? askEveryCall;
    this.maxPending = options.maxPending ?? 5000;
    this.auditRequired = options.auditRequired ?? false;
    this.whenAway = options.whenAway ?? 'wait';
  }

  /** What a call that needs a person gets while nobody is present, from now on (hot reload). */
  setWhenAway(whenAway: WhenAway): void {
    this.whenAway = whenAway;
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
    this.decided.seed(decided);
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
    const id = this.freshId();
    const refuse = (decision: Decision) => Promise.resolve(this.record({ id, call, receivedAt: now, deadline: now, decision, atOnce: true }));
    if (opts.signal?.aborted) return refuse(made.cancelled(this.clock.now()));
    // Each waiting call holds its input and a connection: a flood must not exhaust the machine.
    if (this.waiting.size >= this.maxPending) return refuse(made.queueFull(this.clock.now(), this.maxPending));

    // Longer than a timer can hold would fire at once; the entry points refuse such values too.
    const timeoutMs = Math.min(atOnce.verdict.timeoutMs ?? this.timeoutMs, MAX_WAIT_MS);
    const pending: PendingCall = { id, call, receivedAt: now, deadline: now + timeoutMs };
    const requestEvent: BrokerEvent = { type: 'request', id, call, at: now, deadline: pending.deadline, autoDecided: false };
    const notWritten = this.audit([requestEvent]);
    if (notWritten !== undefined && this.auditRequired) {
      this.emit(requestEvent);
      return Promise.resolve(this.record({ ...pending, decision: made.unaudited(this.clock.now(), notWritten), atOnce: false }));
    }
    const answer = this.waiting.enqueue(pending, {
      timeoutMs,
      // The timeout action in force when the timer fires (a reload may have changed it).
      onTimeout: () => this.settle(id, made.timedOut(this.clock.now(), timeoutMs, this.timeoutAction === 'interrupt')),
      signal: opts.signal,
      onAbort: () => this.settle(id, made.cancelled(this.clock.now())),
    });
    this.emit(requestEvent);
    this.changed();
    return answer;
  }

  /**
   * The decision for a call that nobody needs to see (a rule or the default decides it, cco is
   * stopping, or the rules failed), made, audited and announced exactly as `request` does; or
   * undefined, with no side effect, when the call would wait for a person.
   */
  decideNow(call: ToolCall): Decision | undefined {
    return this.atOnce(call, this.clock.now()).decision;
  }

  private atOnce(
    call: ToolCall,
    now: number,
  ): { decision: Decision; verdict?: undefined } | { decision?: undefined; verdict: Extract<PolicyVerdict, { action: 'ask' }> } {
    const decide = (decision: Decision) => ({ decision: this.record({ id: this.freshId(), call, receivedAt: now, deadline: now, decision, atOnce: true }) });
    // Decided at the clock's time after the policy ran: the audit's waitMs is the time rules took.
    const at = () => this.clock.now();
    if (this.stopped !== undefined) return decide(made.denied(at(), 'shutdown', this.stopped));
    let verdict: PolicyVerdict;
    try {
      verdict = this.policy(call);
    } catch (error) {
      this.report(error);
      return decide(made.rulesFailed(at(), error));
    }
    if (verdict.action === 'allow') return decide(made.allowed(at(), verdict.decidedBy, call.input));
    if (verdict.action === 'deny') return decide(made.ruleDenial(at(), verdict.decidedBy, verdict.message));
    if ((verdict.whenAway ?? this.whenAway) === 'deny' && this.options.presence?.away(now)) return decide(made.away(at(), AWAY_MESSAGE));
    return { verdict };
  }

  /**
   * Decide a pending call. Returns the decision actually made: an allow whose edited input
   * matches a deny rule becomes that rule's denial. Throws NotPendingError for an unknown or
   * already decided call.
   */
  decide(id: string, verdict: Verdict, decidedBy: DecidedBy = 'user'): Decision {
    const pending = this.waiting.get(id);
    if (!pending) throw new NotPendingError(id, this.decided.has(id) ? 'decided' : 'unknown');
    const now = this.clock.now();
    let decision: Decision;
    if (verdict.behavior === 'allow') {
      decision = made.allowed(now, decidedBy, verdict.updatedInput ?? pending.call.input, pending.call.input);
      if (verdict.updatedPermissions?.length) decision.updatedPermissions = verdict.updatedPermissions;
      if (verdict.savedRule) decision.savedRule = verdict.savedRule;
      if (decision.edited) decision = this.recheckEdited(pending.call, decision);
    } else {
      decision = made.denied(now, decidedBy, verdict.message?.trim() || made.DENIED_BY_USER);
      if (verdict.interrupt) decision.interrupt = true;
    }
    // An edited allow that a deny rule caught is the rule's decision, not the person's.
    if (verdict.person !== undefined && decision.decidedBy === decidedBy) decision.person = verdict.person;
    return this.settle(id, decision) ?? decision;
  }

  /**
   * Take a waiting call off the queue because it was answered outside cco (at the agent's own
   * prompt, or on its other route into cco). Recorded as `elsewhere`, never as anyone's denial;
   * the route that asked sends no decision for it. Returns the decision recorded, or undefined
   * when the call was not waiting.
   */
  withdraw(id: string, message = made.ANSWERED_ELSEWHERE): Decision | undefined {
    return this.settle(id, made.denied(this.clock.now(), 'elsewhere', message));
  }

  /** Deny every pending call (and every later one) with `message`: cco is stopping. */
  shutdown(message = 'cco stopped before anyone decided this call, so it was denied. Retry when cco is running again.'): void {
    this.stopped = message;
    for (const id of this.waiting.ids()) this.settle(id, made.denied(this.clock.now(), 'shutdown', message));
  }

  get(id: string): PendingCall | undefined {
    return this.waiting.get(id);
  }

  snapshot(): BrokerSnapshot {
    this.cached ??= {
      pending: this.waiting.list(),
      recent: this.decided.recent(),
      counts: this.decided.counts,
      version: this.version,
    };
    return this.cached;
  }

  /** This run's counts, current even inside an event listener (the snapshot is rebuilt after). */
  counts(): BrokerCounts {
    return this.decided.counts;
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

  /** The settle path: take a call off the queue and answer it; the decision sent, or undefined if it was not waiting. */
  private settle(id: string, decision: Decision): Decision | undefined {
    const taken = this.waiting.take(id);
    if (!taken) return undefined;
    const final = this.record({ ...taken.pending, decision, atOnce: false });
    taken.resolve(final);
    return final;
  }

  /**
   * Record a decision (audit log, history, counts, events) and hand it back. The audit write
   * comes first, so a decision is on disk before its answer can be sent; an allow that cannot be
   * audited while the audit is required becomes a denial.
   */
  private record(settled: Settled): Decision {
    const { id, call, receivedAt, deadline, atOnce } = settled;
    let { decision } = settled;
    const decisionEvent = (d: Decision): BrokerEvent => ({ type: 'decision', id, call, decision: d, waitMs: d.at - receivedAt });
    const requestEvent: BrokerEvent | undefined = atOnce ? { type: 'request', id, call, at: receivedAt, deadline, autoDecided: true } : undefined;
    // A call decided at once has its request and decision lines written together.
    const notWritten = this.audit(requestEvent ? [requestEvent, decisionEvent(decision)] : [decisionEvent(decision)]);
    if (notWritten !== undefined && this.auditRequired && decision.behavior === 'allow') {
      decision = made.unaudited(this.clock.now(), notWritten);
      this.audit([decisionEvent(decision)]);
    }
    if (requestEvent) this.emit(requestEvent);
    this.decided.add({ id, call, receivedAt, deadline, decision });
    this.emit(decisionEvent(decision));
    this.changed();
    return decision;
  }

  private recheckEdited(original: ToolCall, decision: Decision): Decision {
    const edited: ToolCall = { ...original, input: decision.updatedInput ?? original.input };
    try {
      const verdict = this.policy(edited);
      if (verdict.action === 'deny') return made.editedDenial(this.clock.now(), verdict.decidedBy, verdict.message);
      return decision;
    } catch (error) {
      this.report(error);
      return made.editedRulesFailed(this.clock.now(), error);
    }
  }

  private freshId(): string {
    for (;;) {
      const id = this.options.newId();
      if (!this.waiting.has(id) && !this.decided.has(id)) return id;
    }
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
