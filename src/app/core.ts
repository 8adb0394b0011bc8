/**
 * The core part: the audit log (recovered from the last run, kept within its retention, told
 * when a scoped rule ends) and the broker that writes to it. Closing it stops the timers and
 * flushes and closes the audit log; by then the HTTP part has denied every waiting call.
 */
import { randomBytes } from 'node:crypto';
import { auditRecord, expiredBetween, ruleExpiredRecord } from '../core/audit.js';
import { Broker } from '../core/broker.js';
import { escapeText } from '../core/escape.js';
import { makeIdGenerator } from '../core/ids.js';
import { systemClock } from '../core/clock.js';
import { Presence } from '../core/presence.js';
import { agentLabel } from '../core/summary.js';
import { AuditLog, recoverAudit } from '../store/audit.js';
import type { LiveSettings } from './live-settings.js';
import type { Part } from './parts.js';
import type { State } from './state.js';

export interface Core {
  readonly broker: Broker;
  /** Whether a person is at a console (this one, or a remote one): `whenAway` reads it. */
  readonly presence: Presence;
}

export function openCore(state: State, settings: LiveSettings, timeoutFlag: number | undefined): Part<Core> {
  const { log, paths } = state;
  const audit = openAudit(state, settings);
  const recovered = recoverAudit(audit, paths.stateDir, Date.now(), 200, (m) => log('warn', `audit log: ${m}`));
  if (recovered.interrupted.length > 0) {
    log('warn', `${recovered.interrupted.length} call(s) were still waiting when the previous cco stopped; logged as interrupted.`);
  }
  const retention = () => audit.maintain(settings.current().retentionMs, settings.current().retentionBytes);
  const housekeeping = setInterval(retention, 10 * 60_000);
  housekeeping.unref();
  const sweep = expirySweep(audit, settings, log);
  const first = settings.current();
  const presence = new Presence(systemClock, first.awayAfterMs);
  const broker = new Broker({
    newId: makeIdGenerator(pooledRandomBytes()),
    timeoutMs: timeoutFlag ?? first.timeoutMs,
    timeoutAction: first.timeoutAction,
    policy: settings.policyOf(first),
    onError: state.onError,
    auditBatch: (events) => audit.appendAll(events.map((e) => auditRecord(e, agentLabel(e.call.agent)))),
    auditRequired: first.auditRequired,
    presence,
    whenAway: first.whenAway,
  });
  broker.seedHistory(recovered.history);
  return {
    value: { broker, presence },
    close: () => {
      clearInterval(housekeeping);
      clearInterval(sweep);
      audit.close();
    },
  };
}

/** The audit log: every request and decision, written before the answer goes out. */
function openAudit(state: State, settings: LiveSettings): AuditLog {
  const { log, alerts } = state;
  const audit = new AuditLog({
    dir: state.paths.stateDir,
    onProblem: (message) => {
      if (message === undefined) {
        log('info', 'the audit log can be written again');
        alerts.clear('audit');
        return;
      }
      log('error', message);
      alerts.set('audit', `Audit log not written: ${message}`);
    },
  });
  audit.maintain(settings.current().retentionMs, settings.current().retentionBytes);
  return audit;
}

/**
 * Scoped rules stop matching on their own (the engine reads the clock); this puts a line in the
 * audit log when one ends while cco runs.
 */
function expirySweep(audit: AuditLog, settings: LiveSettings, log: State['log']): NodeJS.Timeout {
  let sweptTo = Date.now();
  const sweep = setInterval(() => {
    const now = Date.now();
    const ended = expiredBetween(settings.current().rules, sweptTo, now);
    sweptTo = now;
    if (ended.length === 0) return;
    try {
      audit.appendAll(ended.map((r) => ruleExpiredRecord(r, now)));
    } catch {
      // onProblem has said why.
    }
    for (const r of ended) log('info', `rule ${r.id} (${escapeText(r.pattern)}) expired`);
  }, 5_000);
  sweep.unref();
  return sweep;
}

/** `randomBytes(n)` served from a 4 KiB pool: one call into the system per ~680 call ids, not one each. */
function pooledRandomBytes(): (n: number) => Uint8Array {
  let pool = randomBytes(4096);
  let used = 0;
  return (n) => {
    if (used + n > pool.length) {
      pool = randomBytes(Math.max(4096, n));
      used = 0;
    }
    used += n;
    return pool.subarray(used - n, used);
  };
}
