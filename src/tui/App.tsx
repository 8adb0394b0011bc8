import { Box, Text, useApp, useInput, useStdin, useStdout } from 'ink';
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import { formatDuration } from '../core/duration.js';
import { agentLabel, oneLine, summarizeInput } from '../core/summary.js';
import type { DecidedCall, PendingCall, Verdict } from '../core/types.js';
import { actionFor, footerHints } from './keymap.js';
import { moveSelection, reconcileSelection } from './selection.js';
import { useNow, useSnapshot } from './use-source.js';

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
}

const EMPTY: ReturnType<AlertBoard['snapshot']> = [];
const NO_ALERTS: Pick<AlertBoard, 'snapshot' | 'subscribe'> = { snapshot: () => EMPTY, subscribe: () => () => {} };

function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

function PendingRow({ p, selected, now, width }: { p: PendingCall; selected: boolean; now: number; width: number }) {
  const left = formatDuration(Math.max(0, p.deadline - now));
  const age = now - p.receivedAt < 1000 ? '<1s' : formatDuration(now - p.receivedAt);
  // Narrow panes drop the agent column and the age; the detail pane below still names the agent.
  const wide = width >= 90;
  const fixed = `${selected ? '›' : ' '} ${p.id} ${wide ? ` ${pad(agentLabel(p.call.agent), 16)}` : ''} ${pad(oneLine(p.call.toolName, 10), 10)} `;
  const tail = wide ? ` ${age} · ${left} left` : ` ${left}`;
  const room = Math.max(8, width - fixed.length - tail.length);
  return (
    <Text inverse={selected} wrap="truncate">
      {fixed}
      {pad(summarizeInput(p.call, room), room)}
      <Text dimColor={!selected}>{tail}</Text>
    </Text>
  );
}

function HistoryRow({ d, width }: { d: DecidedCall; width: number }) {
  const allowed = d.decision.behavior === 'allow';
  const who = d.decision.decidedBy === 'user' ? 'you' : d.decision.decidedBy;
  const wide = width >= 90;
  return (
    <Text wrap="truncate">
      <Text color={allowed ? 'green' : 'red'}>{allowed ? '✓' : '✗'}</Text> {pad(oneLine(d.call.toolName, 10), 10)}{' '}
      {wide ? `${pad(agentLabel(d.call.agent), 16)} ` : ''}
      <Text dimColor>
        {pad(`${who} ${formatDuration(d.decision.at - d.receivedAt)}`, 14)}
      </Text>{' '}
      {summarizeInput(d.call, Math.max(8, width - 30))}
    </Text>
  );
}

/** The first console: the queue of waiting calls, one key to decide, recent decisions below. */
export function App({ source, url, version, onQuit, alerts, decisionGuardMs = 300, clock = Date.now }: AppProps) {
  const snap = useSnapshot(source);
  const board = alerts ?? NO_ALERTS;
  const banners = useSyncExternalStore(board.subscribe, board.snapshot);
  const now = useNow(1000);
  const { exit } = useApp();
  const { isRawModeSupported } = useStdin();
  const { stdout } = useStdout();
  const width = Math.max(40, stdout.columns || 80);
  const height = Math.max(10, stdout.rows || 24);

  const ids = snap.pending.map((p) => p.id);
  const prevIds = useRef<readonly string[]>(ids);
  const [selected, setSelected] = useState<string | undefined>(ids[0]);
  const [notice, setNotice] = useState<string>('');

  // Keep the selection on the same call as the queue changes.
  const current = reconcileSelection(selected, prevIds.current, ids);
  useEffect(() => {
    prevIds.current = ids;
    if (current !== selected) setSelected(current);
  });

  // When the call under the cursor changes, the guard starts again.
  const shown = useRef<{ id: string | undefined; at: number }>({ id: undefined, at: 0 });
  if (shown.current.id !== current) shown.current = { id: current, at: clock() };

  const decide = (verdict: Verdict) => {
    if (current === undefined) return;
    const id = current;
    if (clock() - shown.current.at < decisionGuardMs) {
      setNotice(`The selection just changed to ${id}: check it, then press again.`);
      return;
    }
    Promise.resolve()
      .then(() => source.decide(id, verdict))
      .then(
        (d) => setNotice(`${d.behavior === 'allow' ? 'Allowed' : 'Denied'} ${id}.`),
        (e: unknown) => setNotice(e instanceof Error ? e.message : String(e)),
      );
  };

  useInput(
    (input, key) => {
      switch (actionFor(input, key)) {
        case 'up':
          setSelected(moveSelection(current, ids, -1));
          break;
        case 'down':
          setSelected(moveSelection(current, ids, 1));
          break;
        case 'allow':
          decide({ behavior: 'allow' });
          break;
        case 'deny':
          decide({ behavior: 'deny' });
          break;
        case 'quit':
          onQuit();
          exit();
          break;
        default:
          break;
      }
    },
    { isActive: isRawModeSupported === true },
  );

  const selectedCall = snap.pending.find((p) => p.id === current);
  // Rows left for the two lists once header, detail, footer and borders are placed.
  const listRows = Math.max(3, height - 12);
  const pendingRows = Math.max(1, Math.min(snap.pending.length, Math.ceil(listRows * 0.6)));
  const start = Math.max(0, Math.min(ids.indexOf(current ?? '') - Math.floor(pendingRows / 2), snap.pending.length - pendingRows));
  const visible = snap.pending.slice(start, start + pendingRows);
  const historyRows = Math.max(1, listRows - pendingRows);
  const { counts } = snap;

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate">
        <Text bold>cco</Text> <Text color={snap.pending.length ? 'yellow' : undefined} bold={snap.pending.length > 0}>{snap.pending.length} waiting</Text> ·{' '}
        <Text color="green">{counts.allowed} allowed</Text> · <Text color="red">{counts.denied} denied</Text>
        {counts.timedOut ? ` (${counts.timedOut} timed out)` : ''} <Text dimColor>· {url} · v{version}</Text>
      </Text>
      {banners.map((b) => (
        <Text key={b.key} color="red" bold wrap="truncate">
          ! {b.message}
        </Text>
      ))}
      <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
        <Text bold>Waiting for you</Text>
        {snap.pending.length === 0 ? (
          <Text dimColor wrap="truncate">No calls waiting. Agents ask at {url}</Text>
        ) : (
          visible.map((p) => <PendingRow key={p.id} p={p} selected={p.id === current} now={now} width={width - 4} />)
        )}
        {snap.pending.length > visible.length ? <Text dimColor>{snap.pending.length - visible.length} more (↑/↓)</Text> : null}
      </Box>
      {selectedCall ? (
        <Box flexDirection="column" paddingX={1}>
          <Text wrap="truncate">
            <Text bold>{oneLine(selectedCall.call.toolName, 60)}</Text> from {agentLabel(selectedCall.call.agent)}
            {selectedCall.call.agent?.cwd ? ` in ${oneLine(selectedCall.call.agent.cwd, 60)}` : ''}
          </Text>
          <Text wrap="truncate-end">{summarizeInput(selectedCall.call, (width - 2) * 3)}</Text>
        </Box>
      ) : null}
      <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
        <Text bold>Recent</Text>
        {snap.recent.length === 0 ? <Text dimColor>Nothing decided yet.</Text> : snap.recent.slice(0, historyRows).map((d) => <HistoryRow key={d.id} d={d} width={width - 4} />)}
      </Box>
      <Text dimColor wrap="truncate">
        {footerHints()}
      </Text>
      {notice ? <Text wrap="truncate">{notice}</Text> : null}
    </Box>
  );
}
