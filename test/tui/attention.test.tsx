import { afterEach, describe, expect, it, vi } from 'vitest';
import { bash, renderConsole } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

describe('attention', () => {
  it('rings once per new call, not on re-renders', async () => {
    const onBell = vi.fn();
    const { broker, frame, press, ui } = renderConsole({ onBell });
    unmount = ui.unmount;
    await vi.waitFor(() => expect(frame()).toContain('No calls waiting'));
    expect(onBell).not.toHaveBeenCalled();
    void broker.request(bash('one'));
    await vi.waitFor(() => expect(onBell).toHaveBeenCalledTimes(1));
    void broker.request(bash('two'));
    void broker.request(bash('three'));
    await vi.waitFor(() => expect(onBell).toHaveBeenCalledTimes(3));
    // Moving, toggling, deciding: re-renders and a call leaving, but nothing new arrived.
    await press('j', () => frame().includes('› c2'));
    await press(' ', () => !frame().includes('$ two'));
    // With the detail hidden, a shows it first; the second a allows.
    await press('a', () => frame().includes('$ two') && frame().includes('was hidden'));
    await press('a', () => broker.snapshot().pending.length === 2);
    await vi.waitFor(() => expect(frame()).toContain('Allowed c2.'));
    expect(onBell).toHaveBeenCalledTimes(3);
  });

  it('puts the pending count in the terminal title', async () => {
    const onTitle = vi.fn();
    const { broker, frame, ui } = renderConsole({ onTitle });
    unmount = ui.unmount;
    await vi.waitFor(() => expect(onTitle).toHaveBeenLastCalledWith('cco'));
    void broker.request(bash('one'));
    void broker.request(bash('two'));
    void broker.request(bash('three'));
    await vi.waitFor(() => expect(onTitle).toHaveBeenLastCalledWith('cco (3)'));
    broker.decide('c1', { behavior: 'allow' });
    await vi.waitFor(() => expect(onTitle).toHaveBeenLastCalledWith('cco (2)'));
    const calls = onTitle.mock.calls.length;
    await vi.waitFor(() => expect(frame()).toContain('1 allowed'));
    expect(onTitle.mock.calls.length).toBe(calls);
  });
});

describe('small terminal', () => {
  it('at 60×15 no line is wider than 60 and no frame taller than 15', async () => {
    const { broker, frame, press, ui } = renderConsole({ homeDir: '/home/me', onAlwaysAllow: () => {} });
    unmount = ui.unmount;
    // ink-testing-library has no size option: give its fake stdout a size and announce a resize.
    Object.defineProperty(ui.stdout, 'columns', { get: () => 60, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { get: () => 15, configurable: true });
    ui.stdout.emit('resize');
    const long = `npm run ${'very-long-script-name-'.repeat(10)}`;
    void broker.request(bash(long, 'an-agent-with-a-rather-long-name'));
    void broker.request({
      toolName: 'Edit',
      input: { file_path: `/repo/${'deep/'.repeat(20)}a.ts`, old_string: 'x'.repeat(200), new_string: 'y'.repeat(200) },
    });
    for (let i = 0; i < 6; i++) void broker.request(bash(`cmd ${i}`));
    broker.decide('c3', { behavior: 'deny', message: 'no' });
    const check = () => {
      const lines = frame().split('\n');
      for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(60);
      expect(lines.length).toBeLessThanOrEqual(15);
    };
    await vi.waitFor(() => expect(frame()).toContain('very-long'));
    await vi.waitFor(() => expect(frame().split('\n')[1]!.length).toBe(60));
    check();
    await press('j', () => frame().includes('› c2'));
    check();
    // One line of detail fits here: PgDn, a line at a time, brings the diff into view, to its end.
    for (let i = 0; i < 20 && !frame().includes('end of the call'); i++) {
      const before = frame();
      await press('\u001B[6~', () => frame() !== before);
      check();
    }
    expect(frame()).toContain('end of the call');
    broker.decide('c1', { behavior: 'allow' });
    await vi.waitFor(() => expect(frame()).toContain('1 allowed'));
    // Pages skipped between two frames (a busy machine) are not read: a shows them, then allows.
    for (let i = 0; i < 20 && !frame().includes('Allowed c2.'); i++) {
      const before = frame();
      await press('a', () => frame() !== before);
    }
    expect(frame()).toContain('Allowed c2.');
    check();
    await press('?', () => frame().includes('Keys'));
    check();
    await press('x', () => !frame().includes('Keys'));
    await press('D', () => frame().includes('with message'));
    await press('a fairly long message that will not fit in sixty columns at all', () => frame().includes('columns'));
    check();
    await press('\u001B', () => frame().includes('nothing was decided'));
    await press('A', () => frame().includes('Always allow: Bash('));
    await vi.waitFor(() => expect(frame()).toContain('matches'));
    check();
    await press('\u001B', () => frame().includes('No rule saved'));
    await press('\t', () => frame().includes('▸ Recent'));
    await vi.waitFor(() => expect(frame()).toMatch(/(allowed|denied) by/));
    check();
    await press('\t', () => frame().includes('▸ Waiting'));
    await press('/', () => frame().includes('Filter: '));
    await press('cmd', () => frame().includes('match the filter'));
    check();
    await press('\r', () => frame().includes('filter "cmd"'));
    check();
    await press('q', () => frame().includes('Quit?'));
    check();
  });
});
