import { Box, Text } from 'ink';
import type { DecidedCall, PendingCall } from '../../core/types.js';
import { useColor } from '../theme.js';
import { HistoryRow, PendingRow } from './CallRows.js';

/** The first index of a window of `rows` that keeps `index` in view, centred where it can be. */
export function windowStart(index: number, rows: number, total: number): number {
  return Math.max(0, Math.min(index - Math.floor(rows / 2), total - rows));
}

function Title({ text, focused, extra }: { text: string; focused: boolean; extra: string }) {
  const color = useColor();
  return (
    <Text wrap="truncate">
      <Text bold color={focused ? color('cyan') : undefined}>
        {focused ? '▸ ' : '  '}
        {text}
      </Text>
      <Text dimColor>{extra}</Text>
    </Text>
  );
}

export interface QueueBoxProps {
  calls: readonly PendingCall[];
  /** Before the filter, for "2 of 5". */
  total: number;
  selected: string | undefined;
  focused: boolean;
  filtered: boolean;
  rows: number;
  now: number;
  width: number;
  url: string;
}

/**
 * The waiting calls, oldest first, windowed around the selection. Rows are columns measured in
 * terminal cells, each exactly `width` cells, with a marker column for the cursor (CallRows).
 */
export function QueueBox({ calls, total, selected, focused, filtered, rows, now, width, url }: QueueBoxProps) {
  const start = windowStart(
    calls.findIndex((p) => p.id === selected),
    rows,
    calls.length,
  );
  const visible = calls.slice(start, start + rows);
  const hidden = calls.length - visible.length;
  return (
    <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
      <Title text="Waiting for you" focused={focused} extra={filtered ? ` · ${calls.length} of ${total} match the filter` : ''} />
      {calls.length === 0 ? (
        <Text dimColor wrap="truncate">
          {filtered && total > 0 ? `No waiting call matches the filter (${total} waiting). Esc clears it.` : `No calls waiting. Agents ask at ${url}`}
        </Text>
      ) : (
        visible.map((p) => <PendingRow key={p.id} p={p} selected={p.id === selected} focused={focused} now={now} width={width} />)
      )}
      {hidden > 0 ? (
        <Text dimColor wrap="truncate">
          {hidden} more (↑/↓)
        </Text>
      ) : null}
    </Box>
  );
}

export interface HistoryBoxProps {
  calls: readonly DecidedCall[];
  total: number;
  selected: string | undefined;
  focused: boolean;
  filtered: boolean;
  rows: number;
  width: number;
}

/** Recent decisions, newest first; Tab moves the cursor here to read one in full. */
export function HistoryBox({ calls, total, selected, focused, filtered, rows, width }: HistoryBoxProps) {
  const index = focused ? calls.findIndex((d) => d.id === selected) : 0;
  const start = windowStart(index, rows, calls.length);
  return (
    <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
      <Title text="Recent" focused={focused} extra={filtered ? ` · ${calls.length} of ${total} match the filter` : ''} />
      {calls.length === 0 ? (
        <Text dimColor wrap="truncate">
          {filtered && total > 0 ? 'No recent decision matches the filter.' : 'Nothing decided yet.'}
        </Text>
      ) : (
        calls.slice(start, start + rows).map((d) => <HistoryRow key={d.id} d={d} selected={focused && d.id === selected} width={width} />)
      )}
    </Box>
  );
}
