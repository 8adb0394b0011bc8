/**
 * The lists and the header measured in terminal cells: rows with CJK, emoji and combining marks
 * line up with plain ones, and no row is wider than the pane.
 */
import { render } from 'ink-testing-library';
import type { ReactElement } from 'react';
import stringWidth from 'string-width';
import { afterEach, describe, expect, it } from 'vitest';
import { cellWidth, fitCells, truncateCells, wrapCells } from '../../src/core/cells.js';
import type { DecidedCall, PendingCall, ToolCall } from '../../src/core/types.js';
import { Header } from '../../src/tui/components/Header.js';
import { HistoryBox, QueueBox } from '../../src/tui/components/Lists.js';

const unmounts: Array<() => void> = [];
afterEach(() => {
  for (const u of unmounts.splice(0)) u();
});

/** The last frame of `node` drawn in a terminal `columns` wide. */
function frameAt(columns: number, node: ReactElement): string[] {
  const ui = render(<></>);
  unmounts.push(ui.unmount);
  Object.defineProperty(ui.stdout, 'columns', { get: () => columns, configurable: true });
  ui.rerender(node);
  return (ui.lastFrame() ?? '').split('\n');
}

/** The cell at which `needle` starts in `line`. */
const cellOf = (line: string, needle: string) => {
  const i = line.indexOf(needle);
  expect(i, `${JSON.stringify(needle)} in ${JSON.stringify(line)}`).toBeGreaterThanOrEqual(0);
  return stringWidth(line.slice(0, i));
};

const NOW = 1_000_000;
const calls: Array<{ id: string; call: ToolCall }> = [
  { id: 'plain1', call: { toolName: 'Bash', input: { command: 'npm test' }, agent: { name: 'backend' } } },
  { id: 'cjk002', call: { toolName: 'Bash', input: { command: 'echo 你好世界，这是一个很长的命令 '.repeat(12) }, agent: { name: '前端代理人员' } } },
  { id: 'emoji3', call: { toolName: 'Write', input: { file_path: '/repo/🚀/👩‍👩‍👧‍👦/文件.ts' }, agent: { name: '🤖 bot 🤖🤖🤖🤖🤖🤖' } } },
  {
    id: 'comb04',
    call: { toolName: 'Bash', input: { command: 'echo cafe\u0301 nai\u0308ve Z\u0351\u0352algo'.repeat(9) }, agent: { name: 'e\u0301e\u0301e\u0301 agent' } },
  },
  { id: 'wide05', call: { toolName: 'mcp__工具__操作', input: { 文字: 'ｆｕｌｌｗｉｄｔｈ'.repeat(20) } } },
];
const pending: PendingCall[] = calls.map((c, i) => ({ ...c, receivedAt: NOW - (i + 1) * 7_000, deadline: NOW + 290_000 - i * 1000 }));
const decided: DecidedCall[] = pending.map((p, i) => ({
  ...p,
  decision:
    i % 2
      ? { behavior: 'deny', message: 'no', decidedBy: 'user', at: NOW }
      : { behavior: 'allow', updatedInput: p.call.input, decidedBy: i === 2 ? 'rule:allow-write' : 'user', at: NOW },
}));

/** The rows of a bordered list: the lines between the title and the bottom border. */
function rows(frame: string[]): string[] {
  return frame.filter((l) => l.startsWith('│') && !/Waiting for you|Recent/.test(l));
}

describe.each([100, 200])('at %i columns', (columns) => {
  it('every queue row is as wide as the pane, and each column starts at the same cell', () => {
    for (const selected of ['plain1', 'cjk002']) {
      const frame = frameAt(
        columns,
        <QueueBox calls={pending} total={pending.length} selected={selected} focused filtered={false} rows={10} now={NOW} width={columns - 4} url="http://x" />,
      );
      const lines = rows(frame);
      expect(lines, frame.join('\n')).toHaveLength(pending.length);
      for (const l of frame) expect(stringWidth(l), l).toBeLessThanOrEqual(columns);
      for (const l of lines) expect(stringWidth(l), l).toBe(columns);
      for (const l of lines) expect(l.endsWith(' left │'), l).toBe(true);
      // id, agent, tool and the age column start where the first row's do.
      const starts = (l: string, p: PendingCall) => [cellOf(l, p.id), cellOf(l, p.call.toolName.slice(0, 4)), cellOf(l, ' · ')];
      const first = starts(lines[0]!, pending[0]!);
      lines.forEach((l, i) => expect(starts(l, pending[i]!), l).toEqual(first));
      // The marker column: only the selected row has it, and it takes the same cell in all.
      expect(lines.filter((l) => l.startsWith('│ › '))).toHaveLength(1);
      expect(lines.filter((l) => l.startsWith('│   '))).toHaveLength(pending.length - 1);
    }
  });

  it('every history row is as wide as the pane, and each column starts at the same cell', () => {
    const frame = frameAt(
      columns,
      <HistoryBox calls={decided} total={decided.length} selected="emoji3" focused filtered={false} rows={10} width={columns - 4} />,
    );
    const lines = rows(frame);
    expect(lines, frame.join('\n')).toHaveLength(decided.length);
    for (const l of lines) expect(stringWidth(l), l).toBe(columns);
    const starts = (l: string, d: DecidedCall) => [
      cellOf(l, d.decision.behavior === 'allow' ? '✓' : '✗'),
      cellOf(l, d.call.toolName.slice(0, 4)),
      cellOf(l, d.decision.decidedBy === 'user' ? 'you ' : 'rule:'),
    ];
    const first = starts(lines[0]!, decided[0]!);
    lines.forEach((l, i) => expect(starts(l, decided[i]!), l).toEqual(first));
    expect(lines.filter((l) => l.startsWith('│ › '))).toHaveLength(1);
  });
});

describe('header', () => {
  const url = 'http://127.0.0.1:8660/mcp';
  const header = (width: number) => (
    <Header
      pending={12}
      counts={{ allowed: 1234, denied: 56, timedOut: 7 } as never}
      url={url}
      banners={[]}
      status={{ agents: 3, defaultAction: 'ask', rules: 14 }}
      width={width}
    />
  );

  it.each([60, 80, 100, 200])('at %i columns keeps the URL and the number waiting, within the width', (columns) => {
    const [line] = frameAt(columns, header(columns));
    expect(line).toContain('12 waiting');
    expect(line).toContain(url);
    expect(stringWidth(line!)).toBeLessThanOrEqual(columns);
  });

  it('drops the rule count and default action before the counts', () => {
    const [line] = frameAt(80, header(80));
    expect(line).not.toContain('14 rules');
    expect(line).toContain('1234 allowed');
    const [full] = frameAt(200, header(200));
    expect(full).toBe(`cco 12 waiting · 1234 allowed · 56 denied (7 timed out) · 3 agents · default ask · 14 rules · ${url}`);
  });

  it('at 40 columns the URL loses its scheme rather than its port', () => {
    const [line] = frameAt(40, header(40));
    expect(line).toBe('cco 12 waiting · 127.0.0.1:8660/mcp');
  });
});

describe('cells', () => {
  it('cuts between graphemes, never past the width', () => {
    expect(truncateCells('你好世界', 5)).toBe('你好…');
    expect(cellWidth(truncateCells('你好世界', 5))).toBe(5);
    expect(fitCells('你好世界', 6)).toBe('你好… ');
    expect(truncateCells('👩‍👩‍👧‍👦👩‍👩‍👧‍👦x', 4)).toBe('👩‍👩‍👧‍👦…');
    expect(truncateCells('cafe\u0301s', 5)).toBe('cafe\u0301s');
    expect(truncateCells('cafe\u0301s!', 5)).toBe('cafe\u0301…');
  });

  it('wraps without dropping or splitting anything', () => {
    const line = 'ab你好cd👍e\u0301f';
    const pieces = wrapCells(line, 3);
    expect(pieces.join('')).toBe(line);
    for (const p of pieces) expect(cellWidth(p)).toBeLessThanOrEqual(3);
    expect(wrapCells('abc', 10)).toEqual(['abc']);
  });
});
