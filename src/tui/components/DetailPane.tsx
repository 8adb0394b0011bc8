import { Box, Text } from 'ink';
import { agentLabel, oneLine } from '../../core/summary.js';
import { formatDuration } from '../../core/duration.js';
import type { DecidedCall, PendingCall } from '../../core/types.js';
import type { DetailLine } from '../detail-lines.js';
import { useColor } from '../theme.js';

export interface DetailPaneProps {
  /** A waiting call, or a decided one from the history (then its decision is shown too). */
  call: PendingCall | DecidedCall;
  lines: readonly DetailLine[];
  /** How many body lines fit; the pane never renders more (plus its one title line). */
  height: number;
  /** The first body line shown (PgUp/PgDn move it). */
  offset: number;
}

const TONES: Record<NonNullable<DetailLine['tone']>, string | undefined> = {
  add: 'green',
  remove: 'red',
  hunk: 'cyan',
  label: undefined,
  dim: undefined,
};

/** The selected call in full, windowed to `height` lines. */
export function DetailPane({ call, lines, height, offset }: DetailPaneProps) {
  const color = useColor();
  const body = lines.slice(offset, offset + height);
  const more = lines.length > height;
  const decision = 'decision' in call ? call.decision : undefined;
  return (
    <Box flexDirection="column" paddingX={1}>
      {decision ? (
        <Text wrap="truncate" color={color(decision.behavior === 'allow' ? 'green' : 'red')}>
          {decision.behavior === 'allow' ? (decision.edited ? 'allowed with edited input' : 'allowed') : 'denied'} by{' '}
          {decision.decidedBy === 'user' ? 'you' : decision.decidedBy} after {formatDuration(decision.at - call.receivedAt)}
          {decision.message ? `: ${oneLine(decision.message, 200)}` : ''}
        </Text>
      ) : null}
      <Text wrap="truncate">
        <Text bold>{oneLine(call.call.toolName, 60)}</Text> {call.id} from {agentLabel(call.call.agent)}
        {call.call.agent?.cwd ? ` in ${oneLine(call.call.agent.cwd, 60)}` : ''}
        {more ? <Text dimColor>{` · lines ${offset + 1}–${offset + body.length} of ${lines.length} (PgUp/PgDn)`}</Text> : null}
      </Text>
      {body.map((l, i) => (
        <Text key={offset + i} wrap="truncate" color={l.tone ? color(TONES[l.tone] ?? '') : undefined} dimColor={l.tone === 'dim'} bold={l.tone === 'label'}>
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
    </Box>
  );
}

/** The first line a page scroll may show, kept inside the content. */
export function clampOffset(offset: number, total: number, height: number): number {
  return Math.max(0, Math.min(offset, total - height));
}
