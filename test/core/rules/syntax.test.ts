import { describe, expect, it } from 'vitest';
import { compileRules, normalizeAction, parsePattern, RuleSyntaxError, validateRule, type Rule } from '../../../src/core/rules/index.js';
import { HOME } from './helpers.js';

describe('parsePattern: every form', () => {
  it.each([
    ['Bash', { kind: 'tool', tool: 'Bash' }],
    ['  Bash  ', { kind: 'tool', tool: 'Bash' }],
    ['mcp__github__*', { kind: 'tool', tool: 'mcp__github__*' }],
    ['mcp__github', { kind: 'mcp-server', tool: 'mcp__github', server: 'github' }],
    ['Bash(npm test)', { kind: 'bash', tool: 'Bash', command: 'npm test', match: 'exact', whole: false }],
    ['Bash(npm  run test:*)', { kind: 'bash', tool: 'Bash', command: 'npm run test', match: 'prefix', whole: false }],
    ['Bash(git * main)', { kind: 'bash', tool: 'Bash', command: 'git * main', match: 'glob', whole: false }],
    ['Read(./src/**)', { kind: 'path', tool: 'Read', path: './src/**', anchor: 'cwd', glob: 'src/**' }],
    ['Read(*.env)', { kind: 'path', tool: 'Read', path: '*.env', anchor: 'cwd', glob: '**/*.env' }],
    ['Edit(/docs/**)', { kind: 'path', tool: 'Edit', path: '/docs/**', anchor: 'cwd', glob: 'docs/**' }],
    ['Read(~/.zshrc)', { kind: 'path', tool: 'Read', path: '~/.zshrc', anchor: 'home', glob: '.zshrc' }],
    ['Edit(//tmp/x)', { kind: 'path', tool: 'Edit', path: '//tmp/x', anchor: 'root', glob: 'tmp/x' }],
    ['WebFetch(domain:GitHub.com)', { kind: 'domain', tool: 'WebFetch', domain: 'github.com', subdomains: false }],
    ['WebFetch(domain:*.example.com)', { kind: 'domain', tool: 'WebFetch', domain: 'example.com', subdomains: true }],
  ])('%s', (text, parsed) => expect(parsePattern(text)).toEqual(parsed));
});

describe('parsePattern: invalid text says what and where', () => {
  it.each([
    ['Bash(npm test', 14, 'expected `)` at column 14 in `Bash(npm test`'],
    ['  Bash(x', 9, 'expected `)` at column 9'],
    ['', 1, 'expected a tool name at column 1'],
    ['(npm test)', 1, 'expected a tool name at column 1'],
    ['Ba sh', 3, 'unexpected ` ` at column 3'],
    ['Bash()', 6, 'empty specifier at column 6 in `Bash()`'],
    ['Bash(   )', 6, 'empty specifier at column 6'],
    ['Bash(npm test)x', 15, 'unexpected `x` after `)` at column 15'],
    ['Bash(npm test))', 15, 'unexpected `)` after `)` at column 15 in `Bash(npm test))`: one `)` too many; did you mean `Bash(npm test)`?'],
    ['Read(./src/**)))', 16, 'did you mean `Read(./src/**)`?'],
    ['Task(Explore)', 5, "Claude Code's `Task(Explore)` is the Task tool with that sub-agent: in cco write `Task` with `--input subagent_type=Explore`"],
    ['Bash(:*)', 6, 'expected a command before `:*` at column 6'],
    ['Bash(a && b:*)', 6, 'a wildcard rule cannot hold a compound command'],
    ['WebFetch(domain:)', 17, 'expected a domain after `domain:` at column 17'],
    ['WebFetch(github.com)', 10, 'expected `domain:` at column 10'],
    ['WebFetch(domain:https://x.com)', 22, 'unexpected `:` in domain at column 22'],
    ['WebFetch(domain:a.*.com)', 19, 'unexpected `*` in domain at column 19'],
    ['Read(../x)', 6, 'unexpected `..` at column 6'],
    ['Read(./a/../b)', 10, 'unexpected `..` at column 10'],
    ['WebSearch(cats)', 10, 'unexpected `(` at column 10'],
    ['mcp__github__get_issue(x)', 23, '`mcp__github__get_issue` takes no parentheses'],
  ])('%j → column %i', (text, column, message) => {
    let error: unknown;
    try {
      parsePattern(text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleSyntaxError);
    expect((error as RuleSyntaxError).column).toBe(column);
    expect((error as RuleSyntaxError).message).toContain(message);
  });
});

describe('validateRule and compileRules refuse bad rules, naming them', () => {
  const base: Rule = { id: 'r7', pattern: 'Bash', action: 'allow' };
  it.each<[Partial<Rule> | Record<string, unknown>, RegExp]>([
    [{ pattern: 'Bash(npm test' }, /^Rule r7: expected `\)` at column 14/],
    [{ agent: '/[/' }, /^Rule r7: agent: invalid regular expression `\/\[\/`/],
    [{ agent: '' }, /^Rule r7: agent: expected a glob or a \/regex\//],
    [{ input: { command: '/(/' } }, /^Rule r7: input `command`: invalid regular expression/],
    [{ input: { '': 'x' } }, /empty field name/],
    [{ action: 'approve' }, /^Rule r7 has action `approve`; expected allow, deny or ask\./],
    [{ priority: Number.NaN }, /priority/],
    [{ timeoutMs: -5 }, /positive number of milliseconds/],
    [{ createdAt: 'yesterday' }, /ISO time/],
    [{ enabled: 'yes' }, /`enabled` must be true or false/],
    [{ id: '' }, /A rule has no id/],
  ])('%j', (change, message) => {
    const rule = { ...base, ...change } as Rule;
    expect(() => validateRule(rule)).toThrow(message);
    expect(() => compileRules([rule], { homeDir: HOME })).toThrow(message);
  });

  it('throws a RuleSyntaxError (with the column) for a bad pattern', () => {
    expect(() => validateRule({ ...base, pattern: 'Bash()' })).toThrow(RuleSyntaxError);
  });

  it('refuses duplicate ids and a relative home directory', () => {
    expect(() => compileRules([base, base], { homeDir: HOME })).toThrow('Two rules have the id r7; rule ids must be unique.');
    expect(() => compileRules([base], { homeDir: 'home' })).toThrow(/absolute home directory/);
  });
});

describe('normalizeAction', () => {
  it.each([
    ['allow', 'allow'],
    ['approve', 'allow'],
    ['Approve', 'allow'],
    ['deny', 'deny'],
    ['ask', 'ask'],
    [' review ', 'ask'],
  ])('%j → %s', (text, action) => expect(normalizeAction(text)).toBe(action));

  it.each(['reject', '', 'allowed'])('refuses %j', (text) => {
    expect(() => normalizeAction(text)).toThrow(`Unknown rule action \`${text}\`. Use allow (or approve), deny, or ask (or review).`);
  });
});
