import { describe, expect, it } from 'vitest';
import { detailLines } from '../../src/tui/detail-lines.js';
import { screenLines } from '../../src/tui/escape.js';

const texts = (call: Parameters<typeof detailLines>[0]) => detailLines(call).map((l) => l.text);

describe('detail lines', () => {
  it('Bash shows the whole command, its description and the working directory', () => {
    const t = texts({ toolName: 'Bash', input: { command: 'npm test &&\n  npm run build', description: 'Run tests' }, agent: { cwd: '/repo' } });
    expect(t).toEqual(['$ npm test &&', '  npm run build', 'description: Run tests', 'cwd: /repo']);
  });

  it('Edit is a unified diff with removed and added lines', () => {
    const lines = detailLines({ toolName: 'Edit', input: { file_path: '/a.ts', old_string: 'one\ntwo\nthree', new_string: 'one\n2\nthree' } });
    expect(lines).toContainEqual({ text: '-two', tone: 'remove' });
    expect(lines).toContainEqual({ text: '+2', tone: 'add' });
    expect(lines.some((l) => l.tone === 'hunk' && l.text.startsWith('@@'))).toBe(true);
  });

  it('MultiEdit shows each edit', () => {
    const t = texts({ toolName: 'MultiEdit', input: { file_path: '/a', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] } });
    expect(t).toEqual(expect.arrayContaining(['edit 1 of 2', '-a', '+b', 'edit 2 of 2', '-c', '+d']));
  });

  it('Write numbers the content lines', () => {
    const t = texts({ toolName: 'Write', input: { file_path: '/a', content: Array.from({ length: 10 }, (_, i) => `l${i + 1}`).join('\n') } });
    expect(t[0]).toBe('file: /a');
    expect(t[1]).toBe(' 1 │ l1');
    expect(t[10]).toBe('10 │ l10');
  });

  it.each([
    [{ toolName: 'Grep', input: { pattern: 'TODO', path: '/src' } }, ['path: /src', 'pattern: TODO']],
    [{ toolName: 'WebFetch', input: { url: 'https://x.dev', prompt: 'sum up' } }, ['url: https://x.dev', 'prompt: sum up']],
    [{ toolName: 'WebSearch', input: { query: 'ink' } }, ['query: ink']],
    [{ toolName: 'mcp__github__get_issue', input: { n: 1 } }, ['server: github', 'tool: get_issue', '{', '  "n": 1', '}']],
    [{ toolName: 'Task', input: { a: 'b' } }, ['{', '  "a": "b"', '}']],
  ])('%o', (call, expected) => {
    expect(texts(call)).toEqual(expected);
  });

  it('escapes control characters but keeps newlines as lines', () => {
    const t = texts({ toolName: 'Bash', input: { command: 'echo \u001B[2Jhi\r\nnext\u202E\ttab' } });
    expect(t).toEqual(['$ echo \\u001b[2Jhi', 'next\\u202e  tab']);
    expect(t.join('')).not.toMatch(/[\u0000-\u001f]/);
  });

  it('is bounded however large the input', () => {
    const lines = screenLines('x\n'.repeat(100_000), 50);
    expect(lines).toHaveLength(51);
    expect(lines[50]).toBe('… 99951 more lines');
    expect(detailLines({ toolName: 'Write', input: { content: 'y\n'.repeat(1_000_000) } }).length).toBeLessThan(2100);
  });
});
