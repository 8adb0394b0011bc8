import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileRules, parsePattern, type RuleAction } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';

/**
 * The README's rule tables (header `| pattern | means | matches | does not match |`) are
 * examples the engine must agree with: each pattern of a row (an allow rule unless the row says
 * *deny* or *ask*) decides every call under "matches" with its action, and no call under "does
 * not match". The agent works in /repo, home is /home/me (as the README says above the table).
 */
const HOME = '/home/me';
const CWD = '/repo';
const HEADER = /^\|\s*pattern\s*\|\s*means\s*\|\s*matches\s*\|\s*does not match\s*\|$/;

interface Row {
  line: number;
  patterns: string[];
  action: RuleAction;
  matches: string[];
  misses: string[];
}

/** Cells of a table row; `\|` is a `|` inside a cell. */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((c) => c.replace(/\\\|/g, '|').trim());
}

const spans = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1] as string);

function readmeRows(): Row[] {
  const lines = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').split('\n');
  const rows: Row[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!HEADER.test(lines[i]!.trim())) continue;
    for (let j = i + 2; j < lines.length && lines[j]!.trim().startsWith('|'); j++) {
      const [pattern = '', , matches = '', misses = ''] = cells(lines[j]!);
      const action: RuleAction = /\*deny\*/.test(pattern) ? 'deny' : /\*ask\*/.test(pattern) ? 'ask' : 'allow';
      rows.push({ line: j + 1, patterns: spans(pattern), action, matches: spans(matches), misses: spans(misses) });
    }
  }
  return rows;
}

/** The call an example stands for, by the kind of rule: a command, a path, a URL, a tool name. */
function callFor(pattern: string, example: string): ToolCall {
  const agent = { name: 'readme', cwd: CWD };
  const p = parsePattern(pattern);
  switch (p.kind) {
    case 'bash':
      return { toolName: 'Bash', input: { command: example }, agent };
    case 'path':
      return {
        toolName: p.tool,
        input: { [p.tool === 'NotebookEdit' ? 'notebook_path' : p.tool === 'Glob' || p.tool === 'Grep' || p.tool === 'LS' ? 'path' : 'file_path']: example },
        agent,
      };
    case 'domain':
      return { toolName: 'WebFetch', input: { url: example, prompt: 'x' }, agent };
    default:
      return { toolName: example, input: {}, agent };
  }
}

const rows = readmeRows();

describe('README rule examples', () => {
  it('has the tables, with examples in every row', () => {
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const r of rows) {
      expect(r.patterns.length, `README.md:${r.line}`).toBeGreaterThan(0);
      expect(r.matches.length + r.misses.length, `README.md:${r.line}`).toBeGreaterThan(0);
    }
  });

  const cases = rows.flatMap((r) =>
    r.patterns.flatMap((pattern) => [
      ...r.matches.map((example) => ({ ...r, pattern, example, expected: true })),
      ...r.misses.map((example) => ({ ...r, pattern, example, expected: false })),
    ]),
  );
  it.each(cases)('README.md:$line $action $pattern on `$example` → $expected', ({ pattern, action, example, expected }) => {
    const set = compileRules([{ id: 'r1', pattern, action }], { homeDir: HOME });
    const e = set.evaluate(callFor(pattern, example));
    // Matching means the rule's action is the verdict (a Bash allow can still be asked for what the command writes).
    expect(e.action === action && e.decidedBy === 'rule:r1', JSON.stringify(e)).toBe(expected);
  });
});
