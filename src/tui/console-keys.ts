/**
 * The console's keys: a read's keys applied one at a time (`applyKeys`), each by the mode it meets
 * (a question, a prompt, the chooser, the answers, or the main keys: moving, scrolling, the
 * filter, and the decision keys of ./decision-keys.ts).
 */
import { helpLines, helpPage, helpWidth } from './help-lines.js';
import type { Verdict } from '../core/types.js';
import { answerKey } from './answer-keys.js';
import { clampOffset, type ConsoleState, reconcile, viewOf } from './console-state.js';
import { decisionKey } from './decision-keys.js';
import { grantKey } from './grant-keys.js';
import type { KeyEvent } from './key-events.js';
import { actionFor, confirmActionFor } from './keymap.js';
import { type Mode, promptKey } from './mode.js';
import { moveSelection } from './selection.js';
import { type Effect, note, type Step, type StepContext } from './step.js';

export type { Effect, StepContext } from './step.js';

/**
 * Apply the keys of one read, in order, each to the state the one before left. Keys after a key
 * that opens a question (quit, decide every shown call) or shows more of a call before it may be
 * allowed are dropped: they were typed before the person could see what they would answer.
 */
export function applyKeys(state: ConsoleState, events: readonly KeyEvent[], ctx: StepContext): { state: ConsoleState; effects: Effect[] } {
  let s = reconcile({ ...state, notice: '' }, ctx.world, ctx.now);
  const effects: Effect[] = [];
  for (let i = 0; i < events.length; i++) {
    const ev = events[i]!;
    // In a prompt, an Enter with more text after it in the same read is part of a paste: text.
    const last = i === events.length - 1;
    const pasted = !last && ev.key.return && isPrompt(s.mode) ? { ...ev, input: '\n', key: { ...ev.key, return: false } } : ev;
    const r = step(s, pasted, ctx);
    s = reconcile(r.state, ctx.world, ctx.now);
    effects.push(...r.effects);
    if (r.stop) break;
  }
  return { state: s, effects };
}

const isPrompt = (m: Mode) => m.kind === 'filter' || m.kind === 'deny' || m.kind === 'allowRule' || (m.kind === 'answer' && m.other !== undefined);

function step(s: ConsoleState, ev: KeyEvent, ctx: StepContext): Step {
  const { input, key } = ev;
  const mode = s.mode;
  switch (mode.kind) {
    case 'editing':
      // The editor has the terminal; a stray key that reaches us decides nothing.
      return { state: s, effects: [] };
    case 'help':
      return helpKey(s, mode.offset, ev, ctx);
    case 'quit':
      if (confirmActionFor(input, key) === 'yes') return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'quit' }] };
      return note({ ...s, mode: { kind: 'normal' } }, 'Still watching; nothing was decided.');
    case 'many': {
      const a = confirmActionFor(input, key);
      const normal = { ...s, mode: { kind: 'normal' } as Mode };
      if (a === 'allowAll') return { state: normal, effects: [{ kind: 'decideMany', ids: mode.ids, verdict: { behavior: 'allow' } }] };
      if (a === 'denyAll') return { state: normal, effects: [{ kind: 'decideMany', ids: mode.ids, verdict: { behavior: 'deny' } }] };
      return note(normal, 'Nothing was decided.');
    }
    case 'filter': {
      const p = promptKey(mode.text, input, key);
      if (p.kind === 'edit') return { state: { ...s, mode: { ...mode, text: p.text }, filterText: p.text }, effects: [] };
      if (p.kind === 'cancel') return { state: { ...s, mode: { kind: 'normal' }, filterText: mode.previous }, effects: [] };
      return note({ ...s, mode: { kind: 'normal' } }, p.text.trim() ? `Filter: ${p.text.trim()} (Esc clears it).` : 'Filter cleared.');
    }
    case 'allowRule':
      return grantKey(s, mode, ev, ctx);
    case 'deny': {
      const p = promptKey(mode.text, input, key);
      if (p.kind === 'edit') return { state: { ...s, mode: { ...mode, text: p.text } }, effects: [] };
      if (p.kind === 'cancel') return note({ ...s, mode: { kind: 'normal' } }, 'Message cancelled; nothing was decided.');
      // The message goes to the agent exactly as typed; an empty one gets the broker's default.
      const verdict: Verdict = p.text ? { behavior: 'deny', message: p.text } : { behavior: 'deny' };
      return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'decide', id: mode.id, verdict }] };
    }
    case 'answer':
      return answerKey(s, mode, ev, ctx, (scrollKey) => mainKey(s, scrollKey, ctx));
    case 'normal':
      return mainKey(s, ev, ctx);
  }
}

function mainKey(s: ConsoleState, { input, key }: KeyEvent, ctx: StepContext): Step {
  const state = (next: Partial<ConsoleState>): Step => ({ state: { ...s, ...next }, effects: [] });
  const action = actionFor(input, key);
  switch (action) {
    case 'up':
    case 'down': {
      const v = viewOf(s, ctx.world);
      const delta = action === 'up' ? -1 : 1;
      // A move by the person is not a change "by itself": the guard does not start.
      return s.focus === 'queue'
        ? state({ selected: moveSelection(v.current, v.ids, delta) })
        : state({ historySelected: moveSelection(v.currentHistory, v.historyIds, delta) });
    }
    case 'allow':
    case 'deny':
    case 'denyWithMessage':
    case 'edit':
    case 'alwaysAllow':
    case 'many':
      return decisionKey(action, s, ctx);
    case 'toggleDetail':
      return state({ showDetail: !s.showDetail });
    case 'focus':
      return state({ focus: s.focus === 'queue' ? 'history' : 'queue' });
    case 'filter':
      return state({ mode: { kind: 'filter', text: s.filterText, previous: s.filterText } });
    case 'clearFilter':
      return s.filterText ? { state: { ...s, filterText: '', notice: 'Filter cleared.' }, effects: [] } : { state: s, effects: [] };
    case 'pageUp':
    case 'pageDown': {
      const v = viewOf(s, ctx.world);
      if (!v.detailCall) return { state: s, effects: [] };
      const dir = action === 'pageUp' ? -1 : 1;
      return state({ scroll: { id: v.detailCall.id, offset: clampOffset(v.offset + dir * Math.max(1, v.bodyRows - 1), v.lines.length, v.bodyRows) } });
    }
    case 'help':
      return state({ mode: { kind: 'help', offset: 0 } });
    case 'quit': {
      const waiting = ctx.waiting();
      return waiting > 0 ? { state: { ...s, mode: { kind: 'quit', waiting } }, effects: [], stop: true } : { state: s, effects: [{ kind: 'quit' }] };
    }
    default:
      return { state: s, effects: [] };
  }
}

/** In the help overlay: page through it on a small pane; any other key closes it. */
function helpKey(s: ConsoleState, offset: number, { input, key }: KeyEvent, ctx: StepContext): Step {
  const { width, height, banners } = ctx.world;
  const total = helpLines(helpWidth(width)).length;
  const page = helpPage(height, banners);
  const last = Math.max(0, total - page);
  const forward = key.pageDown || key.downArrow || input === 'j';
  const back = key.pageUp || key.upArrow || input === 'k';
  if (total > page && (forward || back)) {
    const next = Math.max(0, Math.min(last, offset + (forward ? page : -page)));
    return { state: { ...s, mode: { kind: 'help', offset: next } }, effects: [] };
  }
  return { state: { ...s, mode: { kind: 'normal' } }, effects: [] };
}
