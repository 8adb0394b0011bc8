import { DEFAULT_FOR_INDEX, fromClaude, GRANT_FOR, GRANT_WHERE, narrowestWhere, scopeLabel, whereFields, writeBackChoices, writeBackUpdates, type Grant, type GrantWhere } from '../core/grant.js';
import { proposeRule } from '../core/rules/index.js';
import { agentLabel, oneLine, summarizeInput } from '../core/summary.js';
import type { BrokerSnapshot, DecidedCall, PendingCall, PermissionUpdate, ToolCall, Verdict } from '../core/types.js';
import { type DetailLine, isComplete } from './detail-lines.js';
import { applyFilter, parseFilter } from './filter.js';
import type { KeyEvent } from './key-events.js';
import { actionFor, answerActionFor, confirmActionFor, grantActionFor } from './keymap.js';
import { MIN_ROWS, screenLayout, type ScreenLayout } from './layout.js';
import { type Mode, promptKey } from './mode.js';
import { answerOf, parseQuestions } from './questions.js';
import { moveSelection, reconcileSelection } from './selection.js';

export type Focus = 'queue' | 'history';

/**
 * Everything the console remembers between keys, in one value. Keys are applied to it one at a
 * time, each to the state the one before left (`applyKeys`), so a read holding several keys
 * (`↓a`, `jjj`, a paste) acts exactly as the same keys typed slowly; what a decision key decides
 * is computed from this state and the screen it describes, never from an older render.
 */
export interface ConsoleState {
  /** The queue's cursor, by call id (never an index: an arrival never moves it). */
  selected: string | undefined;
  /** The queue's ids the cursor was last placed among (a call leaving hands it to a neighbour). */
  queueIds: readonly string[];
  historySelected: string | undefined;
  focus: Focus;
  mode: Mode;
  filterText: string;
  showDetail: boolean;
  /** The first detail line shown, for call `id` (another call starts at its top). */
  scroll: { id: string | undefined; offset: number };
  /** Lines [0, upTo) of the detail `key` (call, width, length) have been drawn on screen. */
  seen: { key: string; upTo: number };
  /** When the call under the cursor last changed by itself (a call arrived or ended): decision keys wait. */
  guard: { id: string | undefined; at: number };
  /** The status line; every key clears it, and sets it again if it has something to say. */
  notice: string;
}

export const initialState: ConsoleState = {
  selected: undefined,
  queueIds: [],
  historySelected: undefined,
  focus: 'queue',
  mode: { kind: 'normal' },
  filterText: '',
  showDetail: true,
  scroll: { id: undefined, offset: 0 },
  seen: { key: '', upTo: 0 },
  guard: { id: undefined, at: 0 },
  notice: '',
};

/** What the console is drawn from besides its state. */
export interface World {
  /** The broker as last drawn: keys act on what the person saw, not on calls that arrived since. */
  snapshot: BrokerSnapshot;
  width: number;
  height: number;
  banners: number;
  /** The detail of a call, wrapped to the pane's width (the caller caches it). */
  detailOf(call: PendingCall | DecidedCall, asRan: ToolCall): readonly DetailLine[];
}

/** The screen a state and a world describe. */
export interface View {
  pending: readonly PendingCall[];
  recent: readonly DecidedCall[];
  ids: readonly string[];
  historyIds: readonly string[];
  /** The call under the queue's cursor. */
  current: string | undefined;
  currentHistory: string | undefined;
  selectedCall: PendingCall | undefined;
  historyCall: DecidedCall | undefined;
  /** The call in the detail pane: the queue's, or the history's while it has the focus. */
  detailCall: PendingCall | DecidedCall | undefined;
  lines: readonly DetailLine[];
  layout: ScreenLayout;
  /** Body lines the pane shows at once (one row goes to the "more below" line when it does not all fit). */
  bodyRows: number;
  offset: number;
  /** Identifies the detail as drawn: call, width and length (a Write's diff arriving changes it). */
  detailKey: string;
  /** Whether some line of the detail could not be kept (a cap on huge inputs). */
  complete: boolean;
}

/** A decided call as it ran: with the approver's edited input, if any. */
export function asRan(d: PendingCall | DecidedCall): ToolCall {
  return 'decision' in d && d.decision.edited && d.decision.updatedInput ? { ...d.call, input: d.decision.updatedInput } : d.call;
}

/** The first line a scroll may show, kept inside the content. */
export function clampOffset(offset: number, total: number, rows: number): number {
  return Math.max(0, Math.min(offset, total - rows));
}

export function viewOf(s: ConsoleState, w: World): View {
  const filter = parseFilter(s.filterText);
  const pending = applyFilter(w.snapshot.pending, filter);
  const recent = applyFilter(w.snapshot.recent, filter);
  const ids = pending.map((p) => p.id);
  const historyIds = recent.map((d) => d.id);
  const current = reconcileSelection(s.selected, s.queueIds, ids);
  const currentHistory = s.historySelected !== undefined && historyIds.includes(s.historySelected) ? s.historySelected : historyIds[0];
  const selectedCall = pending.find((p) => p.id === current);
  const historyCall = s.focus === 'history' ? recent.find((d) => d.id === currentHistory) : undefined;
  const detailCall = s.focus === 'queue' ? selectedCall : historyCall;
  const lines = detailCall ? w.detailOf(detailCall, asRan(detailCall)) : [];
  const layout = screenLayout({
    height: w.height,
    width: w.width,
    // The A chooser takes two more footer lines (scope, write-back) where the pane has room.
    banners: w.banners + (s.mode.kind === 'allowRule' && grantRoomy(w.height, w.banners, s.mode.call) ? grantFooterExtra(s.mode.call) : 0),
    decisionLine: historyCall !== undefined,
    detailLines: s.showDetail && detailCall ? lines.length : 0,
    pending: pending.length,
  });
  const bodyRows = lines.length > layout.detailRows ? Math.max(1, layout.detailRows - 1) : layout.detailRows;
  const offset = s.scroll.id === detailCall?.id ? clampOffset(s.scroll.offset, lines.length, bodyRows) : 0;
  const complete = isComplete(lines);
  const detailKey = detailCall ? `${detailCall.id}|${w.width}|${lines.length}` : '';
  return { pending, recent, ids, historyIds, current, currentHistory, selectedCall, historyCall, detailCall, lines, layout, bodyRows, offset, detailKey, complete };
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/**
 * The queue's cursor follows the calls on screen: kept on its call, handed to a neighbour when
 * that call ends. When the call under the cursor changes this way, without a key, decision keys
 * wait `guardMs` (the guard), so a key meant for the old call can't decide the new one.
 */
export function reconcile(s: ConsoleState, w: World, now: number): ConsoleState {
  const v = viewOf(s, w);
  if (v.current === s.selected && sameIds(v.ids, s.queueIds)) return s;
  const moved = v.current !== s.selected;
  return { ...s, selected: v.current, queueIds: v.ids, ...(moved ? { guard: { id: v.current, at: now } } : {}) };
}

/** After a frame was drawn: the detail lines it showed count as read. */
export function markShown(s: ConsoleState, v: View): ConsoleState {
  if (s.focus !== 'queue' || !v.detailCall || !s.showDetail || v.layout.tooSmall || v.layout.detailRows === 0) return s;
  const upTo = Math.min(v.lines.length, v.offset + v.bodyRows);
  const prev = s.seen.key === v.detailKey ? s.seen.upTo : 0;
  // Only a page that starts within what was read extends it: pages skipped between two frames
  // (several PgDn in one read) were never drawn.
  if (v.offset > prev) return s;
  return upTo > prev ? { ...s, seen: { key: v.detailKey, upTo } } : s;
}

/** What a key asks the outside to do; the state machine itself does no I/O. */
export type Effect =
  | { kind: 'decide'; id: string; verdict: Verdict; how?: string }
  | { kind: 'decideMany'; ids: readonly string[]; verdict: Verdict }
  /** Save the grant's rule; then, unless from the history, allow call `id` as the person's decision (with `updatedPermissions`). */
  | { kind: 'saveRule'; id: string; grant: Grant; allowCall: boolean; updatedPermissions: PermissionUpdate[] }
  | { kind: 'quit' };

export interface StepContext {
  world: World;
  now: number;
  guardMs: number;
  canEdit: boolean;
  canAlwaysAllow: boolean;
  homeDir?: string | undefined;
  /** Why a typed rule is not a rule (the always-allow prompt stays open then), or undefined. */
  ruleError(text: string): string | undefined;
  /** Calls waiting in the broker right now, filtered or not (quit asks first when any wait). */
  waiting(): number;
}

interface Step {
  state: ConsoleState;
  effects: Effect[];
  /** The keys after this one in the same read are not applied (they were typed before what this key shows). */
  stop?: boolean;
}

const SAMPLE = 3;

/**
 * Footer lines the A chooser takes beyond the usual two: scope, past asks, where the rule lives,
 * and for a call from Claude what telling Claude trades away.
 */
export function grantFooterExtra(call: ToolCall): number {
  return fromClaude(call) ? 4 : 3;
}

/** Whether the pane has room for the chooser's extra lines (else it shows the pattern and one status line). */
export function grantRoomy(height: number, banners: number, call: ToolCall): boolean {
  return height - banners >= MIN_ROWS + grantFooterExtra(call);
}

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

function note(s: ConsoleState, notice: string): Step {
  return { state: { ...s, notice }, effects: [] };
}

function step(s: ConsoleState, ev: KeyEvent, ctx: StepContext): Step {
  const { input, key } = ev;
  const mode = s.mode;
  switch (mode.kind) {
    case 'editing':
      // The editor has the terminal; a stray key that reaches us decides nothing.
      return { state: s, effects: [] };
    case 'help':
      return { state: { ...s, mode: { kind: 'normal' } }, effects: [] };
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
      return answerKey(s, mode, ev, ctx);
    case 'normal':
      return mainKey(s, ev, ctx);
  }
}

type GrantMode = Extract<Mode, { kind: 'allowRule' }>;

/** The chooser's scope keys first (Tab, arrows), then the pattern prompt's. */
function grantKey(s: ConsoleState, mode: GrantMode, ev: KeyEvent, ctx: StepContext): Step {
  const { input, key } = ev;
  const set = (m: Partial<GrantMode>): Step => ({ state: { ...s, mode: { ...mode, ...m } }, effects: [] });
  const g = grantActionFor(input, key);
  if (g === 'where') {
    // The next scope this call can have (a call with no session skips "this session").
    for (let k = 1; k <= GRANT_WHERE.length; k++) {
      const next = GRANT_WHERE[(GRANT_WHERE.indexOf(mode.where) + k) % GRANT_WHERE.length] as GrantWhere;
      if (whereFields(next, mode.call).ok) return set({ where: next });
    }
    return set({});
  }
  if (g === 'longer' || g === 'shorter') {
    const forIndex = Math.max(0, Math.min(GRANT_FOR.length - 1, mode.forIndex + (g === 'longer' ? 1 : -1)));
    return set({ forIndex });
  }
  if (g === 'writeBack' || g === 'writeBackBack') {
    const n = writeBackChoices(mode.call).length;
    return set({ writeBack: (mode.writeBack + (g === 'writeBack' ? 1 : n - 1)) % n });
  }
  const p = promptKey(mode.text, input, key);
  if (p.kind === 'edit') return set({ text: p.text });
  if (p.kind === 'cancel') return note({ ...s, mode: { kind: 'normal' } }, 'No rule saved; nothing was decided.');
  const pattern = p.text.trim();
  if (pattern === '' || ctx.ruleError(pattern) !== undefined) return { state: s, effects: [] };
  const where = whereFields(mode.where, mode.call);
  if (!where.ok) return note(s, `No rule saved: ${where.why}; Tab picks another scope.`);
  const forMs = GRANT_FOR[mode.forIndex];
  const grant: Grant = {
    pattern,
    fields: where.fields,
    ...(forMs === undefined ? {} : { forMs }),
    scope: scopeLabel(mode.where, forMs),
    callId: mode.id,
  };
  const choice = writeBackChoices(mode.call)[mode.writeBack] ?? { kind: 'none' as const };
  const updatedPermissions = mode.fromHistory ? [] : writeBackUpdates(choice, mode.call, pattern);
  return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'saveRule', id: mode.id, grant, allowCall: !mode.fromHistory, updatedPermissions }] };
}

/** The chooser as it opens on a call: the narrowest pattern and scope, an hour, Claude not told. */
function openGrant(id: string, call: ToolCall, homeDir: string | undefined, fromHistory: boolean): GrantMode {
  const p = proposeRule(call, homeDir);
  return {
    kind: 'allowRule',
    id,
    call,
    text: p.locked === undefined ? p.pattern : '',
    proposal: p.pattern,
    ...(p.locked === undefined ? {} : { locked: p.locked }),
    where: narrowestWhere(call),
    forIndex: DEFAULT_FOR_INDEX,
    writeBack: 0,
    ...(fromHistory ? { fromHistory: true as const } : {}),
  };
}

type AnswerMode = Extract<Mode, { kind: 'answer' }>;

/**
 * One key while answering an agent's questions. Each question is answered only once it has been
 * drawn: moving to the next question (or to the answers before they are sent) drops the keys
 * typed after it in the same read, as a question does. Nothing is decided until Enter on the
 * answers shown together; Esc decides nothing.
 */
function answerKey(s: ConsoleState, mode: AnswerMode, { input, key }: KeyEvent, ctx: StepContext): Step {
  const normal = (notice: string): Step => note({ ...s, mode: { kind: 'normal' } }, notice);
  const set = (next: Partial<AnswerMode>): Step => ({ state: { ...s, mode: { ...mode, ...next } }, effects: [] });
  // The call may have ended while it was answered (its agent went away, a timeout, `cco approve`).
  if (!ctx.world.snapshot.pending.some((p) => p.id === mode.id)) return normal(`${mode.id} was already decided; your answers were not sent.`);
  // The questions stay in the detail pane above: it still scrolls.
  if (key.pageUp || key.pageDown) return mainKey(s, { input, key }, ctx);
  const q = mode.questions[mode.index];
  const advance = (answer: string): Step => {
    const answers = mode.answers.slice(0, mode.index).concat([answer]);
    return { state: { ...s, mode: { ...mode, index: mode.index + 1, answers, picked: [], other: undefined } }, effects: [], stop: true };
  };

  if (q && mode.other !== undefined) {
    const p = promptKey(mode.other, input, key);
    if (p.kind === 'edit') return set({ other: p.text });
    if (p.kind === 'cancel') return set({ other: undefined });
    const answer = p.text.trim() ? answerOf(q, mode.picked, p.text) : undefined;
    return answer === undefined ? note(s, 'Type your answer, or Esc to go back to the options.') : advance(answer);
  }

  const action = answerActionFor(input, key);
  if (action === 'cancel') return normal(`Answers cancelled; nothing was decided (${mode.id} still waits).`);
  if (action === 'back') {
    if (mode.index === 0) return note(s, 'This is the first question; Esc stops answering.');
    return set({ index: mode.index - 1, answers: mode.answers.slice(0, mode.index - 1), picked: [], other: undefined });
  }
  if (!q) {
    // Every question answered, the answers on screen: Enter sends them.
    if (action !== 'next') return { state: s, effects: [] };
    const answers = Object.fromEntries(mode.questions.map((x, i) => [x.question, mode.answers[i] ?? '']));
    const verdict: Verdict = { behavior: 'allow', updatedInput: { ...mode.input, answers } };
    return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'decide', id: mode.id, verdict, how: ' with your answers' }] };
  }
  switch (action) {
    case 'pick': {
      const i = Number(input) - 1;
      if (!(i < q.options.length)) return note(s, `There is no option ${input}: this question has ${q.options.length} (o types your own answer).`);
      if (!q.multiSelect) return advance(q.options[i]!.label);
      return set({ picked: mode.picked.includes(i) ? mode.picked.filter((x) => x !== i) : [...mode.picked, i].sort((a, b) => a - b) });
    }
    case 'other':
      return set({ other: '' });
    case 'next': {
      const answer = q.multiSelect ? answerOf(q, mode.picked, undefined) : undefined;
      if (answer !== undefined) return advance(answer);
      return note(s, q.multiSelect ? 'Pick at least one option by its number, or o to type your own answer.' : 'Pick an option by its number, or o to type your own answer.');
    }
    default:
      return { state: s, effects: [] };
  }
}

type Target = { ok: true; id: string; call: PendingCall; view: View } | { ok: false; step: Step };

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
  if (!s.showDetail) return { state: { ...s, showDetail: true, notice: `The detail of ${t.id} was hidden; read it, then press ${what} again.` }, effects: [], stop: true };
  if (!v.complete) return note(s, `${t.id} is too large to show whole here: d denies it, e opens all of it in your editor.`);
  const seen = s.seen.key === v.detailKey ? s.seen.upTo : 0;
  const shown = Math.max(seen, v.lines.length <= v.bodyRows ? v.lines.length : 0);
  if (shown >= v.lines.length) return undefined;
  // Show from the last line read, so the page starts where reading stopped.
  const offset = clampOffset(Math.max(0, shown - 1), v.lines.length, v.bodyRows);
  const end = Math.min(v.lines.length, offset + v.bodyRows);
  return {
    state: { ...s, scroll: { id: t.id, offset }, notice: `${t.id} goes on: lines ${offset + 1}–${end} of ${v.lines.length} shown. ${what} again once you have read to the end.` },
    effects: [],
    stop: true,
  };
}

/** `a` on an agent's questions: the first question is asked (and the keys after `a` in the read are dropped). */
function answerStart(s: ConsoleState, t: Extract<Target, { ok: true }>): Step {
  const input = t.call.call.input ?? {};
  const questions = parseQuestions(input);
  if (!questions) return note(s, `cco cannot read the questions of ${t.id}: d denies it, e edits its input (add "answers") and allows it.`);
  return { state: { ...s, mode: { kind: 'answer', id: t.id, input, questions, index: 0, answers: [], picked: [], other: undefined } }, effects: [], stop: true };
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
      const sample = v.pending.slice(0, SAMPLE).map((p) => `${p.id} ${p.call.toolName} ${agentLabel(p.call.agent)}: ${oneLine(summarizeInput(p.call, 80), 80)}`);
      return { state: { ...s, mode: { kind: 'many', ids: v.ids, sample, filter: s.filterText.trim() } }, effects: [], stop: true };
    }
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
      return state({ mode: { kind: 'help' } });
    case 'quit': {
      const waiting = ctx.waiting();
      return waiting > 0 ? { state: { ...s, mode: { kind: 'quit', waiting } }, effects: [], stop: true } : { state: s, effects: [{ kind: 'quit' }] };
    }
    default:
      return { state: s, effects: [] };
  }
}
