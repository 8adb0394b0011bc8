import { describe, expect, it } from 'vitest';
import { compileRules, DEFAULT_PRIORITY, inCheckOrder, type Rule } from '../../../src/core/rules/index.js';
import { bash, HOME } from './helpers.js';

const day1 = '2025-01-01T00:00:00Z';
const day2 = '2025-06-01T00:00:00Z';
const r = (id: string, action: Rule['action'], extra: Partial<Rule> = {}): Rule => ({ id, pattern: 'Bash', action, ...extra });

describe('the one rule order: the engine checks rules in it, and lists show it', () => {
  it.each<[string, Rule[], string[]]>([
    ['equal priorities and equal dates: list order', [r('a', 'allow', { createdAt: day2 }), r('b', 'allow', { createdAt: day2 })], ['a', 'b']],
    [
      'equal priorities, equal dates, one older rule first',
      [r('a', 'allow', { createdAt: day2 }), r('b', 'allow', { createdAt: day2 }), r('c', 'allow', { createdAt: day1 })],
      ['c', 'a', 'b'],
    ],
    [
      'equal priorities: deny, ask, allow whatever the dates',
      [r('a', 'allow', { createdAt: day1 }), r('b', 'ask', { createdAt: day2 }), r('c', 'deny')],
      ['c', 'b', 'a'],
    ],
    ['no date counts as newest', [r('a', 'allow'), r('b', 'allow', { createdAt: day2 })], ['b', 'a']],
    ['priority before everything', [r('a', 'deny', { createdAt: day1 }), r('b', 'allow', { priority: DEFAULT_PRIORITY - 1 })], ['b', 'a']],
    ['the default priority is DEFAULT_PRIORITY', [r('a', 'allow', { priority: DEFAULT_PRIORITY }), r('b', 'deny')], ['b', 'a']],
    ['disabled rules keep their place', [r('a', 'allow', { createdAt: day2 }), r('b', 'allow', { createdAt: day1, enabled: false })], ['b', 'a']],
  ])('%s', (_, rules, ids) => {
    const set = compileRules(rules, { homeDir: HOME });
    expect(inCheckOrder(rules).map((x) => x.id)).toEqual(ids);
    expect(set.order.map((x) => x.id)).toEqual(ids);
    // The trace walks the same order up to the first enabled rule that matches, which decides.
    const first = ids.findIndex((id) => rules.find((x) => x.id === id)!.enabled !== false);
    const { trace, evaluation } = set.explain(bash('ls'));
    expect(trace.map((t) => t.rule.id)).toEqual(ids.slice(0, first + 1));
    expect(evaluation.decidedBy).toBe(`rule:${ids[first]}`);
    // A call no rule matches walks them all, still in that order.
    expect(set.explain({ toolName: 'Read', input: { file_path: '/x' } }).trace.map((t) => t.rule.id)).toEqual(ids);
  });

  it('leaves the saved list as it is', () => {
    const rules = [r('a', 'allow'), r('b', 'deny')];
    inCheckOrder(rules);
    expect(rules.map((x) => x.id)).toEqual(['a', 'b']);
  });
});
