import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { decidingAs, limitsText, personNameProblem, tokenMay, tokenRefusal, whoDecided, type TokenAction, type TokenLimits } from '../../src/core/people.js';

describe('what a token may do', () => {
  const cases: Array<[string, TokenLimits, TokenAction, RegExp | undefined]> = [
    ['no limits: read', {}, 'read', undefined],
    ['no limits: allow', {}, 'allow', undefined],
    ['no limits: deny', {}, 'deny', undefined],
    ['no limits: always', {}, 'always', undefined],
    ['deny only: read', { denyOnly: true }, 'read', undefined],
    ['deny only: deny', { denyOnly: true }, 'deny', undefined],
    ['deny only: allow', { denyOnly: true }, 'allow', /^The token "alice" may only deny calls \(it was made with --deny-only\), so it cannot approve\./],
    ['deny only: always', { denyOnly: true }, 'always', /may only deny calls .*cannot save an always-allow rule/],
    ['no always: allow', { noAlways: true }, 'allow', undefined],
    ['no always: deny', { noAlways: true }, 'deny', undefined],
    [
      'no always: always',
      { noAlways: true },
      'always',
      /^The token "alice" may not save always rules \(it was made with --no-always\), so it cannot send "updatedPermissions"/,
    ],
    ['both: allow', { denyOnly: true, noAlways: true }, 'allow', /may only deny/],
  ];
  it.each(cases)('%s', (_name, limits, action, refusal) => {
    const why = tokenRefusal({ person: 'alice', limits }, action);
    if (refusal === undefined) expect(why).toBeUndefined();
    else expect(why).toMatch(refusal);
    expect(tokenMay({ person: 'alice', limits }, action)).toBe(refusal === undefined);
  });

  it.each([
    [{}, 'none'],
    [{ denyOnly: true }, 'deny only'],
    [{ noAlways: true }, 'no always rules'],
    [{ denyOnly: true, noAlways: true }, 'deny only'],
  ] as Array<[TokenLimits, string]>)('limits %j read "%s"', (limits, text) => expect(limitsText(limits)).toBe(text));
});

describe('names', () => {
  it.each(['alice', 'ci-bot', 'a', 'Bob.Smith_2', 'x'.repeat(32)])('"%s" names a person', (name) => expect(personNameProblem(name)).toBeUndefined());
  it.each(['', '-alice', '.hidden', 'al ice', 'x'.repeat(33), 'alice\u001b[31m', 'ali\u202ece', 'émile', 'a/b', 'a:b'])(
    '"%s" is refused, saying what a name may be',
    (name) => {
      expect(personNameProblem(name)).toMatch(/^Invalid name ".*": use 1 to 32 letters, digits, "\.", "_" or "-", starting with a letter or digit/);
    },
  );
  it('a long refused name is cut in the message', () => expect(personNameProblem('x'.repeat(500))!.length).toBeLessThan(200));
});

describe('who decided, on screen', () => {
  it.each([
    [{ decidedBy: 'user' as const, person: 'alice' }, 'alice'],
    [{ decidedBy: 'user' as const }, 'you'],
    [{ decidedBy: 'rule:r3' as const }, 'rule:r3'],
    // A name read back from a log someone edited is escaped all the same.
    [{ decidedBy: 'user' as const, person: 'eve\u001b[2J\u202e' }, 'eve\\u001b[2J\\u202e'],
  ])('%j → %s', (d, text) => expect(whoDecided(d)).toBe(text));
});

describe('a console deciding as a person', () => {
  it("puts the person on each decision; an edited allow a deny rule catches is the rule's, not theirs", async () => {
    const broker = new Broker({
      newId: (() => {
        let n = 0;
        return () => `c${++n}`;
      })(),
      timeoutMs: 60_000,
      policy: (call) => (String(call.input.command).startsWith('rm') ? { action: 'deny', decidedBy: 'rule:r1' } : { action: 'ask', decidedBy: 'default' }),
    });
    const source = decidingAs(broker, 'bob');
    void broker.request({ toolName: 'Bash', input: { command: 'ls' } });
    void broker.request({ toolName: 'Bash', input: { command: 'ls -l' } });
    void broker.request({ toolName: 'Bash', input: { command: 'ls -a' } });
    expect(await source.decide('c1', { behavior: 'allow' })).toMatchObject({ behavior: 'allow', decidedBy: 'user', person: 'bob' });
    expect(await source.decide('c2', { behavior: 'deny', message: 'no' })).toMatchObject({ behavior: 'deny', decidedBy: 'user', person: 'bob' });
    const caught = await source.decide('c3', { behavior: 'allow', updatedInput: { command: 'rm -rf /' } });
    expect(caught).toMatchObject({ behavior: 'deny', decidedBy: 'rule:r1' });
    expect(caught.person).toBeUndefined();
    expect(broker.snapshot().recent.find((d) => d.id === 'c1')?.decision.person).toBe('bob');
  });
});
