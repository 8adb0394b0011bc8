import { describe, expect, it } from 'vitest';
import { compileRules, type Rule } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';
import { bash, HOME, tool } from './helpers.js';

const rules: Rule[] = [
  { id: 'off', pattern: 'Bash', action: 'deny', enabled: false, priority: 1 },
  { id: 'reads', pattern: 'Read(./src/**)', action: 'allow', priority: 10 },
  { id: 'api', pattern: 'Bash', action: 'allow', agent: 'api-*', priority: 20 },
  { id: 'rm', pattern: 'Bash(rm:*)', action: 'deny', priority: 30 },
  { id: 'tests', pattern: 'Bash(npm test:*)', action: 'allow', priority: 40 },
  { id: 'gh', pattern: 'WebFetch(domain:github.com)', action: 'allow', priority: 50 },
];
const set = compileRules(rules, { homeDir: HOME });
const docs = { name: 'docs-1', cwd: '/repo' };

describe('explain(): why each rule did or did not match', () => {
  it('traces in evaluation order up to the deciding rule', () => {
    const { evaluation, trace } = set.explain(bash('npm test -- --watch', docs));
    expect(evaluation).toMatchObject({ action: 'allow', decidedBy: 'rule:tests' });
    expect(trace.map((t) => [t.rule.id, t.matched, t.skipped, t.reason])).toEqual([
      ['off', false, 'disabled', 'the rule is disabled'],
      ['reads', false, undefined, 'tool is Bash, rule is for Read (and Glob, Grep, LS)'],
      ['api', false, undefined, 'agent `docs-1` does not match `api-*`'],
      ['rm', false, undefined, 'command `npm test -- --watch` does not match `rm:*`'],
      ['tests', true, undefined, 'tool is Bash, command matches `npm test:*`'],
    ]);
  });

  it.each<[string, ToolCall, string, string]>([
    ['a part that fails an allow rule', bash('npm test && make', docs), 'tests', 'command part `make` does not match `npm test:*`'],
    ['a part that matches a deny rule', bash('npm test && rm -rf /', docs), 'rm', 'tool is Bash, command part `rm -rf /` matches `rm:*`'],
    ['a path outside the rule', tool('Read', { file_path: '/etc/passwd' }, docs), 'reads', 'path `/etc/passwd` does not match `./src/**` (under cwd /repo)'],
    [
      'an unknown cwd',
      tool('Read', { file_path: '/repo/src/a' }, { name: 'x' }),
      'reads',
      "rule path `./src/**` is relative to the working directory, and the agent's cwd is unknown",
    ],
    ['a host', tool('WebFetch', { url: 'https://gitlab.com/' }, docs), 'gh', 'host `gitlab.com` does not match domain `github.com`'],
    ['a bad URL', tool('WebFetch', { url: '::' }, docs), 'gh', 'the call has no URL that can be parsed'],
    ['an unknown agent', { toolName: 'Bash', input: { command: 'ls' } }, 'api', 'the agent is unknown (no name, client or session), rule is for agent `api-*`'],
    ['a missing command', tool('Bash', {}, docs), 'tests', 'the call has no `command` string'],
  ])('explains %s', (_, call, id, reason) => {
    expect(set.explain(call).trace.find((t) => t.rule.id === id)?.reason).toBe(reason);
  });

  it('lists every rule when none matched, and the default decides', () => {
    const { evaluation, trace } = set.explain(tool('WebSearch', { query: 'x' }, docs));
    expect(evaluation).toEqual({ action: 'ask', decidedBy: 'default' });
    expect(trace).toHaveLength(rules.length);
    expect(trace.every((t) => !t.matched)).toBe(true);
  });

  it('explains input constraints', () => {
    const one = compileRules([{ id: 'i', pattern: 'Write', action: 'allow', input: { file_path: '/tmp/**' } }], { homeDir: HOME });
    expect(one.explain(tool('Write', { file_path: '/etc/x' })).trace[0]?.reason).toBe('input `file_path` = `/etc/x` does not match `/tmp/**`');
    expect(one.explain(tool('Write', {})).trace[0]?.reason).toBe('input `file_path` is missing or not a string, number or boolean');
    expect(one.explain(tool('Write', { file_path: '/tmp/a' })).trace[0]?.reason).toBe('tool is Write, input `file_path` = `/tmp/a` matches `/tmp/**`');
  });
});

describe('evaluate() (indexed) and explain() (every rule in order) always agree', () => {
  const many: Rule[] = [];
  const words = ['npm', 'git', 'rm', 'make', 'FOO=1', 'echo'];
  const actions = ['allow', 'deny', 'ask'] as const;
  for (let i = 0; i < 240; i++) {
    const w = words[i % words.length] as string;
    const action = actions[(i * 7) % 3] as Rule['action'];
    const priority = [10, 50, 100][i % 3] as number;
    const forms = [
      `Bash(${w}:*)`,
      `Bash(${w} test)`,
      `Bash(${w} * x)`,
      'Bash',
      `Read(./d${i % 4}/**)`,
      `Edit(//repo/e${i % 3}/**)`,
      'mcp__s',
      `mcp__s__t${i % 2}`,
      '*',
      `WebFetch(domain:h${i % 3}.com)`,
      `WebFetch(domain:*.h${i % 3}.com)`,
      `Read(~/D${i % 2}/**)`,
      'Read(*.env)',
      'Read',
      'WebFetch',
    ];
    const pattern = forms[i % forms.length] as string;
    many.push({ id: `m${i}`, pattern, action, priority, enabled: i % 13 !== 0, ...(i % 11 === 0 ? { agent: 'a-*' } : {}) });
  }
  const big = compileRules(many, { homeDir: HOME });
  const calls: ToolCall[] = [
    bash('npm test'),
    bash('git push x && rm -rf /'),
    bash('FOO=1 make all | echo test'),
    bash('echo $(git status) ; npm test x'),
    bash('ls', { name: 'a-1' }),
    tool('Read', { file_path: '/repo/d1/a' }),
    tool('Write', { file_path: '/repo/e2/a' }),
    tool('mcp__s__t1'),
    tool('mcp__q__t1'),
    tool('WebFetch', { url: 'https://h2.com/' }),
    tool('WebFetch', { url: 'https://a.h1.com/' }),
    tool('WebFetch', { url: 'https://a.b.h0.com/' }),
    tool('Read', { file_path: '/home/u/d1/x' }),
    tool('Read', { file_path: '/home/u/D0/x' }),
    tool('Read', { file_path: '/repo/D3/.ENV' }),
    tool('Grep', { pattern: 'x', path: '/repo/d2' }),
    tool('Task', { prompt: 'x' }),
  ];
  it.each(calls.map((c) => [JSON.stringify(c.input), c] as const))('%s', (_, call) => {
    expect(big.evaluate(call)).toBe(big.explain(call).evaluation);
  });
});

describe('evaluate() and explain() agree on random rule sets and calls', () => {
  it('for 300 seeded rule sets × 20 calls', () => {
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)] as T;
    const words = ['npm', 'git', 'rm', 'FOO=1', 'LD_PRELOAD=x'];
    const patterns = [
      () => `Bash(${pick(words.slice(0, 3))}:*)`,
      () => `Bash(${pick(words.slice(0, 3))} test)`,
      () => `Bash(${pick(words.slice(0, 3))} * x)`,
      () => 'Bash',
      () => `Read(${pick(['./a', './A', '//repo/a', '~/a', 'a/**', '*.env', './**'])})`,
      () => `Edit(${pick(['./a', '//repo', '~/a/**'])})`,
      () => `WebFetch(domain:${pick(['x.com', '*.x.com', 'y.x.com'])})`,
      () => pick(['*', 'Read', 'WebFetch', 'mcp__s', 'mcp__s__t']),
    ];
    const calls: ToolCall[] = [
      ...['npm test', 'git push x && rm -rf /', 'FOO=1 npm test x', 'LD_PRELOAD=x npm test', 'rm a; git test', "'rm' test"].map((c) => bash(c)),
      ...['/repo/a/b', '/repo/A/B', '/home/u/a/x.env', '/repo/.env', '/etc/a'].flatMap((f) => [
        tool('Read', { file_path: f }),
        tool('Write', { file_path: f }),
      ]),
      ...['https://x.com', 'https://y.x.com', 'https://z.y.x.com', 'bad'].map((url) => tool('WebFetch', { url })),
      tool('mcp__s__t'),
      ...['git push; npm test #x', "npm test #'\nrm a", "npm test 'open", "$'rm' x"].map((c) => bash(c)),
      ...['/x/a/b', '/repo/.env', '/HOME/U/a/x.env', '/repo/A/b'].map((f) => tool('Read', { file_path: f }, { name: 'api-1' })),
      tool('Read', { file_path: '/HOME/U/A/y' }),
    ];
    for (let set = 0; set < 300; set++) {
      const rules: Rule[] = Array.from({ length: 1 + rand(25) }, (_, i) => ({
        id: `x${i}`,
        pattern: pick(patterns)(),
        action: pick(['allow', 'deny', 'ask'] as const),
        priority: pick([10, 100, 100, 200]),
        enabled: rand(10) !== 0,
        ...(rand(8) === 0 ? { agent: pick(['api-*', 'web-*']) } : {}),
      }));
      const compiled = compileRules(rules, { homeDir: HOME });
      for (let c = 0; c < 20; c++) {
        const call = pick(calls);
        expect(compiled.evaluate(call)).toBe(compiled.explain(call).evaluation);
      }
    }
  });
});
