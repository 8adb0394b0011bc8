/**
 * The console's state and what it is drawn from, as hooks: the one state (keys applied to a ref,
 * then handed to React), the world a frame shows (the snapshot, the pane, the detail lines), and
 * the key handler.
 */
import { useInput } from 'ink';
import { useEffect, useRef, useState, type MutableRefObject } from 'react';
import type { BrokerSnapshot, DecidedCall, PendingCall, ToolCall } from '../core/types.js';
import { applyKeys, type Effect, type StepContext } from './console-keys.js';
import { type ConsoleState, initialState, markShown, reconcile, type View, viewOf, type World } from './console-state.js';
import { type DetailLine, detailLines, wrapDetail } from './detail-lines.js';
import type { DiskFile } from './disk-file.js';
import { splitKeys } from './key-events.js';
import { useDiskFile } from './use-disk-file.js';
import { whoDecided } from '../core/people.js';

/** The one state of the screen. Keys are applied to the ref (the latest state, whatever React has drawn), then the ref is handed to React to draw. */
export function useConsoleState() {
  const [state, setState] = useState<ConsoleState>(initialState);
  const stateRef = useRef(state);
  const commit = (next: ConsoleState) => {
    stateRef.current = next;
    setState(next);
  };
  const update = (f: (s: ConsoleState) => ConsoleState) => commit(f(stateRef.current));
  const setNotice = (notice: string) => update((s) => ({ ...s, notice }));
  return { state, stateRef, commit, update, setNotice };
}

const NO_LINES = () => [];

export interface WorldInput {
  snap: BrokerSnapshot;
  width: number;
  height: number;
  bannerCount: number;
  readFile: ((path: string) => Promise<DiskFile>) | undefined;
  homeDir: string | undefined;
  clock: () => number;
  /** The calls this console sent a decision for: their leaving needs no word. */
  sent: ReadonlySet<string>;
}

/** What this frame shows (the view) and the world the key handler reads (always the latest, through its ref). */
export function useWorld(
  state: ConsoleState,
  stateRef: MutableRefObject<ConsoleState>,
  commit: (s: ConsoleState) => void,
  input: WorldInput,
): { view: View; worldRef: MutableRefObject<World> } {
  const { snap, width, height, bannerCount, homeDir, clock } = input;
  // Only a waiting Write is compared with the disk: after an allowed one the disk holds its text.
  const under = viewOf(state, { snapshot: snap, width, height, banners: bannerCount, detailOf: NO_LINES });
  const focusedCall = state.focus === 'queue' ? under.selectedCall : undefined;
  const disk = useDiskFile(focusedCall, input.readFile);
  const detailOf = useDetailCache(Math.max(10, width - 2), focusedCall?.id, disk, homeDir);
  const world: World = { snapshot: snap, width, height, banners: bannerCount, detailOf };
  const worldRef = useRef(world);
  worldRef.current = world;
  // The cursor follows the calls drawn (a call ending hands it on, and the guard starts), and what
  // this frame shows of the detail counts as read.
  useEffect(() => {
    const before = stateRef.current;
    const s = reconcile(before, worldRef.current, clock());
    let shown = markShown(s, viewOf(s, worldRef.current));
    // The call under the cursor was decided elsewhere (another console, its timeout): say by whom.
    const gone = before.selected;
    if (gone !== undefined && s.selected !== gone && !input.sent.has(gone)) {
      const decided = worldRef.current.snapshot.recent.slice(0, 50).find((d) => d.id === gone);
      if (decided) shown = { ...shown, notice: leftNotice(decided) };
    }
    if (shown !== stateRef.current) commit(shown);
  });
  return { view: viewOf(state, world), worldRef };
}

/** The footer's line when the call under the cursor leaves the queue decided by someone else. */
export function leftNotice(d: DecidedCall): string {
  const how =
    d.decision.decidedBy === 'cancelled' || d.decision.decidedBy === 'elsewhere'
      ? 'was withdrawn'
      : `was ${d.decision.behavior === 'allow' ? 'allowed' : 'denied'}`;
  return `${d.id} left the queue: it ${how} (${whoDecided(d.decision, 'this console')}).`;
}

export interface KeyDeps {
  stateRef: MutableRefObject<ConsoleState>;
  commit: (s: ConsoleState) => void;
  run: (e: Effect) => void;
  ctx: () => StepContext;
  onActivity: (() => void) | undefined;
  /** While the editor has the terminal the console lets go of the keyboard (raw mode off). */
  active: boolean;
}

/**
 * Keys, applied to the latest state. Ink swaps in a new handler in an effect, after the frame is
 * drawn: the ref always holds this render's handler, and the handler reads the state from its
 * ref, never from a closure.
 */
export function useKeys({ stateRef, commit, run, ctx, onActivity, active }: KeyDeps): void {
  const onKey = useRef<Parameters<typeof useInput>[0]>(() => {});
  onKey.current = (input, key) => {
    onActivity?.();
    const r = applyKeys(stateRef.current, splitKeys(input, key), ctx());
    commit(r.state);
    for (const e of r.effects) run(e);
  };
  useInput((input, key) => onKey.current(input, key), { isActive: active });
}

/**
 * Detail lines per call, wrapped to the pane: built once per call (and disk file, and width), as
 * the key handler asks for them on every key.
 */
function useDetailCache(width: number, diskFor: string | undefined, disk: DiskFile | undefined, home: string | undefined) {
  const cache = useRef(new WeakMap<object, { width: number; disk: DiskFile | undefined; lines: readonly DetailLine[] }>());
  return (call: PendingCall | DecidedCall, ran: ToolCall): readonly DetailLine[] => {
    const d = call.id === diskFor && !('decision' in call) ? disk : undefined;
    const hit = cache.current.get(call);
    if (hit && hit.width === width && hit.disk === d) return hit.lines;
    const lines = wrapDetail(detailLines(ran, { disk: d, home }), width);
    cache.current.set(call, { width, disk: d, lines });
    return lines;
  };
}
