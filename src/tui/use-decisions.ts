import { useRef } from 'react';
import type { ConsoleSource } from '../core/console-source.js';
import { formatDuration } from '../core/duration.js';
import type { Grant } from '../core/grant.js';
import type { Decision, Verdict } from '../core/types.js';
import type { Effect } from './console-keys.js';

export interface DecisionDeps {
  source: ConsoleSource;
  onAlwaysAllow: ((grant: Grant) => void | { id: string } | Promise<void | { id: string }>) | undefined;
  setNotice: (notice: string) => void;
  quit: () => void;
}

/**
 * What the console's keys do to the world: decisions sent to the source (one, or many at once),
 * an always-allow rule saved and then the call allowed as the person's, quitting. Every outcome,
 * refusals included, ends as the footer's notice.
 */
export function useDecisions({ source, onAlwaysAllow, setNotice, quit }: DecisionDeps) {
  // The calls this console decided (or tried to): when they leave the queue, the notice is ours.
  const sent = useRef(new Set<string>()).current;
  const mark = (id: string) => {
    sent.add(id);
    if (sent.size > 10_000) sent.delete(sent.values().next().value as string);
  };
  const send = (id: string, verdict: Verdict, how = '') => {
    Promise.resolve()
      .then(() => (mark(id), source.decide(id, verdict)))
      .then(
        (d) => setNotice(decisionNotice(id, d, how)),
        (e: unknown) => setNotice(e instanceof Error ? e.message : String(e)),
      );
  };
  const sendMany = (ids: readonly string[], verdict: Verdict) => {
    const verb = verdict.behavior === 'allow' ? 'Allowed' : 'Denied';
    ids.forEach(mark);
    void Promise.allSettled(ids.map((id) => Promise.resolve().then(() => source.decide(id, verdict)))).then((results) => {
      const done = results.filter((r) => r.status === 'fulfilled' && r.value.behavior === verdict.behavior && r.value.decidedBy === 'user').length;
      const other = results.length - done;
      setNotice(
        `${verb} ${done} of ${ids.length} ${ids.length === 1 ? 'call' : 'calls'}${other ? ` (${other} had already ended or were decided otherwise)` : ''}.`,
      );
    });
  };
  const alwaysAllow = async (e: Extract<Effect, { kind: 'saveRule' }>) => {
    let saved: { id: string } | void;
    try {
      saved = await onAlwaysAllow?.(e.grant);
    } catch (error) {
      setNotice(`The rule was not saved, so nothing was decided: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    const which = saved ? `${saved.id} ` : '';
    setNotice(`Saved allow rule ${which}${e.grant.pattern} (${e.grant.scope}).`);
    if (!e.allowCall || !source.snapshot().pending.some((p) => p.id === e.id)) return;
    // This call is the person's decision, with the rule they saved; later calls are the rule's.
    const verdict: Verdict = {
      behavior: 'allow',
      ...(saved ? { savedRule: `${saved.id} ${e.grant.forMs === undefined ? 'forever' : `for ${formatDuration(e.grant.forMs)}`}` } : {}),
      ...(e.updatedPermissions.length > 0 ? { updatedPermissions: e.updatedPermissions } : {}),
    };
    send(e.id, verdict, e.updatedPermissions.length > 0 ? ' (Claude was told to save the permission too)' : '');
  };
  const run = (e: Effect) => {
    switch (e.kind) {
      case 'decide':
        return send(e.id, e.verdict, e.how);
      case 'decideMany':
        return sendMany(e.ids, e.verdict);
      case 'saveRule':
        return void alwaysAllow(e);
      case 'quit':
        return quit();
    }
  };
  return { send, run, sent: sent as ReadonlySet<string> };
}

/** The footer's line after a decision the console sent (`how`: " with your edit"). */
export function decisionNotice(id: string, d: Decision, how = ''): string {
  if (d.behavior === 'allow') return `Allowed ${id}${how}.`;
  if (d.decidedBy === 'user') return `Denied ${id}.`;
  return `Denied ${id} by ${d.decidedBy}${d.message ? `: ${d.message}` : '.'}`;
}
