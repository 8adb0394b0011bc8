import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import type { Decision } from '../../src/core/types.js';
import { alwaysAllow } from '../../src/commands/always-allow.js';
import { SettingsStore, type Settings } from '../../src/store/settings.js';
import { tempHome } from '../helpers/cli.js';

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

    const { rule, allowed } = await alwaysAllow('Bash(npm test:*)', { store, broker, policyOf });
    expect(rule).toMatchObject({ id: 'r2', pattern: 'Bash(npm test:*)', action: 'allow' });
    expect(allowed).toEqual(['c1', 'c2']);
    expect(await watch).toMatchObject({ behavior: 'allow', decidedBy: 'rule:r2', updatedInput: { command: 'npm test -- --watch' } });
    expect(await plain).toMatchObject({ behavior: 'allow', decidedBy: 'rule:r2' });
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['rm -rf build', 'npm test -- --update']);
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
    await expect(alwaysAllow('Bash(ls', { store, broker, policyOf })).rejects.toThrow(/expected `\)`/);
    expect(broker.snapshot().pending).toHaveLength(1);
    broker.shutdown();
    expect(await waiting).toMatchObject({ decidedBy: 'shutdown' });
  });
});
