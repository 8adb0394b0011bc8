import { Box, Text } from 'ink';
import { agentLabel, oneLine, outcomeText, routeText } from '../../core/summary.js';
import { whoDecided } from '../../core/people.js';
import { formatDuration } from '../../core/duration.js';
import type { DecidedCall, PendingCall } from '../../core/types.js';
import type { DetailLine } from '../detail-lines.js';
import { useColor } from '../theme.js';

export interface DetailPaneProps {
  /** A waiting call, or a decided one from the history (then its decision is shown too). */
  call: PendingCall | DecidedCall;
  /** The detail, already wrapped to the pane's width: one screen row each. */
  lines: readonly DetailLine[];
  /** Rows the pane has below its title; it never renders more. */
  height: number;
  /** Rows of those that show lines (one less than `height` when a "more" line is needed). */
  bodyRows: number;
  /** The first line shown (PgUp/PgDn move it). */
  offset: number;
}

const TONES: Record<NonNullable<DetailLine['tone']>, string | undefined> = {
  add: 'green',
  remove: 'red',
  hunk: 'cyan',
  label: undefined,
  dim: undefined,
  risk: 'yellow',
  cut: 'red',
};

/** The selected call in full: every line wrapped, never cut; what does not fit is scrolled to and said. */
export function DetailPane({ call, lines, height, bodyRows, offset }: DetailPaneProps) {
  const color = useColor();
  const body = lines.slice(offset, offset + bodyRows);
  const more = lines.length > height;
  const below = lines.length - (offset + body.length);
  const decision = 'decision' in call ? call.decision : undefined;
  return (
    <Box flexDirection="column" paddingX={1}>
      {decision ? (
        <Text wrap="truncate" color={decision.decidedBy === 'elsewhere' ? undefined : color(decision.behavior === 'allow' ? 'green' : 'red')}>
          {outcomeText(decision)}
          {decision.decidedBy === 'elsewhere' ? '' : ` by ${whoDecided(decision)}`} after {formatDuration(decision.at - call.receivedAt)}
          {decision.message ? `: ${oneLine(decision.message, 200)}` : ''}
        </Text>
      ) : null}
      <Text wrap="truncate">
        <Text bold>{oneLine(call.call.toolName, 60)}</Text> {call.id} from {agentLabel(call.call.agent)}
        {call.call.agent?.cwd ? ` in ${oneLine(call.call.agent.cwd, 60)}` : ''}
        {call.call.agent?.route && call.call.agent.route !== 'mcp' ? <Text dimColor>{` · via ${routeText(call.call.agent)}`}</Text> : null}
        {more ? <Text dimColor>{` · lines ${offset + 1}–${offset + body.length} of ${lines.length}`}</Text> : null}
      </Text>
      {body.map((l, i) => (
        <Text
          key={offset + i}
          wrap="truncate"
          color={l.tone ? color(TONES[l.tone] ?? '') : undefined}
          dimColor={l.tone === 'dim'}
          bold={l.tone === 'label' || l.tone === 'risk' || l.tone === 'cut'}
        >
          {l.text === '' ? ' ' : l.text}
        </Text>
      ))}
      {more ? (
        <Text color={color(below > 0 ? 'yellow' : '')} bold={below > 0} dimColor={below === 0} wrap="truncate">
          {below > 0
            ? `▼ ${below} more ${below === 1 ? 'line' : 'lines'} · PgDn`
            : `▲ ${offset} ${offset === 1 ? 'line' : 'lines'} above · PgUp · end of the call`}
        </Text>
      ) : null}
    </Box>
  );
}
