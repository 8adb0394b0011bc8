import { describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../src/core/types.js';
import { bash, keys, renderConsole } from './helpers.js';

const setup = renderConsole;

describe('/ filter', () => {
  it('narrows both lists as it is typed; decisions act on the calls it shows', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('make build', 'api'));
    const npm = broker.request(bash('npm test', 'web'));
    void broker.request({ toolName: 'Write', input: { file_path: '/repo/npm-notes.md', content: 'x' }, agent: { name: 'api' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('/', () => frame().includes('Filter: '));
    await press('npm', () => frame().includes('2 of 3 match the filter'));
    expect(frame()).not.toContain('make build');
    // The cursor moved off the hidden call, onto the first one shown.
    await vi.waitFor(() => expect(frame()).toContain('› c2'));
    await press(' tool:bash', () => frame().includes('1 of 3 match the filter'));
    await press(keys.enter, () => frame().includes('Filter: npm tool:bash (Esc clears it).'));
    let settled: Decision | undefined;
    void npm.then((d) => (settled = d));
    await press('a', () => settled !== undefined);
    expect(settled).toMatchObject({ behavior: 'allow' });
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1', 'c3']);
    // Nothing left that matches: a decision key does nothing to the hidden calls.
    await vi.waitFor(() => expect(frame()).toContain('No waiting call matches the filter (2 waiting)'));
    await press('d', () => true);
    await new Promise((r) => setImmediate(r));
    expect(broker.snapshot().pending).toHaveLength(2);
    // The history is filtered too: the allowed npm test is there, nothing else.
    expect(frame()).toContain('npm test');
    await press(keys.escape, () => frame().includes('Filter cleared.'));
    expect(frame()).toContain('make build');
  });

  it('agent:NAME matches the agent; Esc while typing puts the previous filter back', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('one', 'api'));
    void broker.request(bash('two', 'web'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('/', () => frame().includes('Filter: '));
    await press('agent:web', () => frame().includes('1 of 2 match'));
    await press(keys.enter, () => frame().includes('filter "agent:web"'));
    await press('/', () => frame().includes('Filter: agent:web'));
    for (let i = 0; i < 3; i++) await press(keys.backspace, () => true);
    // `agent:` alone narrows nothing yet: both calls are back.
    await vi.waitFor(() => expect(frame()).toContain(' one '));
    expect(frame()).not.toContain('match the filter');
    await press(keys.escape, () => frame().includes('1 of 2 match'));
    expect(frame()).toContain('› c2');
    expect(frame()).not.toContain(' one ');
  });
});

describe('Tab: the history', () => {
  it('moves the cursor to recent decisions and shows one in full with who decided', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('first'));
    void broker.request(bash('second'));
    void broker.request(bash('still waiting'));
    broker.decide('c1', { behavior: 'allow' }, 'rule:r7');
    broker.decide('c2', { behavior: 'deny', message: 'Use the Makefile.' });
    await vi.waitFor(() => expect(frame()).toContain('› c3'));
    await press(keys.tab, () => frame().includes('▸ Recent'));
    // Newest first: the denial is selected and shown with its message.
    await vi.waitFor(() => expect(frame()).toContain('denied by you after'));
    expect(frame()).toContain('Use the Makefile.');
    expect(frame()).toContain('$ second');
    await press('j', () => frame().includes('allowed by rule:r7'));
    expect(frame()).toContain('$ first');
    // Decision keys do not reach the waiting call from here.
    await press('a', () => frame().includes('c1 was already decided. Tab goes back'));
    await press('d', () => true);
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c3']);
    await press(keys.tab, () => frame().includes('▸ Waiting for you'));
    await press('d', () => broker.snapshot().pending.length === 0);
  });

  it('an edited call is shown in the history as it ran', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('rm -rf build'));
    broker.decide('c1', { behavior: 'allow', updatedInput: { command: 'rm -rf build/tmp' } });
    await vi.waitFor(() => expect(frame()).toContain('✎ rm -rf build/tmp'));
    await press(keys.tab, () => frame().includes('allowed with edited input by you'));
    expect(frame()).toContain('$ rm -rf build/tmp');
  });

  it('A on a decided call saves a rule from it, and allows the waiting calls that rule matches', async () => {
    const saved: string[] = [];
    const { broker, frame, press } = setup({ homeDir: '/home/me', onAlwaysAllow: (g) => void saved.push(g.pattern) });
    void broker.request(bash('npm test'));
    broker.decide('c1', { behavior: 'allow' });
    void broker.request(bash('npm test -- --watch'));
    await vi.waitFor(() => expect(frame()).toContain('› c2'));
    await press(keys.tab, () => frame().includes('▸ Recent'));
    await press('A', () => frame().includes('Always allow: Bash(npm test:*)'));
    expect(frame()).toContain('Matches 1 waiting, 1 recent.');
    await press(keys.enter, () => frame().includes('Saved allow rule Bash(npm test:*) (every agent, 1h).'));
    expect(saved).toEqual(['Bash(npm test:*)']);
  });
});

describe('q: quit', () => {
  it('asks first while calls wait; any key but y stays', async () => {
    const { broker, frame, press, onQuit } = setup();
    void broker.request(bash('one'));
    void broker.request(bash('two'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('q', () => frame().includes('Quit? 2 waiting calls are then denied'));
    await press('n', () => frame().includes('Still watching; nothing was decided.'));
    expect(onQuit).not.toHaveBeenCalled();
    expect(broker.snapshot().pending).toHaveLength(2);
    await press('q', () => frame().includes('Quit?'));
    await press('y', () => onQuit.mock.calls.length === 1);
  });
});
