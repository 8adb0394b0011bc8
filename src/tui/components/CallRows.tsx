import { Text } from 'ink';
import { memo } from 'react';
import { cellWidth, fitCells, padCells, padCellsStart, truncateCells } from '../../core/cells.js';
import { formatDuration } from '../../core/duration.js';
import { agentLabel, oneLine, summarizeInput } from '../../core/summary.js';
import { whoDecided } from '../../core/people.js';
import type { DecidedCall, PendingCall } from '../../core/types.js';
import { useColor } from '../theme.js';

/**
 * Both lists are columns measured in terminal cells (core/cells.ts), so a row whose agent, tool
 * or input has CJK, emoji or combining marks lines up with the others, and every row is exactly
 * `width` cells: a cut never splits a wide character and never leaves a row wider than the pane.
 * The first column is the cursor marker (`›` or a space) in both lists, so the selected row
 * lines up with the rest.
 */
const ID = 6;
const AGENT = 16;
const TOOL = 10;
/** Durations as formatDuration writes them: `<1s`, `12s`, `4m50s`, `1h30m`, `23h59m`. */
const DURATION = 6;
/** Wide panes show the agent column (and the queue the age); narrow ones leave them to the detail pane. */
export const WIDE_ROW = 90;

const marker = (selected: boolean) => (selected ? '› ' : '  ');

/**
 * The summary's share of a row: what `fixed` and `tail` leave of `width`, at least 0. A summary is
 * asked for twice its cells in characters (a combining mark takes a character and no cell), then
 * cut by cells.
 */
function summaryCell(summary: (maxChars: number) => string, room: number): string {
  return room <= 0 ? '' : fitCells(summary(Math.max(8, room * 2)), room);
}

/** The row's parts cut to `width` cells when even the fixed columns do not fit (a tiny pane). */
function fitRow(parts: string[], width: number): string[] {
  let left = width;
  return parts.map((p) => {
    const cut = truncateCells(p, left, '');
    left -= cellWidth(cut);
    return cut;
  });
}

/** One waiting call: marker, id, agent (wide panes), tool, summary, age (wide) and time left. */
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
  const left = padCellsStart(formatDuration(Math.max(0, p.deadline - now)), DURATION);
  const age = padCellsStart(now - p.receivedAt < 1000 ? '<1s' : formatDuration(now - p.receivedAt), DURATION);
  // Narrow panes drop the agent column and the age; the detail pane below still names the agent.
  const wide = width >= WIDE_ROW;
  const fixed = `${marker(selected)}${padCells(oneLine(p.id, 40), ID)}  ${wide ? `${fitCells(agentLabel(p.call.agent), AGENT)} ` : ''}${fitCells(oneLine(p.call.toolName, 40), TOOL)} `;
  const tail = wide ? ` ${age} · ${left} left` : ` ${left}`;
  const room = width - cellWidth(fixed) - cellWidth(tail);
  const [head, summary, end] = fitRow([fixed, summaryCell((max) => summarizeInput(p.call, max), room), tail], width);
  return (
    <Text inverse={selected && focused} wrap="truncate">
      {head}
      {summary}
      <Text dimColor={!(selected && focused)}>{end}</Text>
    </Text>
  );
});

/** One decided call: marker, ✓/✗, tool, agent (wide panes), who decided and after how long, summary. */
export const HistoryRow = memo(function HistoryRow({ d, selected = false, width }: { d: DecidedCall; selected?: boolean; width: number }) {
  const color = useColor();
  const allowed = d.decision.behavior === 'allow';
  const elsewhere = d.decision.decidedBy === 'elsewhere';
  const who = elsewhere ? 'elsewhere' : whoDecided(d.decision);
  const wide = width >= WIDE_ROW;
  // An edited call ran as edited: that is what the history shows (marked ✎).
  const edited = d.decision.edited === true && d.decision.updatedInput !== undefined;
  const shown = edited ? { ...d.call, input: d.decision.updatedInput! } : d.call;
  const head = marker(selected);
  // Answered at the agent's own prompt: neither cco's allow nor anyone's denial.
  const mark = elsewhere ? '·' : allowed ? '✓' : '✗';
  const rest = ` ${fitCells(oneLine(d.call.toolName, 40), TOOL)} ${wide ? `${fitCells(agentLabel(d.call.agent), AGENT)} ` : ''}`;
  // A grant made with A: the person decided, and saved a rule (`you · saved r7 for 1h`).
  const saved = d.decision.savedRule;
  // A denial that also stopped the agent's run (interrupt, e.g. a timeout with timeoutAction interrupt) says so.
  const stopped = d.decision.behavior === 'deny' && d.decision.interrupt === true;
  const by = saved
    ? fitCells(oneLine(`${who} · saved ${saved}`, 40), 26)
    : fitCells(oneLine(`${who}${stopped ? '·stopped' : ''} ${formatDuration(d.decision.at - d.receivedAt)}`, 40), stopped ? 20 : 14);
  const pen = edited ? ' ✎' : '';
  const room = width - cellWidth(head + mark + rest + by + pen) - 1;
  const parts = fitRow([head, mark, rest, by, `${pen} `, summaryCell((max) => summarizeInput(shown, max), room)], width);
  return (
    <Text wrap="truncate" inverse={selected}>
      {parts[0]}
      <Text color={elsewhere ? undefined : color(allowed ? 'green' : 'red')}>{parts[1]}</Text>
      {parts[2]}
      <Text dimColor>{parts[3]}</Text>
      {parts[4]}
      {parts[5]}
    </Text>
  );
});
