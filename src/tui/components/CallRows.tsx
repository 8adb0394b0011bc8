import { Text } from 'ink';
import { memo } from 'react';
import { formatDuration } from '../../core/duration.js';
import { agentLabel, oneLine, summarizeInput } from '../../core/summary.js';
import type { DecidedCall, PendingCall } from '../../core/types.js';
import { useColor } from '../theme.js';

export function pad(s: string, n: number): string {
  return s.length >= n ? s.slice(0, n) : s + ' '.repeat(n - s.length);
}

/** One waiting call: id, agent (wide panes), tool, summary, time left. */
export const PendingRow = memo(function PendingRow({
  p,
  selected,
  focused = true,
  now,
  width,
}: {
  p: PendingCall;
  selected: boolean;
  /** The queue has the cursor (Tab): only then is the selected row shown inverse. */
  focused?: boolean;
  now: number;
  width: number;
}) {
  const left = formatDuration(Math.max(0, p.deadline - now));
  const age = now - p.receivedAt < 1000 ? '<1s' : formatDuration(now - p.receivedAt);
  // Narrow panes drop the agent column and the age; the detail pane below still names the agent.
  const wide = width >= 90;
  const fixed = `${selected ? '›' : ' '} ${p.id} ${wide ? ` ${pad(agentLabel(p.call.agent), 16)}` : ''} ${pad(oneLine(p.call.toolName, 10), 10)} `;
  const tail = wide ? ` ${age} · ${left} left` : ` ${left}`;
  const room = Math.max(8, width - fixed.length - tail.length);
  return (
    <Text inverse={selected && focused} wrap="truncate">
      {fixed}
      {pad(summarizeInput(p.call, room), room)}
      <Text dimColor={!(selected && focused)}>{tail}</Text>
    </Text>
  );
});

/** One decided call: ✓/✗, tool, agent (wide panes), who decided and after how long, summary. */
export const HistoryRow = memo(function HistoryRow({ d, selected = false, width }: { d: DecidedCall; selected?: boolean; width: number }) {
  const color = useColor();
  const allowed = d.decision.behavior === 'allow';
  const who = d.decision.decidedBy === 'user' ? 'you' : d.decision.decidedBy;
  const wide = width >= 90;
  // An edited call ran as edited: that is what the history shows (marked ✎).
  const edited = d.decision.edited === true && d.decision.updatedInput !== undefined;
  const shown = edited ? { ...d.call, input: d.decision.updatedInput! } : d.call;
  return (
    <Text wrap="truncate" inverse={selected}>
      {selected ? '› ' : ''}
      <Text color={color(allowed ? 'green' : 'red')}>{allowed ? '✓' : '✗'}</Text> {pad(oneLine(d.call.toolName, 10), 10)}{' '}
      {wide ? `${pad(agentLabel(d.call.agent), 16)} ` : ''}
      <Text dimColor>{pad(`${who} ${formatDuration(d.decision.at - d.receivedAt)}`, 14)}</Text>{' '}
      {edited ? '✎ ' : ''}
      {summarizeInput(shown, Math.max(8, width - 32))}
    </Text>
  );
});
