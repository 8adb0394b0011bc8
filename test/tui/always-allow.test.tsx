import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../src/core/types.js';
import { bash, keys, renderConsole } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function setup(onAlwaysAllow?: (pattern: string) => void | Promise<void>) {
  const c = renderConsole({ homeDir: '/home/me', ...(onAlwaysAllow ? { onAlwaysAllow } : {}) });
  unmount = c.ui.unmount;
  return c;
}

describe('A: always allow', () => {
  it('offers the narrowest pattern, counts what it matches, saves it and allows the call', async () => {
    const saved: string[] = [];
    const { broker, frame, press } = setup((p) => {
      saved.push(p);
    });
    const target = broker.request(bash('npm test -- --watch'));
    void broker.request(bash('npm test'));
    void broker.request(bash('npm publish'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Bash(npm test:*)'));
    expect(frame()).toContain('Would match 2 waiting, 0 recent.');
    let settled: Decision | undefined;
    void target.then((d) => (settled = d));
    await press(keys.enter, () => settled !== undefined);
    expect(saved).toEqual(['Bash(npm test:*)']);
    expect(settled).toMatchObject({ behavior: 'allow', decidedBy: 'user' });
    await vi.waitFor(() => expect(frame()).toContain('Allowed c1.'));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c2', 'c3']);
  });

  it('the pattern can be edited; an invalid one is explained and not saved', async () => {
    const onAlwaysAllow = vi.fn();
    const { broker, frame, press } = setup(onAlwaysAllow);
    void broker.request({ toolName: 'Read', input: { file_path: '/home/me/src/a.ts' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Read('));
    for (let i = 0; i < 40; i++) await press(keys.backspace, () => true);
    await vi.waitFor(() => expect(frame()).toMatch(/Always allow: \s/));
    await press('Read(', () => frame().includes('Always allow: Read('));
    await vi.waitFor(() => expect(frame()).not.toContain('Would match'));
    await press(keys.enter, () => frame().includes('Always allow: Read('));
    expect(onAlwaysAllow).not.toHaveBeenCalled();
    await press('~/**)', () => frame().includes('Would match 1 waiting'));
    await press(keys.escape, () => frame().includes('No rule saved'));
    expect(onAlwaysAllow).not.toHaveBeenCalled();
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('a rule that cannot be saved leaves the call waiting', async () => {
    const { broker, frame, press } = setup(() => Promise.reject(new Error('settings file is broken')));
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Bash(make:*)'));
    await press(keys.enter, () => frame().includes('settings file is broken'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('without a way to save rules, A says so and decides nothing', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('not available'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });
});
