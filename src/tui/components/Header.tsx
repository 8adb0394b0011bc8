import { Box, Text } from 'ink';
import type { AlertBoard } from '../../core/alerts.js';
import { cellWidth, truncateCells, wrapCells } from '../../core/cells.js';
import { escapeText } from '../../core/escape.js';
import type { ConsoleStatus } from '../../core/console-status.js';
import type { BrokerCounts } from '../../core/types.js';
import { useColor } from '../theme.js';
import { useTerminalSize } from '../use-terminal-size.js';

export interface HeaderProps {
  pending: number;
  counts: BrokerCounts;
  url: string;
  banners: ReturnType<AlertBoard['snapshot']>;
  /** Agents connected, default action, rules; left out when the console runs without a server. */
  status?: ConsoleStatus | undefined;
  /** Cells the header line may take; the terminal's width when not given. */
  width?: number | undefined;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface Item {
  text: string;
  /** What goes before it (nothing for the first item). */
  sep: string;
  color?: string | undefined;
  bold?: boolean;
  dim?: boolean;
  /**
   * When the line is too wide, items go in this order, lowest first: the rule count and the
   * default action (they change only when the config does; `cco rules list` has them), then the
   * agents connected, the timed-out detail, the denied count, the allowed count. `cco`, the number
   * waiting and the URL agents connect to (needed to set up an agent) always stay: the URL loses
   * its `http://`, then is cut at its end, only when nothing else is left to drop.
   */
  drop: number;
}

const KEEP = Number.POSITIVE_INFINITY;

/** The items that fit in `width` cells, least useful dropped first (see `Item.drop`). */
function headerItems(items: readonly Item[], width: number): Item[] {
  const total = (list: readonly Item[]) => list.reduce((n, i) => n + cellWidth(i.sep) + cellWidth(i.text), 0);
  let kept = [...items];
  const ranks = [...new Set(items.map((i) => i.drop).filter((d) => d !== KEEP))].sort((a, b) => a - b);
  for (const rank of ranks) {
    if (total(kept) <= width) break;
    kept = kept.filter((i) => i.drop !== rank);
  }
  const url = kept.at(-1);
  if (url && total(kept) > width) {
    const short = url.text.replace(/^https?:\/\//, '');
    const room = width - (total(kept) - cellWidth(url.text));
    kept[kept.length - 1] = { ...url, text: truncateCells(short, Math.max(0, room)) };
  }
  return kept;
}

/** The most rows one banner takes; a longer one ends with a pointer to where it is whole. */
const MAX_BANNER_ROWS = 4;

/**
 * The banners as the rows they take at `width` cells: wrapped, not cut, so a config problem can be
 * read whole (up to MAX_BANNER_ROWS rows each; beyond, the last row says where the rest is).
 * The layout counts these rows, so the screen never grows past the terminal.
 */
export function bannerRows(banners: ReturnType<AlertBoard['snapshot']>, width: number): { key: string; text: string }[] {
  const rows: { key: string; text: string }[] = [];
  for (const b of banners) {
    const lines = escapeText(b.message, { newline: ' ' })
      .split(' ')
      .reduce<string[]>((acc, word) => {
        const last = acc.at(-1);
        if (last !== undefined && cellWidth(`${last} ${word}`) <= width - 2) acc[acc.length - 1] = `${last} ${word}`;
        else acc.push(...wrapCells(word, Math.max(1, width - 2)));
        return acc;
      }, []);
    const shown = lines.length > MAX_BANNER_ROWS ? [...lines.slice(0, MAX_BANNER_ROWS - 1), truncateCells('… (whole text: cco doctor)', width - 2)] : lines;
    shown.forEach((text, i) => rows.push({ key: `${b.key}:${i}`, text: `${i === 0 ? '!' : ' '} ${text}` }));
  }
  return rows;
}

/**
 * Counts first, then agents, the default action, rules, where agents connect; a red line per
 * problem that needs fixing. In a narrow pane the least useful items go first (`Item.drop`), so
 * the number waiting and the URL always show.
 */
export function Header({ pending, counts, url, banners, status, width }: HeaderProps) {
  const color = useColor();
  const terminal = useTerminalSize();
  const items: Item[] = [
    { text: 'cco', sep: '', bold: true, drop: KEEP },
    { text: `${pending} waiting`, sep: ' ', color: pending ? 'yellow' : undefined, bold: pending > 0, drop: KEEP },
    { text: `${counts.allowed} allowed`, sep: ' · ', color: 'green', drop: 6 },
    { text: `${counts.denied} denied`, sep: ' · ', color: 'red', drop: 5 },
    ...(counts.timedOut ? [{ text: `(${counts.timedOut} timed out)`, sep: ' ', drop: 4 }] : []),
    ...(status?.away ? [{ text: 'nobody present: new asks denied', sep: ' · ', color: 'yellow', bold: true, drop: 7 }] : []),
    ...(status
      ? [
          { text: plural(status.agents, 'agent'), sep: ' · ', dim: true, drop: 3 },
          { text: `default ${status.defaultAction}`, sep: ' · ', dim: true, drop: 2 },
          { text: plural(status.rules, 'rule'), sep: ' · ', dim: true, drop: 1 },
        ]
      : []),
    { text: url, sep: ' · ', dim: true, drop: KEEP },
  ];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        {headerItems(items, width ?? terminal.width).map((i, n) => (
          <Text key={n} dimColor={i.dim === true}>
            {i.sep}
            <Text color={i.color ? color(i.color) : undefined} bold={i.bold === true}>
              {i.text}
            </Text>
          </Text>
        ))}
      </Text>
      {bannerRows(banners, width ?? terminal.width).map((b) => (
        <Text key={b.key} color={color('red')} bold wrap="truncate">
          {b.text}
        </Text>
      ))}
    </Box>
  );
}
