import { describe, expect, it } from 'vitest';
import { compileRules, RuleSyntaxError, validateRule, type Rule } from '../../../src/core/rules/index.js';
import { compileRuleRegex } from '../../../src/core/rules/regex.js';
import type { ToolCall } from '../../../src/core/types.js';
import { AGENT, HOME, bash, decides, tool } from './helpers.js';

const KiB256 = 256 * 1024;

/** Classic catastrophic-backtracking regexes, each with the input that makes a backtracking engine explode. */
const REDOS: Array<[string, string]> = [
  ['/(a+)+$/', `${'a'.repeat(KiB256)}!`],
  ['/(a*)*$/', `${'a'.repeat(KiB256)}!`],
  ['/(a|a)+$/', `${'a'.repeat(KiB256)}!`],
  ['/(a|aa)+$/', `${'a'.repeat(KiB256)}!`],
  ['/(.*a){12}/', 'a'.repeat(KiB256)],
  ['/^(a+)+b/', 'a'.repeat(KiB256)],
  ['/(\\w+\\s?)+$/', `${'word '.repeat(KiB256 / 5)}!`],
  ['/^(([a-z])+.)+[A-Z]([a-z])+$/', 'a'.repeat(KiB256)],
  ['/^(\\d+)*$/', `${'1'.repeat(KiB256)}x`],
  ['/(x+x+)+y/', 'x'.repeat(KiB256)],
  ['/^.*a.*a.*a.*a.*b$/s', 'a'.repeat(KiB256)],
  ['/^([^"]*"[^"]*")*[^"]*$/', `${'"'.repeat(KiB256)}\\`],
  ['/^(\\s*,?\\s*)*$/', `${' '.repeat(KiB256)}x`],
  ['/(?:a|b|ab)*c/', 'ab'.repeat(KiB256 / 2)],
  ['/^(?:\\/+[a-z]*)+$/', `${'/a'.repeat(KiB256 / 2)}!`],
];

describe('rule regexes run in linear time: each classic ReDoS pattern decides 256 KiB in under 50 ms (best of 3)', () => {
  /** Best of 3 whole decisions, after a warm-up (the first call loads re2js). */
  const decideMs = (rule: Partial<Rule>, call: ToolCall): number => {
    const set = compileRules([{ id: 'r1', pattern: '*', action: 'deny', ...rule }], { homeDir: HOME });
    set.evaluate(call);
    // Best of 3, as bench:rules measures: the machine may be busy with other test files.
    let ms = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      set.evaluate(call);
      ms = Math.min(ms, performance.now() - t);
    }
    return ms;
  };

  it.each(REDOS)('%s', (regex, text) => {
    const inputCall = tool('mcp__x__y', { text });
    const agentCall = tool('mcp__x__y', {}, { name: text });
    expect(decideMs({ input: { text: regex } }, inputCall), `${regex} on an input field`).toBeLessThan(50);
    expect(decideMs({ agent: regex }, agentCall), `${regex} on the agent name`).toBeLessThan(50);
    // A Bash command is parsed first (tens of ms for 256 KiB of words, see bench:rules): what the
    // regex adds over a trivial one is bounded.
    const command = bash(text.replace(/[^a-z0-9 ]/gi, 'a'));
    const parse = decideMs({ input: { command: '/^zzz/' } }, command);
    expect(decideMs({ input: { command: regex } }, command) - parse, `${regex} on a command`).toBeLessThan(50);
  });
});

describe('syntax the linear-time engine cannot run is refused, saying what', () => {
  it.each([
    ['/^git(?= status)/', 'lookahead (?=…) is not supported: cco runs rule regexes with a linear-time engine'],
    ['/^git(?!push)/', 'negative lookahead (?!…) is not supported'],
    ['/(?<=sudo )rm/', 'lookbehind (?<=…) is not supported'],
    ['/(?<!x)rm/', 'negative lookbehind (?<!…) is not supported'],
    ['/(a)\\1/', 'the backreference `\\1` is not supported'],
    ['/(?<q>a)\\k<q>/', 'the named backreference `\\k<…>` is not supported'],
    ['/\\cA/', 'the control escape'],
    ['/\\p{L}/', 'needs the u flag'],
    ['/\\A/', '`\\A` is not a regex escape'],
    ['/a/x', 'the flag `x` is not supported'],
    ['/a/d', 'the flag `d` is not supported'],
    ['/a{1001}/', 'linear-time engine'],
    ['/(/', 'invalid regular expression'],
  ])('%s', (regex, message) => {
    for (const rule of [
      { id: 'r1', pattern: 'Bash', action: 'allow', input: { command: regex } },
      { id: 'r1', pattern: 'Bash', action: 'allow', agent: regex },
    ] satisfies Rule[]) {
      expect(() => validateRule(rule)).toThrow(RuleSyntaxError);
      expect(() => validateRule(rule)).toThrow(message);
      expect(() => compileRules([rule], { homeDir: HOME })).toThrow(message);
    }
  });
});

describe('rule regexes mean what they mean in JavaScript', () => {
  it.each([
    // [regex source, flags, text, JavaScript's answer is the expected one]
    ['^git (status|diff)\\b', '', 'git status -s'],
    ['^git (status|diff)\\b', '', 'git statuses'],
    ['a.b', '', 'a\nb'],
    ['a.b', '', 'a\rb'],
    ['a.b', '', 'a\u2028b'],
    ['a.b', 's', 'a\nb'],
    ['a\\sb', '', 'a\u00a0b'],
    ['a\\sb', '', 'a\u000bb'],
    ['a[\\s]b', '', 'a\u3000b'],
    ['a\\Sb', '', 'a b'],
    ['\\u0041', '', 'A'],
    ['\\u{1F600}', 'u', '\u{1F600}'],
    ['[^]', '', '\n'],
    ['\\0', '', '\0'],
    ['[\\b]', '', '\b'],
    ['^rm\\b', 'i', 'RM -rf'],
    ['^rm$', 'm', 'ls\nrm'],
    ['^rm$', '', 'ls\nrm'],
    ['\\d+', '', 'abc'],
    ['x$', '', 'x\n'],
    ['[[:alpha:]]', '', 'a'],
    ['[[:alpha:]]', '', ':]'],
    ['\\/etc\\/passwd', '', '/etc/passwd'],
    ['(?<word>\\w+)', '', 'hi'],
    ['\\p{Lu}', 'u', 'É'],
    ['a', 'g', 'a'],
  ])('/%s/%s on %j', (source, flags, text) => {
    expect(compileRuleRegex(source, flags)(text)).toBe(new RegExp(source, flags).test(text));
  });

  it('applies through rules: `--input command` part by part, `--agent` on the name', () => {
    expect(decides('Bash', 'allow', bash('git status'), { input: { command: '/^git (status|diff)\\b/' } })).toBe(true);
    expect(decides('Bash', 'allow', bash('git status; curl x | sh'), { input: { command: '/^git (status|diff)\\b/' } })).toBe(false);
    expect(decides('Read', 'allow', tool('Read', { file_path: '/x' }, { ...AGENT, name: 'team-api' }), { agent: '/^team-/i' })).toBe(true);
  });
});
