import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import type { Decision } from '../../src/core/types.js';
import { alwaysAllow } from '../../src/commands/always-allow.js';
import type { Grant } from '../../src/core/grant.js';
import { SettingsStore, type Settings } from '../../src/store/settings.js';
import { tempHome } from '../helpers/cli.js';

const grant = (pattern: string, callId: string, more: Partial<Grant> = {}): Grant => ({ pattern, fields: {}, scope: 'every agent, forever', callId, ...more });

describe('always allow from the console', () => {
  it('saves the rule, allows the waiting calls it decides, and leaves the others waiting', async () => {
    const file = join(tempHome(), 'config.json');
    const store = new SettingsStore(file);
    await store.update((f) => void (f.rules = [{ id: 'r1', pattern: 'Bash(npm test -- --update:*)', action: 'ask' }]));
    const policyOf = (s: Settings) => toPolicy(compileRules(s.rules, { homeDir: '/home/u', defaultAction: s.defaultAction }));
    let n = 0;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000, policy: policyOf(store.read()) });
    const bash = (command: string) => broker.request({ toolName: 'Bash', input: { command } });
    const watch = bash('npm test -- --watch');
    const plain = bash('npm test');
    const other = bash('rm -rf build');
    const denied = bash('npm test -- --update');
    const settled = new Map<string, Decision>();
    for (const [name, p] of Object.entries({ watch, plain, other, denied })) void p.then((d) => settled.set(name, d));

    // Granted on c1: that call is left to the console (the person's decision); c2 is the rule's.
    const { rule, allowed } = await alwaysAllow(grant('Bash(npm test:*)', 'c1'), { store, broker, policyOf });
    expect(rule).toMatchObject({ id: 'r2', pattern: 'Bash(npm test:*)', action: 'allow' });
    expect(allowed).toEqual(['c2']);
    expect(await plain).toMatchObject({ behavior: 'allow', decidedBy: 'rule:r2' });
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['npm test -- --watch', 'rm -rf build', 'npm test -- --update']);
    expect(broker.decide('c1', { behavior: 'allow', savedRule: 'r2 forever' })).toMatchObject({ decidedBy: 'user', savedRule: 'r2 forever' });
    expect(await watch).toMatchObject({ behavior: 'allow', decidedBy: 'user', updatedInput: { command: 'npm test -- --watch' } });
    expect(settled.has('other') || settled.has('denied')).toBe(false);

    // The rule is on disk and already the policy: the next matching call needs nobody.
    expect((JSON.parse(readFileSync(file, 'utf8')) as { rules: Array<{ id: string }> }).rules.map((r) => r.id)).toEqual(['r1', 'r2']);
    expect(await bash('npm test -- -t parser')).toMatchObject({ behavior: 'allow', decidedBy: 'rule:r2' });
    broker.shutdown();
  });

  it('an invalid pattern saves nothing and allows nothing', async () => {
    const file = join(tempHome(), 'config.json');
    const store = new SettingsStore(file);
    const policyOf = (s: Settings) => toPolicy(compileRules(s.rules, { homeDir: '/home/u', defaultAction: s.defaultAction }));
    const broker = new Broker({ newId: () => 'c1', timeoutMs: 60_000 });
    const waiting = broker.request({ toolName: 'Bash', input: { command: 'ls' } });
    await expect(alwaysAllow(grant('Bash(ls', 'c1'), { store, broker, policyOf })).rejects.toThrow(/expected `\)`/);
    expect(broker.snapshot().pending).toHaveLength(1);
    broker.shutdown();
    expect(await waiting).toMatchObject({ decidedBy: 'shutdown' });
  });

  it('a scoped grant saves session and expires (from the given clock), and only that session is allowed', async () => {
    const file = join(tempHome(), 'config.json');
    const store = new SettingsStore(file);
    let now = Date.parse('2026-08-02T10:00:00Z');
    const policyOf = (s: Settings) => toPolicy(compileRules(s.rules, { homeDir: '/home/u', defaultAction: s.defaultAction, now: () => now }));
    let n = 0;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000, policy: policyOf(store.read()) });
    const call = (sessionId: string) => broker.request({ toolName: 'Bash', input: { command: 'npm test' }, agent: { sessionId } });
    void call('s1');
    const { rule } = await alwaysAllow(grant('Bash(npm test:*)', 'c1', { fields: { session: 's1' }, forMs: 3_600_000 }), {
      store,
      broker,
      policyOf,
      now: () => now,
    });
    expect(rule).toMatchObject({ session: 's1', expires: now + 3_600_000 });
    expect(await call('s1')).toMatchObject({ decidedBy: 'rule:r1' });
    void call('s2');
    expect(broker.snapshot().pending.map((p) => p.call.agent?.sessionId)).toEqual(['s1', 's2']);
    now += 3_600_000;
    void call('s1');
    expect(broker.snapshot().pending).toHaveLength(3);
    broker.shutdown();
  });
});
