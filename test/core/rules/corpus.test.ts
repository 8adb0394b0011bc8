import { describe, expect, it } from 'vitest';
import { analyzeBash } from '../../../src/core/rules/bash.js';
import { compileRules, type Rule } from '../../../src/core/rules/index.js';
import { ALLOW, BENIGN, HOSTILE, LOOSER_THAN_CLAUDE, THROUGH_WRAPPERS } from './corpus-data.js';
import { AGENT, bash, HOME } from './helpers.js';

/**
 * Adversarial corpus: commands that try to run, or write, something a rule does not cover. Each
 * class of issue #13 has several forms. Two promises are checked over the whole corpus:
 * an allow rule never allows a command that runs or writes anything outside it, and a deny rule
 * catches its command through every wrapper cco follows.
 */

describe('corpus: no allow rule allows what it does not cover', () => {
  const set = compileRules(ALLOW, { homeDir: HOME });
  for (const [kind, commands] of Object.entries(HOSTILE)) {
    it.each(commands)(`${kind}: %j is not allowed`, (command) => {
      expect(set.evaluate(bash(command)).action).not.toBe('allow');
    });
  }
  it.each(BENIGN)('benign %j is allowed', (command) => {
    expect(set.evaluate(bash(command))).toMatchObject({ action: 'allow' });
  });
});

describe('corpus: one allow rule must cover every part (stricter than Claude Code, README)', () => {
  const set = compileRules(ALLOW, { homeDir: HOME });
  it.each(['npm test && git status', 'npm test 2>/dev/null | cat', 'find . -exec echo {} \\;', 'echo x | xargs echo'])('%j asks', (command) => {
    expect(set.evaluate(bash(command)).action).toBe('ask');
  });
});

describe('corpus: with the default allow (a deny-list), what cannot be settled is asked, not allowed', () => {
  const set = compileRules([{ id: 'd1', pattern: 'Bash(rm:*)', action: 'deny' }], { homeDir: HOME, defaultAction: 'allow' });
  it.each([
    'x=rm; $x -rf /',
    '"$CMD" x',
    "npm test $['$(touch x)']",
    'case x in x) rm y;; esac',
    'f() { rm x; }; f',
    'npm test "unclosed',
    'echo x > "$OUT"',
    'eval "$CMD"',
    'bash -c "$CMD"',
    'x=rm; $\\\n{x} -rf x',
    "env -S'rm -rf x'",
    "mapfile -C 'rm x' -c 1 a < f",
  ])('%j', (command) => {
    expect(set.evaluate(bash(command)).action).not.toBe('allow');
  });
  it.each(['npm test', 'echo x > out.log', 'ls -la'])('%j is still allowed', (command) => {
    expect(set.evaluate(bash(command)).action).toBe('allow');
  });
});

describe('corpus: a deny rule catches its command through every wrapper', () => {
  const set = compileRules([{ id: 'd1', pattern: 'Bash(rm:*)', action: 'deny' }], { homeDir: HOME, defaultAction: 'allow' });
  it.each(THROUGH_WRAPPERS)('%j is denied', (command) => {
    expect(set.evaluate(bash(command))).toMatchObject({ action: 'deny', decidedBy: 'rule:d1' });
  });
  it.each(['echo rm', 'npm test -- rm', "echo 'rm x'", 'cat <<EOF\nrm x\nEOF', "cat <<'EOF'\n$(rm x)\nEOF", 'command -v rm', 'grep -r rm .'])(
    '%j is not denied (rm is only data there)',
    (command) => {
      expect(set.evaluate(bash(command)).decidedBy).not.toBe('rule:d1');
    },
  );
});

describe('corpus: git options before the subcommand', () => {
  const set = compileRules([{ id: 'd1', pattern: 'Bash(git push:*)', action: 'deny' }], { homeDir: HOME, defaultAction: 'allow' });
  it.each([
    'git push',
    'git -C . push',
    'git -c k=v push --force',
    'git --git-dir=.git push',
    'git --no-pager push',
    'git -C . -c a=b push',
    '/usr/bin/git push',
    'sudo git push',
  ])('%j is denied', (command) => {
    expect(set.evaluate(bash(command))).toMatchObject({ action: 'deny' });
  });
});

describe('corpus: redirections meet Edit rules and deny rules on paths', () => {
  const rules: Rule[] = [
    { id: 'a1', pattern: 'Bash(npm test:*)', action: 'allow' },
    { id: 'a2', pattern: 'Edit(./logs/**)', action: 'allow' },
    { id: 'd1', pattern: 'Edit(~/.ssh/**)', action: 'deny' },
    { id: 'r1', pattern: 'Bash', action: 'allow', priority: 200 },
  ];
  const set = compileRules(rules, { homeDir: HOME });
  it.each([
    ['npm test > logs/out.log', 'allow'],
    ['npm test > ./logs/a/b.log 2>&1', 'allow'],
    ['npm test > /repo/logs/x', 'allow'],
    ['npm test > out.log', 'ask'],
    ['npm test > logs/../out.log', 'ask'],
    // The bare `Bash` allow covers writes no rule is about; the deny rule on the path still applies.
    ['ls > anything.txt', 'allow'],
    ['ls > ~/.ssh/authorized_keys', 'deny'],
    ['ls >> ~/.SSH/authorized_keys', 'deny'],
    ['npm test > ~/.ssh/config', 'deny'],
    ['ls > "$HOME/.ssh/authorized_keys"', 'ask'],
  ])('%j → %s', (command, action) => {
    expect(set.evaluate(bash(command)).action).toBe(action);
  });
  it('the deny says which file', () => {
    const e = set.evaluate(bash('npm test > ~/.ssh/config'));
    expect(e.decidedBy).toBe('rule:d1');
    expect(e.message).toContain('~/.ssh/config');
  });
  it('explain lists each write', () => {
    const x = set.explain(bash('npm test > logs/a 2> /tmp/b'));
    expect(x.writes).toEqual([expect.stringContaining('rule a2'), expect.stringContaining('/tmp/b')]);
    expect(x.evaluation.action).toBe('ask');
  });
});

describe('corpus: bounded work', () => {
  it.each([
    ['120,000 parts', 'true;'.repeat(120_000)],
    ['10,000 nested $(', '$('.repeat(10_000)],
    ['10,000 nested backticks', '`'.repeat(10_000)],
    ['a 1 MB word', 'a'.repeat(1_000_000)],
    ['100,000 here-documents', 'cat <<E\n'.repeat(100_000)],
    ['deep ${ nesting', '${'.repeat(50_000)],
  ])('%s is decided quickly and never allowed by an allow rule', (_name, command) => {
    const set = compileRules(
      [
        { id: 'a1', pattern: 'Bash(true:*)', action: 'allow' },
        { id: 'd1', pattern: 'Bash(rm:*)', action: 'deny' },
      ],
      { homeDir: HOME },
    );
    const t0 = performance.now();
    const e = set.evaluate(bash(command));
    const ms = performance.now() - t0;
    expect(ms).toBeLessThan(2000);
    if (command.startsWith('true;')) expect(e.action).not.toBe('allow');
    expect(analyzeBash(command).parts.length).toBeLessThan(10_000);
  });
});

describe('surprises that looked like protection', () => {
  const set = compileRules(
    [
      { id: 'a1', pattern: 'Read(~/**)', action: 'allow' },
      { id: 'd1', pattern: 'Read(~/secrets/**)', action: 'deny' },
      { id: 'd2', pattern: 'mcp__github__delete_repo', action: 'deny' },
      { id: 'd3', pattern: 'WebFetch(domain:evil.com)', action: 'deny' },
      { id: 'd4', pattern: 'mcp__corp', action: 'deny' },
      { id: 'a2', pattern: 'WebFetch(domain:good.com)', action: 'allow' },
      { id: 'a3', pattern: 'mcp__github__get_issue', action: 'allow' },
    ],
    { homeDir: HOME },
  );
  const t = (toolName: string, input: Record<string, unknown>) => set.evaluate({ toolName, input, agent: { name: 'x', cwd: '/repo' } });
  it.each([
    ['Grep', { path: '~', glob: 'secrets/**', output_mode: 'content', pattern: 'KEY' }, 'rule:d1'],
    ['Grep', { path: HOME, pattern: 'KEY' }, 'rule:d1'],
    ['Glob', { pattern: '**/*', path: HOME }, 'rule:d1'],
    ['Glob', { pattern: '~/**' }, 'rule:d1'],
    ['LS', { path: HOME }, 'rule:d1'],
    ['Grep', { path: `${HOME}/secrets/x`, pattern: 'KEY' }, 'rule:d1'],
    ['Grep', { path: `${HOME}/src`, pattern: 'KEY' }, 'rule:a1'],
    ['Read', { file_path: `${HOME}/notes.txt` }, 'rule:a1'],
    ['mcp__GitHub__delete_repo', {}, 'rule:d2'],
    ['MCP__GITHUB__DELETE_REPO', {}, 'rule:d2'],
    ['mcp__CORP__anything', {}, 'rule:d4'],
    ['mcp__GitHub__get_issue', {}, 'default'],
    ['WebFetch', { url: 'https://www.evil.com/x' }, 'rule:d3'],
    ['WebFetch', { url: 'https://a.b.evil.com/x' }, 'rule:d3'],
    ['WebFetch', { url: 'https://evil.com/x' }, 'rule:d3'],
    ['WebFetch', { url: 'https://notevil.com/x' }, 'default'],
    ['WebFetch', { url: 'https://good.com/x' }, 'rule:a2'],
    ['WebFetch', { url: 'https://www.good.com/x' }, 'default'],
  ])('%s %j → %s', (tool, input, decidedBy) => {
    expect(t(tool, input).decidedBy).toBe(decidedBy);
  });
});

describe('corpus: verdicts where cco was looser than Claude Code (test/claude/rules-differential.test.ts)', () => {
  it.each(LOOSER_THAN_CLAUDE)('%j', ({ rules, tool, input, action }) => {
    expect(compileRules(rules, { homeDir: HOME }).evaluate({ toolName: tool, input, agent: AGENT }).action).toBe(action);
  });
});
