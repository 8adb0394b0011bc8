import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import type { ConsoleStatus } from '../core/console-status.js';
import type { DecidedCall, Decision, PendingCall, ToolCall, Verdict } from '../core/types.js';
import { applyKeys, type Effect, type StepContext } from './console-keys.js';
import { type ConsoleState, initialState, markShown, reconcile, viewOf, type World } from './console-state.js';
import { grantFooterRows } from './grant-keys.js';
import { DetailPane } from './components/DetailPane.js';
import { Footer } from './components/Footer.js';
import { bannerRows, Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { HistoryBox, QueueBox } from './components/Lists.js';
import type { DiskFile } from './disk-file.js';
import type { EditResult } from './editor.js';
import { type DetailLine, detailLines, wrapDetail } from './detail-lines.js';
import { splitKeys } from './key-events.js';
import { MIN_COLUMNS, MIN_ROWS } from './layout.js';
import { previewRule } from './rule-preview.js';
import { whereFields, type Grant } from '../core/grant.js';
import { REPLAY_LIMIT, replayLine, replayRule } from '../core/replay.js';
import { formatDuration } from '../core/duration.js';
import type { LogEntry } from '../core/audit.js';
import { ColorContext } from './theme.js';
import { useAttention } from './use-attention.js';
import { useDiskFile } from './use-disk-file.js';
import { useEditSession } from './use-edit-session.js';
import { useNow, useSnapshot } from './use-source.js';
import { useTerminalSize } from './use-terminal-size.js';

export interface AppProps {
  source: ConsoleSource;
  /** Shown in the header: where agents connect. */
  url: string;
  version: string;
  /** Called when the user quits with q. */
  onQuit: () => void;
  /** Problems shown as a banner until they are fixed. */
  alerts?: AlertBoard;
  /** Agents connected, default action and rule count for the header. */
  status?: Pick<StatusStore, 'snapshot' | 'subscribe'>;
  /**
   * Decision keys do nothing for this long after the selected call changed (a new call appeared,
   * the old one ended, the user moved), so a key meant for something else can't decide a call
   * the user has not seen.
   */
  decisionGuardMs?: number;
  /** Time source for the guard (tests move it by hand). */
  clock?: () => number;
  /** Called once per call that arrives while the console is open (run.tsx rings the terminal bell). */
  onBell?: () => void;
  /** Called with `cco (N)` when the pending count changes (run.tsx sets the terminal title). */
  onTitle?: (title: string) => void;
  /** False when NO_COLOR is set: the console then uses no colour at all. */
  color?: boolean;
  /** The user's home directory, for the pattern `A` proposes (`~/…` paths). Passed in, never read here. */
  homeDir?: string;
  /**
   * Saves an allow rule (Claude syntax). Given, `A` offers the narrowest pattern for the selected
   * call, saves it through this on Enter, then allows that call. A rejection is shown, nothing allowed.
   */
  onAlwaysAllow?: (grant: Grant) => void | { id: string } | Promise<void | { id: string }>;
  /**
   * Opens a call's input in the user's editor (`e`); an edited input is then allowed, after the
   * deny rules checked it again. The console reads no keys until it resolves.
   */
  onEdit?: (input: Record<string, unknown>) => Promise<EditResult>;
  /** Reads the file a Write would replace, so the detail shows a diff against it. */
  readFile?: (path: string) => Promise<DiskFile>;
  /** Broker changes redraw the screen at most this often (a burst of calls is one redraw). */
  throttleMs?: number;
}

interface StatusStore {
  snapshot(): ConsoleStatus;
  subscribe(listener: () => void): () => void;
}

const EMPTY: ReturnType<AlertBoard['snapshot']> = [];
const NO_ALERTS: Pick<AlertBoard, 'snapshot' | 'subscribe'> = { snapshot: () => EMPTY, subscribe: () => () => {} };
const NO_STATUS = { snapshot: () => undefined, subscribe: () => () => {} };

/** The console: the queue of waiting calls, the selected call in full, recent decisions below. */
export function App(props: AppProps) {
  return (
    <ColorContext.Provider value={props.color ?? true}>
      <Screen {...props} />
    </ColorContext.Provider>
  );
}

function Screen(props: AppProps) {
  const { source, url, version, onQuit, decisionGuardMs = 300, clock = Date.now, homeDir, onAlwaysAllow, onEdit } = props;
  const snap = useSnapshot(source, props.throttleMs);
  const board = props.alerts ?? NO_ALERTS;
  const banners = useSyncExternalStore(board.subscribe, board.snapshot);
  const statusStore = props.status ?? NO_STATUS;
  const status = useSyncExternalStore(statusStore.subscribe, statusStore.snapshot);
  const now = useNow(1000);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { width, height } = useTerminalSize();
  const bannerCount = bannerRows(banners, width).length;
  useAttention(snap.pending, { onBell: props.onBell, onTitle: props.onTitle });

  // The one state of the screen. Keys are applied to the ref (the latest state, whatever React
  // has drawn), then the ref is handed to React to draw.
  const [state, setState] = useState<ConsoleState>(initialState);
  const stateRef = useRef(state);
  const commit = (next: ConsoleState) => {
    stateRef.current = next;
    setState(next);
  };
  const update = (f: (s: ConsoleState) => ConsoleState) => commit(f(stateRef.current));
  const setNotice = (notice: string) => update((s) => ({ ...s, notice }));

  // Only a waiting Write is compared with the disk: after an allowed one the disk holds its text.
  const under = viewOf(state, { snapshot: snap, width, height, banners: bannerCount, detailOf: NO_LINES });
  const focusedCall = state.focus === 'queue' ? under.selectedCall : undefined;
  const disk = useDiskFile(focusedCall, props.readFile);
  const paneWidth = Math.max(10, width - 2);
  const detailOf = useDetailCache(paneWidth, focusedCall?.id, disk, homeDir);
  const world: World = { snapshot: snap, width, height, banners: bannerCount, detailOf };
  const worldRef = useRef(world);
  worldRef.current = world;
  const view = viewOf(state, world);

  // The cursor follows the calls drawn (a call ending hands it on, and the guard starts), and what
  // this frame shows of the detail counts as read.
  useEffect(() => {
    const s = reconcile(stateRef.current, worldRef.current, clock());
    const shown = markShown(s, viewOf(s, worldRef.current));
    if (shown !== stateRef.current) commit(shown);
  });

  const mode = state.mode;
  const grant = mode.kind === 'allowRule' ? mode : undefined;
  const ruleText = grant?.text;
  const scopeFields = grant === undefined ? undefined : whereFields(grant.where, grant.call);
  const scope = scopeFields?.ok ? scopeFields.fields : undefined;
  const scopeKey = JSON.stringify(scope ?? {});
  const preview = useMemo(
    () => (ruleText !== undefined && homeDir !== undefined ? previewRule(ruleText, homeDir, snap.pending, snap.recent, scope) : undefined),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [ruleText, homeDir, snap.pending, snap.recent, scopeKey],
  );
  // The past asks for the replay line: read once each time the chooser opens (bounded: REPLAY_LIMIT).
  const openedOn = grant?.id;
  const [pastAsks, setPastAsks] = useState<{ id: string; entries: readonly LogEntry[] } | undefined>(undefined);
  useEffect(() => {
    if (openedOn === undefined || source.pastAsks === undefined) return;
    let live = true;
    Promise.resolve()
      .then(() => source.pastAsks!(REPLAY_LIMIT))
      .then(
        (entries) => live && setPastAsks({ id: openedOn, entries }),
        () => live && setPastAsks({ id: openedOn, entries: [] }),
      );
    return () => {
      live = false;
    };
  }, [openedOn, source]);
  const replay = useMemo(() => {
    if (ruleText === undefined || homeDir === undefined || source.pastAsks === undefined) return undefined;
    if (ruleText.trim() === '') return 'Past asks: type a pattern to see what it would have allowed.';
    if (pastAsks === undefined || pastAsks.id !== openedOn) return 'Past asks: reading the audit log…';
    try {
      const r = replayRule({ id: 'candidate', pattern: ruleText.trim(), action: 'allow', ...(scope ?? {}) }, pastAsks.entries, { homeDir });
      // Agent text in it is escaped where it is drawn (the footer's oneLine).
      return r.asks === 0 ? 'No past asks in the audit log to compare with.' : `In the audit log it ${replayLine(r, (t) => t)}.`;
    } catch {
      return 'Past asks: this pattern cannot be checked against them yet (see the line above).';
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ruleText, homeDir, pastAsks, openedOn, scopeKey, source]);

  const send = (id: string, verdict: Verdict, how = '') => {
    Promise.resolve()
      .then(() => source.decide(id, verdict))
      .then(
        (d) => setNotice(decisionNotice(id, d, how)),
        (e: unknown) => setNotice(e instanceof Error ? e.message : String(e)),
      );
  };
  const sendMany = (ids: readonly string[], verdict: Verdict) => {
    const verb = verdict.behavior === 'allow' ? 'Allowed' : 'Denied';
    void Promise.allSettled(ids.map((id) => Promise.resolve().then(() => source.decide(id, verdict)))).then((results) => {
      const done = results.filter((r) => r.status === 'fulfilled' && r.value.behavior === verdict.behavior && r.value.decidedBy === 'user').length;
      const other = results.length - done;
      setNotice(`${verb} ${done} of ${ids.length} ${ids.length === 1 ? 'call' : 'calls'}${other ? ` (${other} had already ended or were decided otherwise)` : ''}.`);
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
  const quit = () => {
    onQuit();
    exit();
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

  // Ink swaps in a new handler in an effect, after the frame is drawn: the ref always holds this
  // render's handler, and the handler reads the state from its ref, never from this closure.
  const onKey = useRef<Parameters<typeof useInput>[0]>(() => {});
  onKey.current = (input, key) => {
    const w = worldRef.current;
    const ctx: StepContext = {
      world: w,
      now: clock(),
      guardMs: decisionGuardMs,
      canEdit: onEdit !== undefined,
      canAlwaysAllow: onAlwaysAllow !== undefined,
      homeDir,
      ruleError: (text) => (homeDir === undefined ? undefined : ruleErrorOf(previewRule(text, homeDir, [], []))),
      waiting: () => source.snapshot().pending.length,
    };
    const r = applyKeys(stateRef.current, splitKeys(input, key), ctx);
    commit(r.state);
    for (const e of r.effects) run(e);
  };
  // While the editor has the terminal the console lets go of the keyboard (raw mode off).
  useInput((input, key) => onKey.current(input, key), { isActive: isRawModeSupported === true && mode.kind !== 'editing' });

  // After useInput: its effect has released the terminal before the editor starts.
  useEditSession(mode.kind === 'editing' ? mode.id : undefined, {
    source,
    onEdit,
    finish: (notice) => update((s) => ({ ...s, mode: { kind: 'normal' }, notice })),
    send,
  });

  const { layout } = view;
  if (layout.tooSmall) {
    const message = `This pane is ${width}×${height}; the console needs at least ${MIN_COLUMNS}×${MIN_ROWS + bannerCount} to show a call whole. Make it larger; no key decides until then (${snap.pending.length} waiting).`;
    // The banners only when they fit with the header and this message (its rows counted as word
    // wrap makes them: no word of it is longer than 12 cells).
    const messageRows = Math.ceil(message.length / Math.max(1, width - 12));
    const shown = 1 + bannerCount + messageRows <= height ? banners : [];
    return (
      <Box flexDirection="column" width={width}>
        <Header pending={snap.pending.length} counts={snap.counts} url={url} banners={shown} status={status} />
        <Text wrap="wrap">{message}</Text>
      </Box>
    );
  }
  const filtered = state.filterText.trim() !== '' && view.pending !== snap.pending;
  const grantRows = grant === undefined ? undefined : grantFooterRows(grant, width, height, bannerCount);
  return (
    <Box flexDirection="column" width={width}>
      <Header pending={snap.pending.length} counts={snap.counts} url={url} banners={banners} status={status} />
      {mode.kind === 'help' ? (
        <HelpOverlay width={width} height={height} banners={bannerCount} offset={mode.offset} version={version} />
      ) : (
        <>
          <QueueBox
            calls={view.pending}
            total={snap.pending.length}
            selected={view.current}
            focused={state.focus === 'queue'}
            filtered={filtered}
            rows={layout.pendingRows}
            now={now}
            width={width - 4}
            url={url}
          />
          {view.detailCall && state.showDetail && layout.detailRows > 0 ? (
            <DetailPane call={view.detailCall} lines={view.lines} height={layout.detailRows} bodyRows={view.bodyRows} offset={view.offset} />
          ) : null}
          <HistoryBox
            calls={view.recent}
            total={snap.recent.length}
            selected={view.currentHistory}
            focused={state.focus === 'history'}
            filtered={filtered}
            rows={layout.historyRows}
            width={width - 4}
          />
        </>
      )}
      <Footer
        mode={mode}
        width={width}
        notice={state.notice}
        preview={preview}
        replay={replay}
        roomy={grantRows?.roomy ?? true}
        prompt={grantRows?.prompt}
        filter={state.filterText}
        tool={state.focus === 'queue' ? view.selectedCall?.call.toolName : undefined}
      />
    </Box>
  );
}

const NO_LINES = () => [];

const ruleErrorOf = (p: ReturnType<typeof previewRule>): string | undefined => (p.ok ? undefined : p.error);

/** The footer's line after a decision the console sent (`how`: " with your edit"). */
export function decisionNotice(id: string, d: Decision, how = ''): string {
  if (d.behavior === 'allow') return `Allowed ${id}${how}.`;
  if (d.decidedBy === 'user') return `Denied ${id}.`;
  return `Denied ${id} by ${d.decidedBy}${d.message ? `: ${d.message}` : '.'}`;
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
