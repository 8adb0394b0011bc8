/**
 * What the console remembers between keys (`ConsoleState`), and the screen it describes with the
 * broker's snapshot (`viewOf`). The keys that change it are in ./console-keys.ts.
 */
import type { BrokerSnapshot, DecidedCall, PendingCall, ToolCall } from '../core/types.js';
import { type DetailLine, isComplete } from './detail-lines.js';
import { applyFilter, parseFilter } from './filter.js';
import { grantFooterRows } from './grant-keys.js';
import { screenLayout, type ScreenLayout } from './layout.js';
import type { Mode } from './mode.js';
import { reconcileSelection } from './selection.js';

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
    // The A chooser takes more footer lines: its pattern's, and scope and write-back where the pane has room.
    banners: w.banners + (s.mode.kind === 'allowRule' ? grantFooterRows(s.mode, w.width, w.height, w.banners).extra : 0),
    decisionLine: historyCall !== undefined,
    detailLines: s.showDetail && detailCall ? lines.length : 0,
    pending: pending.length,
  });
  const bodyRows = lines.length > layout.detailRows ? Math.max(1, layout.detailRows - 1) : layout.detailRows;
  const offset = s.scroll.id === detailCall?.id ? clampOffset(s.scroll.offset, lines.length, bodyRows) : 0;
  const complete = isComplete(lines);
  const detailKey = detailCall ? `${detailCall.id}|${w.width}|${lines.length}` : '';
  return {
    pending,
    recent,
    ids,
    historyIds,
    current,
    currentHistory,
    selectedCall,
    historyCall,
    detailCall,
    lines,
    layout,
    bodyRows,
    offset,
    detailKey,
    complete,
  };
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
