import { Box, useApp, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import type { ConsoleStatus } from '../core/console-status.js';
import { claudeRuleFromCall } from '../core/rules/index.js';
import type { DecidedCall, PendingCall, ToolCall, Verdict } from '../core/types.js';
import { clampOffset, DetailPane } from './components/DetailPane.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { HistoryBox, QueueBox } from './components/Lists.js';
import type { DiskFile } from './disk-file.js';
import type { EditResult } from './editor.js';
import { detailLines } from './detail-lines.js';
import { applyFilter, parseFilter } from './filter.js';
import { actionFor } from './keymap.js';
import { screenLayout } from './layout.js';
import type { Mode } from './mode.js';
import { promptModeKey } from './prompt-keys.js';
import { previewRule } from './rule-preview.js';
import { moveSelection, reconcileSelection } from './selection.js';
import { ColorContext } from './theme.js';
import { useAttention } from './use-attention.js';
import { decisionNotice, useDecisionGuard } from './use-decision-guard.js';
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
  onAlwaysAllow?: (pattern: string) => void | Promise<void>;
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

/** A decided call as it ran: with the approver's edited input, if any. */
function asRan(d: DecidedCall | undefined): ToolCall | undefined {
  if (!d) return undefined;
  return d.decision.edited && d.decision.updatedInput ? { ...d.call, input: d.decision.updatedInput } : d.call;
}

interface StatusStore {
  snapshot(): ConsoleStatus;
  subscribe(listener: () => void): () => void;
}

const EMPTY: ReturnType<AlertBoard['snapshot']> = [];
const NO_ALERTS: Pick<AlertBoard, 'snapshot' | 'subscribe'> = { snapshot: () => EMPTY, subscribe: () => () => {} };
const NO_STATUS = { snapshot: () => undefined, subscribe: () => () => {} };

type Focus = 'queue' | 'history';

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
  useAttention(snap.pending, { onBell: props.onBell, onTitle: props.onTitle });

  const [notice, setNotice] = useState<string>('');
  const [mode, setModeState] = useState<Mode>({ kind: 'normal' });
  // Keys can arrive before the handler sees the last render (a fast typist, a paste), so the
  // handler reads the mode from a ref that every change updates at once.
  const modeRef = useRef(mode);
  const setMode = (m: Mode) => {
    modeRef.current = m;
    setModeState(m);
  };
  const [focus, setFocus] = useState<Focus>('queue');
  const [filterText, setFilterText] = useState('');
  const [showDetail, setShowDetail] = useState(true);
  const [scroll, setScroll] = useState({ id: undefined as string | undefined, offset: 0 });

  const filter = useMemo(() => parseFilter(filterText), [filterText]);
  const pending = useMemo(() => applyFilter(snap.pending, filter), [snap.pending, filter]);
  const recent = useMemo(() => applyFilter(snap.recent, filter), [snap.recent, filter]);

  // Both cursors are kept by call id, never by index, so an arrival never moves them.
  const ids = pending.map((p) => p.id);
  const prevIds = useRef<readonly string[]>(ids);
  const [selected, setSelected] = useState<string | undefined>(ids[0]);
  const current = reconcileSelection(selected, prevIds.current, ids);
  const historyIds = useMemo(() => recent.map((d) => d.id), [recent]);
  const [historySelected, setHistorySelected] = useState<string | undefined>(undefined);
  const currentHistory = historySelected !== undefined && historyIds.includes(historySelected) ? historySelected : historyIds[0];
  useEffect(() => {
    prevIds.current = ids;
    if (current !== selected) setSelected(current);
  });

  // When the call under the cursor changes (or the cursor comes back to the queue), the guard starts again.
  const guarded = useDecisionGuard(focus === 'queue' ? current : undefined, clock, decisionGuardMs, setNotice);
  const send = (id: string, verdict: Verdict, how = '') => {
    Promise.resolve()
      .then(() => source.decide(id, verdict))
      .then(
        (d) => setNotice(decisionNotice(id, d, how)),
        (e: unknown) => setNotice(e instanceof Error ? e.message : String(e)),
      );
  };

  const selectedCall = snap.pending.find((p) => p.id === current);
  const historyCall = focus === 'history' ? recent.find((d) => d.id === currentHistory) : undefined;
  const detailCall: PendingCall | undefined = focus === 'queue' ? selectedCall : historyCall;
  // Only a waiting Write is compared with the disk: after an allowed one the disk holds its text.
  const disk = useDiskFile(focus === 'queue' ? selectedCall : undefined, props.readFile);
  const lines = useMemo(() => (detailCall ? detailLines(asRan(historyCall) ?? detailCall.call, { disk }) : []), [detailCall, historyCall, disk]);
  const ruleText = mode.kind === 'allowRule' ? mode.text : undefined;
  const preview = useMemo(
    () => (ruleText !== undefined && homeDir !== undefined ? previewRule(ruleText, homeDir, snap.pending, snap.recent) : undefined),
    [ruleText, homeDir, snap.pending, snap.recent],
  );

  const alwaysAllow = async (id: string, pattern: string) => {
    try {
      await onAlwaysAllow?.(pattern);
    } catch (e) {
      setNotice(`The rule was not saved, so nothing was decided: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    setNotice(`Saved allow rule ${pattern}.`);
    // The saved rule may already have allowed this call (and others that match it).
    if (source.snapshot().pending.some((p) => p.id === id)) send(id, { behavior: 'allow' });
  };

  const quit = () => {
    onQuit();
    exit();
  };

  const { detailRows, pendingRows, historyRows } = screenLayout({
    height,
    banners: banners.length,
    decisionLine: historyCall !== undefined,
    detailLines: showDetail && detailCall ? lines.length : 0,
    pending: pending.length,
  });
  const detailId = detailCall?.id;
  const offset = scroll.id === detailId ? clampOffset(scroll.offset, lines.length, detailRows) : 0;
  // Functional: keys can arrive faster than renders.
  const page = (dir: 1 | -1) =>
    setScroll((s) => {
      const from = s.id === detailId ? clampOffset(s.offset, lines.length, detailRows) : 0;
      return { id: detailId, offset: clampOffset(from + dir * Math.max(1, detailRows - 1), lines.length, detailRows) };
    });

  /** Decision keys act on the queue; on the history they explain why not. */
  const decisionTarget = (): string | undefined => {
    if (focus === 'history') {
      setNotice(historyCall ? `${historyCall.id} was already decided. Tab goes back to the waiting calls.` : 'Tab goes back to the waiting calls.');
      return undefined;
    }
    return current !== undefined && !guarded(current) ? current : undefined;
  };

  // Ink swaps in a new handler in an effect, after the frame is drawn; a key in between would
  // act on the previous render's selection. The ref always holds this render's handler.
  const onKey = useRef<Parameters<typeof useInput>[0]>(() => {});
  onKey.current = (input, key) => {
    const prompt = { setMode, setNotice, setFilterText, send, quit, alwaysAllow: (id: string, p: string) => void alwaysAllow(id, p) };
    if (promptModeKey(modeRef.current, input, key, { ...prompt, ruleInvalid: preview?.ok === false })) return;
    const move = (delta: number) =>
      focus === 'queue' ? setSelected(moveSelection(current, ids, delta)) : setHistorySelected(moveSelection(currentHistory, historyIds, delta));
    switch (actionFor(input, key)) {
      case 'up':
        return move(-1);
      case 'down':
        return move(1);
      case 'allow': {
        const id = decisionTarget();
        if (id) send(id, { behavior: 'allow' });
        return;
      }
      case 'deny': {
        const id = decisionTarget();
        if (id) send(id, { behavior: 'deny' });
        return;
      }
      case 'denyWithMessage': {
        // The message is for the call selected now, whatever arrives while it is typed.
        const id = decisionTarget();
        if (id) setMode({ kind: 'deny', id, text: '' });
        return;
      }
      case 'edit': {
        if (!onEdit) return setNotice('Editing is not available in this console.');
        const id = decisionTarget();
        if (id) setMode({ kind: 'editing', id });
        return;
      }
      case 'alwaysAllow': {
        if (!onAlwaysAllow) return setNotice('Always-allow is not available in this console.');
        // From the history it only saves the rule (and allows the waiting calls it matches).
        const call = focus === 'queue' ? (current !== undefined && !guarded(current) ? selectedCall : undefined) : historyCall;
        if (call) setMode({ kind: 'allowRule', id: call.id, text: claudeRuleFromCall(call.call, homeDir) });
        return;
      }
      case 'toggleDetail':
        return setShowDetail((v) => !v);
      case 'focus':
        return setFocus((f) => (f === 'queue' ? 'history' : 'queue'));
      case 'filter':
        return setMode({ kind: 'filter', text: filterText, previous: filterText });
      case 'clearFilter':
        if (filterText) {
          setFilterText('');
          setNotice('Filter cleared.');
        }
        return;
      case 'pageUp':
        return page(-1);
      case 'pageDown':
        return page(1);
      case 'help':
        return setMode({ kind: 'help' });
      case 'quit': {
        const waiting = source.snapshot().pending.length;
        return waiting > 0 ? setMode({ kind: 'quit', waiting }) : quit();
      }
      default:
        return;
    }
  };
  // While the editor has the terminal the console lets go of the keyboard (raw mode off).
  useInput((input, key) => onKey.current(input, key), { isActive: isRawModeSupported === true && mode.kind !== 'editing' });

  // After useInput: its effect has released the terminal before the editor starts.
  useEditSession(mode.kind === 'editing' ? mode.id : undefined, { source, onEdit, setMode, setNotice, send });

  return (
    <Box flexDirection="column" width={width}>
      <Header pending={snap.pending.length} counts={snap.counts} url={url} banners={banners} status={status} />
      {mode.kind === 'help' ? (
        <HelpOverlay height={height - 3 - banners.length} version={version} />
      ) : (
        <>
          <QueueBox
            calls={pending}
            total={snap.pending.length}
            selected={current}
            focused={focus === 'queue'}
            filtered={filter !== undefined}
            rows={pendingRows}
            now={now}
            width={width - 4}
            url={url}
          />
          {detailCall && detailRows > 0 ? <DetailPane call={detailCall} lines={lines} height={detailRows} offset={offset} /> : null}
          <HistoryBox
            calls={recent}
            total={snap.recent.length}
            selected={currentHistory}
            focused={focus === 'history'}
            filtered={filter !== undefined}
            rows={historyRows}
            width={width - 4}
          />
        </>
      )}
      <Footer mode={mode} width={width} notice={notice} preview={preview} filter={filterText} />
    </Box>
  );
}
