/**
 * The keys that decide (a, d, D, e, A, m): each acts on the call the person sees, and only once
 * they could have read it. Which call that is, and when it has been read, is decided here.
 */
import { agentLabel, oneLine, summarizeInput } from '../core/summary.js';
import type { PendingCall } from '../core/types.js';
import { answerStart } from './answer-keys.js';
import { clampOffset, type ConsoleState, type View, viewOf } from './console-state.js';
import { openGrant } from './grant-keys.js';
import type { MainAction } from './keymap.js';
import { note, type Step, type StepContext } from './step.js';

const SAMPLE = 3;

export type Target = { ok: true; id: string; call: PendingCall; view: View } | { ok: false; step: Step };

/** The waiting call a decision key acts on, or why there is none. */
function target(s: ConsoleState, ctx: StepContext): Target {
  const v = viewOf(s, ctx.world);
  const refuse = (text: string): Target => ({ ok: false, step: note(s, text) });
  if (s.focus === 'history') {
    return refuse(v.historyCall ? `${v.historyCall.id} was already decided. Tab goes back to the waiting calls.` : 'Tab goes back to the waiting calls.');
  }
  if (v.layout.tooSmall) return refuse('The pane is too small to show the call; make it larger to decide.');
  if (!v.current || !v.selectedCall) return { ok: false, step: { state: s, effects: [] } };
  if (s.guard.id === v.current && ctx.now - s.guard.at < ctx.guardMs) return refuse(`The selection just changed to ${v.current}: check it, then press again.`);
  return { ok: true, id: v.current, call: v.selectedCall, view: v };
}

/**
 * Nobody approves text they have not been shown. A call can be allowed once every line of its
 * detail has been drawn; until then the key shows the rest, a page at a time, and the keys typed
 * after it in the same read are dropped.
 */
function unread(s: ConsoleState, t: Extract<Target, { ok: true }>, what: string): Step | undefined {
  const v = t.view;
  if (!s.showDetail)
    return { state: { ...s, showDetail: true, notice: `The detail of ${t.id} was hidden; read it, then press ${what} again.` }, effects: [], stop: true };
  if (!v.complete) return note(s, `${t.id} is too large to show whole here: d denies it, e opens all of it in your editor.`);
  const seen = s.seen.key === v.detailKey ? s.seen.upTo : 0;
  const shown = Math.max(seen, v.lines.length <= v.bodyRows ? v.lines.length : 0);
  if (shown >= v.lines.length) return undefined;
  // Show from the last line read, so the page starts where reading stopped.
  const offset = clampOffset(Math.max(0, shown - 1), v.lines.length, v.bodyRows);
  const end = Math.min(v.lines.length, offset + v.bodyRows);
  return {
    state: {
      ...s,
      scroll: { id: t.id, offset },
      notice: `${t.id} goes on: lines ${offset + 1}–${end} of ${v.lines.length} shown. ${what} again once you have read to the end.`,
    },
    effects: [],
    stop: true,
  };
}

export type DecisionAction = Extract<MainAction, 'allow' | 'deny' | 'denyWithMessage' | 'edit' | 'alwaysAllow' | 'many'>;

export function decisionKey(action: DecisionAction, s: ConsoleState, ctx: StepContext): Step {
  const state = (next: Partial<ConsoleState>): Step => ({ state: { ...s, ...next }, effects: [] });
  switch (action) {
    case 'allow': {
      const t = target(s, ctx);
      if (!t.ok) return t.step;
      const later = unread(s, t, 'a');
      if (later) return later;
      // Allowing questions unanswered tells the model "The user did not answer": answer them first.
      if (t.call.call.toolName === 'AskUserQuestion') return answerStart(s, t);
      const how = t.call.call.toolName === 'ExitPlanMode' ? ': the plan is approved' : undefined;
      return { state: s, effects: [{ kind: 'decide', id: t.id, verdict: { behavior: 'allow' }, ...(how ? { how } : {}) }] };
    }
    case 'deny': {
      const t = target(s, ctx);
      return t.ok ? { state: s, effects: [{ kind: 'decide', id: t.id, verdict: { behavior: 'deny' } }] } : t.step;
    }
    case 'denyWithMessage': {
      // The message is for the call selected now, whatever arrives while it is typed.
      const t = target(s, ctx);
      if (!t.ok) return t.step;
      return state({ mode: { kind: 'deny', id: t.id, text: '', ...(t.call.call.toolName === 'ExitPlanMode' ? { plan: true as const } : {}) } });
    }
    case 'edit': {
      if (!ctx.canEdit) return note(s, 'Editing is not available in this console.');
      const t = target(s, ctx);
      return t.ok ? state({ mode: { kind: 'editing', id: t.id } }) : t.step;
    }
    case 'alwaysAllow': {
      if (!ctx.canAlwaysAllow) return note(s, 'Always-allow is not available in this console.');
      if (s.focus === 'history') {
        // From the history it only saves the rule (and allows the waiting calls it matches).
        const v = viewOf(s, ctx.world);
        return v.historyCall
          ? { state: { ...s, mode: openGrant(v.historyCall.id, v.historyCall.call, ctx.homeDir, true) }, effects: [], stop: true }
          : { state: s, effects: [] };
      }
      const t = target(s, ctx);
      if (!t.ok) return t.step;
      // The proposed rule is answered only once it was drawn: keys after A in the same read are dropped.
      return unread(s, t, 'A') ?? { state: { ...s, mode: openGrant(t.id, t.call.call, ctx.homeDir, false) }, effects: [], stop: true };
    }
    case 'many': {
      if (s.focus === 'history') return note(s, 'm decides waiting calls: Tab goes back to them.');
      const v = viewOf(s, ctx.world);
      if (v.layout.tooSmall) return note(s, 'The pane is too small to show the calls; make it larger to decide.');
      if (v.pending.length === 0) return note(s, s.filterText ? 'No waiting call matches the filter.' : 'No calls waiting.');
      const sample = v.pending
        .slice(0, SAMPLE)
        .map((p) => `${p.id} ${p.call.toolName} ${agentLabel(p.call.agent)}: ${oneLine(summarizeInput(p.call, 80), 80)}`);
      return { state: { ...s, mode: { kind: 'many', ids: v.ids, sample, filter: s.filterText.trim() } }, effects: [], stop: true };
    }
  }
}
