import { Box, Text, useApp, useInput, useStdin } from 'ink';
import { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import type { Verdict } from '../core/types.js';
import { HistoryRow, PendingRow } from './components/CallRows.js';
import { clampOffset, DetailPane } from './components/DetailPane.js';
import { Footer } from './components/Footer.js';
import { Header } from './components/Header.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { claudeRuleFromCall } from '../core/rules/index.js';
import { detailLines } from './detail-lines.js';
import { actionFor } from './keymap.js';
import { type Mode, promptKey } from './mode.js';
import { previewRule } from './rule-preview.js';
import { moveSelection, reconcileSelection } from './selection.js';
import { ColorContext } from './theme.js';
import { useAttention } from './use-attention.js';
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
}

const EMPTY: ReturnType<AlertBoard['snapshot']> = [];
const NO_ALERTS: Pick<AlertBoard, 'snapshot' | 'subscribe'> = { snapshot: () => EMPTY, subscribe: () => () => {} };

/** Lines taken by everything but the two lists and the detail body (see the layout below). */
const CHROME_ROWS = 11;

/** The console: the queue of waiting calls, the selected call in full, recent decisions below. */
export function App(props: AppProps) {
  return (
    <ColorContext.Provider value={props.color ?? true}>
      <Screen {...props} />
    </ColorContext.Provider>
  );
}

function Screen({ source, url, version, onQuit, alerts, decisionGuardMs = 300, clock = Date.now, onBell, onTitle, homeDir, onAlwaysAllow }: AppProps) {
  const snap = useSnapshot(source);
  const board = alerts ?? NO_ALERTS;
  const banners = useSyncExternalStore(board.subscribe, board.snapshot);
  const now = useNow(1000);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { width, height } = useTerminalSize();
  useAttention(snap.pending, { onBell, onTitle });

  const ids = snap.pending.map((p) => p.id);
  const prevIds = useRef<readonly string[]>(ids);
  const [selected, setSelected] = useState<string | undefined>(ids[0]);
  const [notice, setNotice] = useState<string>('');
  const [mode, setModeState] = useState<Mode>({ kind: 'normal' });
  // Keys can arrive before the handler sees the last render (a fast typist, a paste), so the
  // handler reads the mode from a ref that every change updates at once.
  const modeRef = useRef(mode);
  const setMode = (m: Mode) => {
    modeRef.current = m;
    setModeState(m);
  };
  const [showDetail, setShowDetail] = useState(true);
  const [scroll, setScroll] = useState({ id: undefined as string | undefined, offset: 0 });

  // Keep the selection on the same call as the queue changes.
  const current = reconcileSelection(selected, prevIds.current, ids);
  useEffect(() => {
    prevIds.current = ids;
    if (current !== selected) setSelected(current);
  });

  // When the call under the cursor changes, the guard starts again.
  const shown = useRef<{ id: string | undefined; at: number }>({ id: undefined, at: 0 });
  if (shown.current.id !== current) shown.current = { id: current, at: clock() };
  const guarded = (id: string): boolean => {
    if (clock() - shown.current.at >= decisionGuardMs) return false;
    setNotice(`The selection just changed to ${id}: check it, then press again.`);
    return true;
  };

  const send = (id: string, verdict: Verdict) => {
    Promise.resolve()
      .then(() => source.decide(id, verdict))
      .then(
        (d) => setNotice(`${d.behavior === 'allow' ? 'Allowed' : 'Denied'} ${id}.`),
        (e: unknown) => setNotice(e instanceof Error ? e.message : String(e)),
      );
  };
  const decide = (verdict: Verdict) => {
    if (current !== undefined && !guarded(current)) send(current, verdict);
  };

  const selectedCall = snap.pending.find((p) => p.id === current);
  const lines = useMemo(() => (selectedCall ? detailLines(selectedCall.call) : []), [selectedCall]);
  const ruleText = mode.kind === 'allowRule' ? mode.text : undefined;
  const preview = useMemo(
    () => (ruleText !== undefined && homeDir !== undefined ? previewRule(ruleText, homeDir, snap.pending, snap.recent) : undefined),
    [ruleText, homeDir, snap.pending, snap.recent],
  );

  const alwaysAllow = async (id: string, pattern: string) => {
    try {
      await onAlwaysAllow?.(pattern);
    } catch (e) {
      setNotice(`The rule was not saved, so ${id} is still waiting: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    setNotice(`Saved allow rule ${pattern}.`);
    // The saved rule may already have allowed this call (and others that match it).
    if (source.snapshot().pending.some((p) => p.id === id)) send(id, { behavior: 'allow' });
  };

  // Layout: header, banners, queue box (borders, title, rows, "more"), detail (title, body),
  // history box (borders, title, rows), footer, notice. Nothing is taller than the terminal.
  const free = Math.max(3, height - CHROME_ROWS - banners.length);
  const detailRows = showDetail && selectedCall ? Math.max(1, Math.min(lines.length, Math.floor(free / 2))) : 0;
  const listRows = Math.max(2, free - detailRows);
  const pendingRows = Math.max(1, Math.min(snap.pending.length, Math.ceil(listRows * 0.6), listRows - 1));
  const historyRows = Math.max(1, listRows - pendingRows);
  const start = Math.max(0, Math.min(ids.indexOf(current ?? '') - Math.floor(pendingRows / 2), snap.pending.length - pendingRows));
  const visible = snap.pending.slice(start, start + pendingRows);
  const offset = scroll.id === current ? clampOffset(scroll.offset, lines.length, detailRows) : 0;
  // Functional: keys can arrive faster than renders.
  const page = (dir: 1 | -1) =>
    setScroll((s) => {
      const from = s.id === current ? clampOffset(s.offset, lines.length, detailRows) : 0;
      return { id: current, offset: clampOffset(from + dir * Math.max(1, detailRows - 1), lines.length, detailRows) };
    });

  // Ink swaps in a new handler in an effect, after the frame is drawn; a key in between would
  // act on the previous render's selection. The ref always holds this render's handler.
  const onKey = useRef<Parameters<typeof useInput>[0]>(() => {});
  onKey.current = (input, key) => {
    const mode = modeRef.current;
    if (mode.kind === 'help') return setMode({ kind: 'normal' });
    if (mode.kind === 'allowRule') {
      const step = promptKey(mode.text, input, key);
      if (step.kind === 'edit') return setMode({ ...mode, text: step.text });
      if (step.kind === 'cancel') {
        setMode({ kind: 'normal' });
        return setNotice('No rule saved; nothing was decided.');
      }
      // An invalid pattern keeps the prompt open with the reason under it.
      if (preview && !preview.ok) return;
      setMode({ kind: 'normal' });
      void alwaysAllow(mode.id, step.text.trim());
      return;
    }
    if (mode.kind === 'deny') {
      const step = promptKey(mode.text, input, key);
      if (step.kind === 'edit') return setMode({ ...mode, text: step.text });
      setMode({ kind: 'normal' });
      // The message goes to the agent exactly as typed; an empty one gets the broker's default.
      if (step.kind === 'submit') send(mode.id, step.text ? { behavior: 'deny', message: step.text } : { behavior: 'deny' });
      else setNotice('Message cancelled; nothing was decided.');
      return;
    }
    switch (actionFor(input, key)) {
      case 'up':
        return setSelected(moveSelection(current, ids, -1));
      case 'down':
        return setSelected(moveSelection(current, ids, 1));
      case 'allow':
        return decide({ behavior: 'allow' });
      case 'deny':
        return decide({ behavior: 'deny' });
      case 'denyWithMessage':
        // The message is for the call selected now, whatever arrives while it is typed.
        if (current !== undefined && !guarded(current)) setMode({ kind: 'deny', id: current, text: '' });
        return;
      case 'alwaysAllow':
        if (!onAlwaysAllow) return setNotice('Always-allow is not available in this console.');
        if (selectedCall && !guarded(selectedCall.id)) setMode({ kind: 'allowRule', id: selectedCall.id, text: claudeRuleFromCall(selectedCall.call, homeDir) });
        return;
      case 'toggleDetail':
        return setShowDetail((v) => !v);
      case 'pageUp':
        return page(-1);
      case 'pageDown':
        return page(1);
      case 'help':
        return setMode({ kind: 'help' });
      case 'quit':
        onQuit();
        exit();
        return;
      default:
        return;
    }
  };
  useInput((input, key) => onKey.current(input, key), { isActive: isRawModeSupported === true });

  return (
    <Box flexDirection="column" width={width}>
      <Header pending={snap.pending.length} counts={snap.counts} url={url} version={version} banners={banners} />
      {mode.kind === 'help' ? (
        <HelpOverlay height={height - 3 - banners.length} />
      ) : (
        <>
          <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
            <Text bold>Waiting for you</Text>
            {snap.pending.length === 0 ? (
              <Text dimColor wrap="truncate">
                No calls waiting. Agents ask at {url}
              </Text>
            ) : (
              visible.map((p) => <PendingRow key={p.id} p={p} selected={p.id === current} now={now} width={width - 4} />)
            )}
            {snap.pending.length > visible.length ? <Text dimColor>{snap.pending.length - visible.length} more (↑/↓)</Text> : null}
          </Box>
          {selectedCall && detailRows > 0 ? <DetailPane call={selectedCall} lines={lines} height={detailRows} offset={offset} /> : null}
          <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
            <Text bold>Recent</Text>
            {snap.recent.length === 0 ? <Text dimColor>Nothing decided yet.</Text> : snap.recent.slice(0, historyRows).map((d) => <HistoryRow key={d.id} d={d} width={width - 4} />)}
          </Box>
        </>
      )}
      <Footer mode={mode} width={width} notice={notice} preview={preview} />
    </Box>
  );
}
