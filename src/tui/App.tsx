import { Box, useApp, useStdin } from 'ink';
import { useSyncExternalStore } from 'react';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import type { ConsoleStatus } from '../core/console-status.js';
import { escapeText } from '../core/escape.js';
import type { StepContext } from './console-keys.js';
import { grantFooterRows } from './grant-keys.js';
import { Footer } from './components/Footer.js';
import { bannerRows, Header } from './components/Header.js';
import { useDecisions } from './use-decisions.js';
import { useGrantPreview } from './use-grant-preview.js';
import { HelpOverlay } from './components/HelpOverlay.js';
import { Lists, TooSmall } from './components/Screens.js';
import type { DiskFile } from './disk-file.js';
import type { EditResult } from './editor.js';
import { previewRule } from './rule-preview.js';
import type { Grant } from '../core/grant.js';
import { ColorContext } from './theme.js';
import { useAttention } from './use-attention.js';
import { useConsoleState, useKeys, useWorld } from './use-console.js';
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
  /** Called at each key read: a person is at this console (cco's presence). */
  onActivity?: () => void;
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
  const { source, version, onQuit, decisionGuardMs = 300, clock = Date.now, homeDir, onAlwaysAllow, onEdit } = props;
  // A remote console's URL is the server's word (its snapshot names it): shown like agent text.
  const url = escapeText(props.url);
  const snap = useSnapshot(source, props.throttleMs);
  const { banners, status } = useBoards(props);
  const now = useNow(1000);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { width, height } = useTerminalSize();
  const bannerCount = bannerRows(banners, width).length;
  useAttention(snap.pending, { onBell: props.onBell, onTitle: props.onTitle });

  const { state, stateRef, commit, update, setNotice } = useConsoleState();

  const mode = state.mode;
  const grant = mode.kind === 'allowRule' ? mode : undefined;
  const { preview, replay } = useGrantPreview(grant, snap, homeDir, source);

  const quit = () => (onQuit(), exit());
  const { send, run, sent } = useDecisions({ source, onAlwaysAllow, setNotice, quit });
  const { view, worldRef } = useWorld(state, stateRef, commit, { snap, width, height, bannerCount, readFile: props.readFile, homeDir, clock, sent });

  const ctx = (): StepContext => stepContext(props, worldRef.current, clock(), decisionGuardMs);
  useKeys({ stateRef, commit, run, ctx, onActivity: props.onActivity, active: isRawModeSupported === true && mode.kind !== 'editing' });

  // After useInput: its effect has released the terminal before the editor starts.
  useEditSession(mode.kind === 'editing' ? mode.id : undefined, {
    source,
    onEdit,
    finish: (notice) => update((s) => ({ ...s, mode: { kind: 'normal' }, notice })),
    send,
  });

  if (view.layout.tooSmall) return <TooSmall width={width} height={height} banners={banners} bannerCount={bannerCount} snap={snap} url={url} status={status} />;
  const grantRows = grant === undefined ? undefined : grantFooterRows(grant, width, height, bannerCount);
  return (
    <Box flexDirection="column" width={width}>
      <Header pending={snap.pending.length} counts={snap.counts} url={url} banners={banners} status={status} />
      {mode.kind === 'help' ? (
        <HelpOverlay width={width} height={height} banners={bannerCount} offset={mode.offset} version={version} />
      ) : (
        <Lists state={state} view={view} snap={snap} now={now} width={width} url={url} />
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

/** The alerts and the header's status, read from their boards (none when not given). */
function useBoards(props: Pick<AppProps, 'alerts' | 'status'>) {
  const board = props.alerts ?? NO_ALERTS;
  const banners = useSyncExternalStore(board.subscribe, board.snapshot);
  const statusStore = props.status ?? NO_STATUS;
  const status = useSyncExternalStore(statusStore.subscribe, statusStore.snapshot);
  return { banners, status };
}

/** What a key may know of the world and of what this console can do. */
function stepContext({ source, homeDir, onEdit, onAlwaysAllow }: AppProps, world: StepContext['world'], now: number, guardMs: number): StepContext {
  return {
    world,
    now,
    guardMs,
    canEdit: onEdit !== undefined,
    canAlwaysAllow: onAlwaysAllow !== undefined,
    homeDir,
    ruleError: (text) => (homeDir === undefined ? undefined : ruleErrorOf(previewRule(text, homeDir, [], []))),
    waiting: () => source.snapshot().pending.length,
  };
}

const ruleErrorOf = (p: ReturnType<typeof previewRule>): string | undefined => (p.ok ? undefined : p.error);
