import { describe, expect, it } from 'vitest';
import { compileRules, toPolicy, type Rule } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';
import { bash, HOME, tool, winner } from './helpers.js';

type R = Partial<Rule> & Pick<Rule, 'pattern' | 'action'>;
const older = '2025-01-01T00:00:00Z';
const newer = '2025-06-01T00:00:00Z';

describe('precedence: priority, then deny > ask > allow, then the older rule', () => {
  it.each<[string, R[], string]>([
    [
      'deny beats allow at one priority',
      [
        { pattern: 'Bash', action: 'allow' },
        { pattern: 'Bash(npm:*)', action: 'deny' },
      ],
      'rule:r2',
    ],
    [
      'ask beats allow at one priority',
      [
        { pattern: 'Bash', action: 'allow' },
        { pattern: 'Bash', action: 'ask' },
      ],
      'rule:r2',
    ],
    [
      'deny beats ask at one priority',
      [
        { pattern: 'Bash', action: 'ask' },
        { pattern: 'Bash', action: 'deny' },
      ],
      'rule:r2',
    ],
    [
      'a lower priority number is checked first',
      [
        { pattern: 'Bash', action: 'deny' },
        { pattern: 'Bash', action: 'allow', priority: 10 },
      ],
      'rule:r2',
    ],
    [
      'priority 100 is the default',
      [
        { pattern: 'Bash', action: 'allow', priority: 99 },
        { pattern: 'Bash', action: 'deny' },
      ],
      'rule:r1',
    ],
    [
      'a higher number loses even as deny',
      [
        { pattern: 'Bash', action: 'deny', priority: 200 },
        { pattern: 'Bash', action: 'allow' },
      ],
      'rule:r2',
    ],
    [
      'the older rule wins a tie',
      [
        { pattern: 'Bash', action: 'allow', createdAt: newer },
        { pattern: 'Bash', action: 'allow', createdAt: older },
      ],
      'rule:r2',
    ],
    [
      'list order breaks a tie with no dates',
      [
        { pattern: 'Bash', action: 'allow' },
        { pattern: 'Bash', action: 'allow' },
      ],
      'rule:r1',
    ],
    [
      'a dated rule comes before an undated one',
      [
        { pattern: 'Bash', action: 'allow' },
        { pattern: 'Bash', action: 'allow', createdAt: newer },
      ],
      'rule:r2',
    ],
    [
      'a non-matching rule is passed over',
      [
        { pattern: 'Bash(rm:*)', action: 'deny' },
        { pattern: 'Bash(npm:*)', action: 'allow' },
      ],
      'rule:r2',
    ],
    [
      'a disabled rule is skipped',
      [
        { pattern: 'Bash', action: 'deny', enabled: false },
        { pattern: 'Bash', action: 'allow' },
      ],
      'rule:r2',
    ],
    ['nothing matches: the default', [{ pattern: 'Read', action: 'allow' }], 'default'],
    ['only disabled rules match: the default', [{ pattern: 'Bash', action: 'allow', enabled: false }], 'default'],
    [
      'word-indexed Bash rules keep their order with the rest',
      [
        { pattern: 'Bash(npm test:*)', action: 'allow', priority: 50 },
        { pattern: 'Bash', action: 'ask', priority: 60 },
        { pattern: 'Bash(npm:*)', action: 'deny', priority: 70 },
      ],
      'rule:r1',
    ],
    [
      'an unkeyed rule before keyed ones',
      [
        { pattern: 'Bash(npm test:*)', action: 'allow', priority: 50 },
        { pattern: 'Bash', action: 'ask', priority: 40 },
        { pattern: 'Bash(npm:*)', action: 'deny', priority: 70 },
      ],
      'rule:r2',
    ],
  ])('%s', (_, rules, decidedBy) => expect(winner(rules, bash('npm test')).decidedBy).toBe(decidedBy));

  it.each<[string, R[], ToolCall, string]>([
    [
      'path rules looked up by directory keep their order',
      [
        { pattern: 'Read(./src/**)', action: 'allow', priority: 60 },
        { pattern: 'Read', action: 'ask', priority: 50 },
        { pattern: 'Read(./SRC/**)', action: 'deny', priority: 40 },
      ],
      tool('Read', { file_path: '/repo/src/a' }),
      'rule:r3',
    ],
    [
      'domain rules looked up by host keep their order',
      [
        { pattern: 'WebFetch(domain:a.b.com)', action: 'allow', priority: 60 },
        { pattern: 'WebFetch(domain:*.b.com)', action: 'deny', priority: 50 },
        { pattern: 'WebFetch', action: 'ask', priority: 70 },
      ],
      tool('WebFetch', { url: 'https://a.b.com/' }),
      'rule:r2',
    ],
  ])('%s', (_, rules, call, decidedBy) => expect(winner(rules, call).decidedBy).toBe(decidedBy));
});

describe('what an evaluation carries', () => {
  it.each([
    ['ask', {}, { action: 'ask', decidedBy: 'default' }],
    ['allow', {}, { action: 'allow', decidedBy: 'default' }],
    ['deny', {}, { action: 'deny', decidedBy: 'default', message: 'No cco rule allows this call, and the default action is deny.' }],
  ] as const)('default action %s', (defaultAction, _, expected) => {
    expect(winner([{ pattern: 'Read', action: 'allow' }], bash('ls'), { defaultAction })).toEqual(expected);
  });

  it('carries the rule, its timeout when asking and its message when denying', () => {
    const ask = winner([{ pattern: 'Bash', action: 'ask', timeoutMs: 5000 }], bash('ls'));
    expect(ask).toMatchObject({ action: 'ask', decidedBy: 'rule:r1', timeoutMs: 5000, rule: { id: 'r1' } });
    const deny = winner([{ pattern: 'Bash(rm:*)', action: 'deny', message: 'Use trash instead.' }], bash('rm x'));
    expect(deny).toMatchObject({ action: 'deny', decidedBy: 'rule:r1', message: 'Use trash instead.' });
    const plain = winner([{ pattern: 'Bash(rm:*)', action: 'deny', name: 'no deletes' }], bash('rm x'));
    expect(plain.message).toBe('cco rule r1 (`Bash(rm:*)`, no deletes) denies this call.');
    const allow = winner([{ pattern: 'Bash', action: 'allow', timeoutMs: 5000, message: 'x' }], bash('ls'));
    expect(allow).toEqual({ action: 'allow', decidedBy: 'rule:r1', rule: expect.objectContaining({ id: 'r1' }) });
  });

  it('maps to the broker policy verdict', () => {
    const set = compileRules(
      [
        { id: 'a', pattern: 'Bash(ls:*)', action: 'allow' },
        { id: 'd', pattern: 'Bash(rm:*)', action: 'deny', message: 'no' },
        { id: 'q', pattern: 'Bash(git push:*)', action: 'ask', timeoutMs: 1000 },
      ],
      { homeDir: HOME },
    );
    const policy = toPolicy(set);
    expect(policy(bash('ls -la'))).toEqual({ action: 'allow', decidedBy: 'rule:a' });
    expect(policy(bash('rm -rf x'))).toEqual({ action: 'deny', decidedBy: 'rule:d', message: 'no' });
    expect(policy(bash('git push'))).toEqual({ action: 'ask', decidedBy: 'rule:q', timeoutMs: 1000 });
    expect(policy(bash('make'))).toEqual({ action: 'ask', decidedBy: 'default' });
    expect(set.size).toBe(3);
  });
});

describe('odd names and odd calls never confuse the engine', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty'])('tool %s is just a name', (name) => {
    expect(winner([{ pattern: name, action: 'allow' }], tool(name)).decidedBy).toBe('rule:r1');
    expect(
      winner(
        [
          { pattern: 'Read(./**)', action: 'allow' },
          { pattern: '*', action: 'deny' },
        ],
        tool(name, { file_path: '/repo/a' }),
      ).decidedBy,
    ).toBe('rule:r2');
    expect(() => compileRules([{ id: 'x', pattern: `${name}(./x)`, action: 'allow' }], { homeDir: HOME })).toThrow(/takes no parentheses/);
  });

  it('refuses an unknown default action', () => {
    expect(() => compileRules([], { homeDir: HOME, defaultAction: 'toString' as 'ask' })).toThrow('Unknown default action `toString`');
  });

  it.each<[string, unknown]>([
    ['no input', { toolName: 'Bash' }],
    ['null input', { toolName: 'Read', input: null }],
    ['no tool name', { input: {} }],
    ['a relative cwd', { toolName: 'Read', input: { file_path: 'a' }, agent: { cwd: 'repo' } }],
  ])('%s: evaluates without throwing', (_, call) => {
    const set = compileRules(
      [
        { id: 'r', pattern: 'Read(./**)', action: 'allow' },
        { id: 'b', pattern: 'Bash(ls:*)', action: 'deny' },
      ],
      { homeDir: HOME },
    );
    expect(set.evaluate(call as ToolCall)).toEqual({ action: 'ask', decidedBy: 'default' });
    expect(set.explain(call as ToolCall).evaluation.decidedBy).toBe('default');
  });
});
