/**
 * The decisions the broker makes itself, and the words each gives the agent: every one a denial,
 * except an allow by a rule or a person. `at` is the clock's time of the decision.
 */
import { formatDuration } from './duration.js';
import type { DecidedBy, Decision } from './types.js';

export const DENIED_BY_USER = 'Denied by the user in cco.';
export const ANSWERED_ELSEWHERE = "Answered elsewhere (at the agent's own prompt) before anyone decided it in cco.";

export function allowed(at: number, decidedBy: DecidedBy, updatedInput: Record<string, unknown>, original?: Record<string, unknown>): Decision {
  const d: Decision = { behavior: 'allow', updatedInput, decidedBy, at };
  if (original !== undefined && updatedInput !== original && JSON.stringify(updatedInput) !== JSON.stringify(original)) {
    d.edited = true;
  }
  return d;
}

export function denied(at: number, decidedBy: DecidedBy, message: string): Decision {
  return { behavior: 'deny', message, decidedBy, at };
}

/** A rule's denial; the rule's own message when it has one. */
export const ruleDenial = (at: number, decidedBy: DecidedBy, message: string | undefined) => denied(at, decidedBy, message || `Denied by cco (${decidedBy}).`);

/** A person's allow of edited input that a deny rule catches. */
export const editedDenial = (at: number, decidedBy: DecidedBy, message: string | undefined) =>
  denied(at, decidedBy, message || `The edited call is denied by cco (${decidedBy}).`);

export function timedOut(at: number, timeoutMs: number, interrupt: boolean): Decision {
  const d = denied(
    at,
    'timeout',
    `Timed out: nobody decided this call in cco within ${formatDuration(timeoutMs)}, so it was denied automatically. ` +
      "This is not a person's decision; retry it later or ask the user to watch cco.",
  );
  if (interrupt) d.interrupt = true;
  return d;
}

export const cancelled = (at: number) => denied(at, 'cancelled', 'The agent withdrew this call (it disconnected or cancelled it) before a decision.');

export const queueFull = (at: number, maxPending: number) =>
  denied(at, 'error', `cco already has ${maxPending} calls waiting for a person, so this one was denied. Decide some (\`cco pending\`), then retry.`);

export const rulesFailed = (at: number, error: unknown) =>
  denied(at, 'error', `cco could not evaluate its rules for this call (${errorText(error)}), so it was denied to be safe.`);

export const editedRulesFailed = (at: number, error: unknown) =>
  denied(at, 'error', `cco could not check the edited call against its rules (${errorText(error)}), so it was denied to be safe.`);

export const unaudited = (at: number, error: unknown) =>
  denied(
    at,
    'error',
    `cco could not write its audit log (${errorText(error)}) and auditRequired is on, so this call was denied. ` +
      'Ask the user to fix the audit log (free disk space or fix permissions) or to run `cco config set auditRequired false`.',
  );

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A call that needed a person while nobody was present, denied at once (`whenAway: deny`). */
export const away = (at: number, message: string) => denied(at, 'away', message);
