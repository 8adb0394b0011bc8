import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { AWAY_MESSAGE, Presence } from '../../src/core/presence.js';
import type { Policy, ToolCall } from '../../src/core/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

const bash = (command: string): ToolCall => ({ toolName: 'Bash', input: { command } });
const MIN = 60_000;

describe('Presence: is a person at a console', () => {
  it.each([
    ['no console was ever opened', [], 0, true],
    ['a console just opened', ['attach'], 0, false],
    ['a console open, no key for 14m59s', ['attach'], 15 * MIN - 1000, false],
    ['a console open, no key for 15m', ['attach'], 15 * MIN, true],
    ['a key 1m ago in an old console', ['attach', 'wait20m', 'touch'], MIN, false],
    ['the console closed a moment after a key', ['attach', 'touch', 'detach'], 0, true],
    ['two consoles, one closed', ['attach', 'attach2', 'detach'], 0, false],
    ['a key pressed with no console open', ['touch'], 0, true],
  ] as const)('%s → away %s', (_what, steps, after, away) => {
    const clock = new FakeClock();
    const p = new Presence(clock, 15 * MIN);
    const detach: Array<() => void> = [];
    for (const s of steps) {
      if (s === 'attach' || s === 'attach2') detach.push(p.attach());
      else if (s === 'touch') p.touch();
      else if (s === 'detach') detach[0]!();
      else if (s === 'wait20m') clock.advance(20 * MIN);
    }
    clock.advance(after);
    expect(p.away()).toBe(away);
  });

  it('closing a console twice counts once', () => {
    const p = new Presence(new FakeClock(), MIN);
    const a = p.attach();
    p.attach();
    a();
    a();
    expect(p.view().consoles).toBe(1);
  });

  it('a new idle limit applies at once (hot reload)', () => {
    const clock = new FakeClock();
    const p = new Presence(clock, 15 * MIN);
    p.attach();
    clock.advance(5 * MIN);
    expect(p.away()).toBe(false);
    p.setAwayAfter(2 * MIN);
    expect(p.away()).toBe(true);
  });
});

describe('Broker with whenAway', () => {
  const ask: Policy = () => ({ action: 'ask', decidedBy: 'default' });
  function setup(whenAway: 'wait' | 'deny', policy: Policy = ask) {
    const clock = new FakeClock();
    const presence = new Presence(clock, 15 * MIN);
    let n = 0;
    const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 60_000, policy, presence, whenAway });
    return { clock, presence, broker };
  }

  it('deny: a call that needs a person while nobody is present is denied at once, with guidance the model can act on', async () => {
    const { broker } = setup('deny');
    const d = await broker.request(bash('git push'));
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'away', message: AWAY_MESSAGE });
    expect(broker.snapshot().pending).toEqual([]);
    expect(broker.snapshot().recent[0]).toMatchObject({ decision: { decidedBy: 'away' } });
  });

  it('deny: with a person present the call waits as always', () => {
    const { broker, presence } = setup('deny');
    presence.attach();
    void broker.request(bash('git push'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('deny: a console left idle past awayAfter counts as nobody', async () => {
    const { broker, presence, clock } = setup('deny');
    presence.attach();
    clock.advance(16 * MIN);
    await expect(broker.request(bash('git push'))).resolves.toMatchObject({ decidedBy: 'away' });
  });

  it('wait (the default): nobody present, the call still waits for its timeout', () => {
    const { broker } = setup('wait');
    void broker.request(bash('git push'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('never turns an allow or a deny rule into anything else, and an ask rule may say otherwise', async () => {
    const byRule: Policy = (c) =>
      c.input.command === 'ls'
        ? { action: 'allow', decidedBy: 'rule:r1' }
        : c.input.command === 'rm'
          ? { action: 'deny', decidedBy: 'rule:r2', message: 'no' }
          : c.input.command === 'deploy'
            ? { action: 'ask', decidedBy: 'rule:r3', whenAway: 'wait' }
            : { action: 'ask', decidedBy: 'rule:r4', whenAway: 'deny' };
    const wait = setup('wait', byRule);
    await expect(wait.broker.request(bash('ls'))).resolves.toMatchObject({ behavior: 'allow', decidedBy: 'rule:r1' });
    await expect(wait.broker.request(bash('rm'))).resolves.toMatchObject({ behavior: 'deny', decidedBy: 'rule:r2' });
    await expect(wait.broker.request(bash('push'))).resolves.toMatchObject({ decidedBy: 'away' });
    const deny = setup('deny', byRule);
    void deny.broker.request(bash('deploy'));
    expect(deny.broker.snapshot().pending).toHaveLength(1);
  });

  it('a change of whenAway applies to the next call (hot reload)', async () => {
    const { broker } = setup('wait');
    void broker.request(bash('one'));
    broker.setWhenAway('deny');
    await expect(broker.request(bash('two'))).resolves.toMatchObject({ decidedBy: 'away' });
    expect(broker.snapshot().pending).toHaveLength(1);
  });
});

describe('an ask rule with whenAway', () => {
  it('overrides the setting for the calls it decides; other rules and the default keep the setting', async () => {
    const { compileRules, toPolicy } = await import('../../src/core/rules/index.js');
    const policy = toPolicy(
      compileRules(
        [
          { id: 'r1', pattern: 'Bash(deploy:*)', action: 'ask', whenAway: 'deny' },
          { id: 'r2', pattern: 'Bash(make:*)', action: 'ask' },
        ],
        { homeDir: '/home/me' },
      ),
    );
    expect(policy(bash('deploy prod'))).toEqual({ action: 'ask', decidedBy: 'rule:r1', whenAway: 'deny' });
    const clock = new FakeClock();
    let n = 0;
    const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 60_000, policy, presence: new Presence(clock, MIN), whenAway: 'wait' });
    await expect(broker.request(bash('deploy prod'))).resolves.toMatchObject({ decidedBy: 'away' });
    void broker.request(bash('make all'));
    void broker.request(bash('ls'));
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['make all', 'ls']);
  });

  it.each([
    [{ id: 'r1', pattern: 'Bash', action: 'allow', whenAway: 'deny' }, /only an ask rule uses/],
    [{ id: 'r1', pattern: 'Bash', action: 'ask', whenAway: 'sometimes' }, /expected wait or deny/],
  ] as const)('refuses %j', async (rule, why) => {
    const { compileRules } = await import('../../src/core/rules/index.js');
    expect(() => compileRules([rule as never], { homeDir: '/home/me' })).toThrow(why);
  });
});
