import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';
import { agentLabel, compactJson, oneLine, parseMcpToolName, summarizeInput } from '../../src/core/summary.js';
import { makeIdGenerator } from '../../src/core/ids.js';

describe('durations', () => {
  it.each([
    ['300ms', 300],
    ['30s', 30_000],
    ['5m', 300_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['90', 90_000],
    [' 2M ', 120_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '5x', '5m junk', 'm5', '-5s'])('rejects %j with the accepted forms', (text) => {
    expect(() => parseDuration(text)).toThrow(/e\.g\. 30s, 5m/);
  });

  it.each([
    [450, '450ms'],
    [12_000, '12s'],
    [300_000, '5m'],
    [5_400_000, '1h30m'],
    [90_000, '1m30s'],
    [2 * 86_400_000, '2d'],
  ])('formats %d as %s', (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe('summaries', () => {
  it.each([
    ['Bash', { command: 'npm test', description: 'Run tests' }, 'npm test'],
    ['Bash', { command: 'echo a\necho b' }, 'echo a⏎ echo b'],
    ['Edit', { file_path: '/repo/src/a.ts', old_string: 'x', new_string: 'y' }, '/repo/src/a.ts'],
    ['Write', { file_path: '/repo/out.txt', content: 'hi' }, '/repo/out.txt'],
    ['Read', { file_path: '/etc/hosts' }, '/etc/hosts'],
    ['NotebookEdit', { notebook_path: '/n.ipynb', new_source: '' }, '/n.ipynb'],
    ['Grep', { pattern: 'TODO', path: 'src' }, 'TODO in src'],
    ['Glob', { pattern: '**/*.ts' }, '**/*.ts'],
    ['WebFetch', { url: 'https://example.com', prompt: 'x' }, 'https://example.com'],
    ['WebSearch', { query: 'mcp spec' }, 'mcp spec'],
    ['mcp__github__get_issue', { repo: 'a/b', n: 1 }, '{repo:"a/b",n:1}'],
    ['Bash', { cmd: 'no command field' }, '{cmd:"no command field"}'],
  ])('%s %j → %s', (toolName, input, expected) => {
    expect(summarizeInput({ toolName, input })).toBe(expected);
  });

  it('escapes terminal control characters so an agent cannot drive the terminal', () => {
    const s = oneLine('ok\u001b[2J\u001b]0;pwned\u0007\r!');
    expect(s).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(s).toContain('\\u001b[2J');
  });

  it('escapes bidi overrides and isolates', () => {
    const s = oneLine('rm -rf \u202e/ \u2066x\u2069 \u200f');
    expect(s).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(s).toContain('\\u202e');
  });

  it('bounds the summary of enormous and deeply nested inputs', () => {
    let deep: unknown = 'x';
    for (let i = 0; i < 10_000; i++) deep = { a: deep };
    expect(compactJson(deep, 100).length).toBeLessThanOrEqual(100);
    expect(summarizeInput({ toolName: 'Bash', input: { command: 'y'.repeat(5_000_000) } }, 80)).toHaveLength(80);
    expect(compactJson({ big: Array.from({ length: 1_000_000 }, (_, i) => i) }, 50).length).toBeLessThanOrEqual(50);
  });

  it('splits MCP tool names', () => {
    expect(parseMcpToolName('mcp__github__get_issue')).toEqual({ server: 'github', tool: 'get_issue' });
    expect(parseMcpToolName('Bash')).toBeUndefined();
  });

  it.each([
    [undefined, 'unknown'],
    [{ name: 'frontend', sessionId: 'abcdef' }, 'frontend'],
    [{ client: { name: 'claude-code' }, sessionId: 'abcdef12' }, 'claude-code#abcd'],
    [{}, 'agent'],
  ])('labels agent %j as %s', (agent, label) => expect(agentLabel(agent)).toBe(label));

  it('makes short ids from the typeable alphabet', () => {
    let i = 0;
    const gen = makeIdGenerator((n) => Uint8Array.from({ length: n }, () => i++));
    expect(gen()).toBe('234567');
    expect(gen()).toMatch(/^[2-9a-hjkmnp-z]{6}$/);
  });
});
