/**
 * The console at phone width (Termius, Blink over SSH): 50×20. What `a` or `A` acts on is on screen
 * whole, prompts keep room for what is typed, the help can be read to its end, nothing overflows.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys, renderConsole } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function phone(props: Parameters<typeof renderConsole>[0] = {}) {
  const c = renderConsole({ homeDir: '/home/me', onAlwaysAllow: () => ({ id: 'r1' }), ...props });
  unmount = c.ui.unmount;
  Object.defineProperty(c.ui.stdout, 'columns', { get: () => 50, configurable: true });
  Object.defineProperty(c.ui.stdout, 'rows', { get: () => 20, configurable: true });
  c.ui.stdout.emit('resize');
  const fits = () => {
    const lines = c.frame().split('\n');
    for (const l of lines) expect(l.length, l).toBeLessThanOrEqual(50);
    expect(lines.length, c.frame()).toBeLessThanOrEqual(20);
  };
  return { ...c, fits };
}

const deepFile = '/home/me/projects/frontend/src/components/very/deeply/nested/folder/Widget.tsx';

describe('the console at 50×20', () => {
  it('A shows the whole pattern it saves, wrapped, with its keys; nothing overflows', async () => {
    const { broker, frame, press, fits } = phone();
    void broker.request({ toolName: 'Read', input: { file_path: deepFile }, agent: { name: 'web', sessionId: 's1' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow:'));
    fits();
    // Every character of the proposed pattern is on screen, in order, across the wrapped rows.
    const pattern = 'Read(//home/me/projects/frontend/src/components/very/deeply/nested/folder/**)';
    expect(frame().replace(/\n/g, '')).toContain(pattern);
    expect(frame()).toContain('⏎ save, allow c1');
    expect(frame()).toContain('Scope: this session, 1h');
    // Typing more keeps the whole pattern in view.
    await press('x', () => frame().replace(/\n/g, '').includes(`${pattern}x`));
    fits();
  });

  it('a pattern typed past six rows shows its end and says it is cut', async () => {
    const { broker, frame, press, fits } = phone();
    void broker.request({ toolName: 'Bash', input: { command: 'ls' }, agent: { sessionId: 's1' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow:'));
    const long = `Bash(${'a'.repeat(400)}END)`;
    for (let i = 0; i < 20; i++) await press(keys.backspace, () => true);
    const before = frame();
    await press(long, () => frame() !== before && frame().includes('END)'));
    fits();
    expect(frame()).toMatch(/^…$/m);
  });

  it('the deny prompt keeps room for the message: its key hint gives way', async () => {
    const { broker, frame, press, fits } = phone();
    void broker.request({ toolName: 'Bash', input: { command: 'git push --force origin main' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('D', () => frame().includes('Deny c1 with message:'));
    const message = 'Push to a branch and open a pull request';
    await press(message, () => frame().includes('pull request'));
    fits();
    // At least the message's last 16 characters are on its line.
    expect(
      frame()
        .split('\n')
        .find((l) => l.startsWith('Deny c1')),
    ).toContain('a pull request');
  });

  it('? pages through the whole help; any other key closes it', async () => {
    const { broker, frame, press, fits } = phone();
    void broker.request({ toolName: 'Bash', input: { command: 'ls' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('?', () => frame().includes('Keys'));
    fits();
    expect(frame()).toContain('↓↑ page');
    expect(frame()).not.toContain('quit the console');
    for (let i = 0; i < 5 && !frame().includes('quit the console'); i++) {
      const before = frame();
      await press(keys.pageDown, () => frame() !== before);
      fits();
    }
    expect(frame()).toContain('quit the console');
    // No word of the help is lost off the right edge: the long lines wrap.
    expect(frame()).not.toMatch(/…\s*│/);
    await press(keys.up, () => !frame().includes('quit the console'));
    await press('x', () => !frame().includes('Keys'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });
});

describe('a pattern the pane shows only cut', () => {
  it('is not saved: Enter says why, and nothing is decided', async () => {
    const saved: unknown[] = [];
    const { broker, frame, press } = phone({ onAlwaysAllow: (g) => (saved.push(g), { id: 'r1' }) });
    void broker.request({ toolName: 'Bash', input: { command: 'ls' }, agent: { sessionId: 's1' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow:'));
    for (let i = 0; i < 20; i++) await press(keys.backspace, () => true);
    const before = frame();
    await press(`Bash(${'a'.repeat(400)}:*)`, () => frame() !== before && frame().includes(':*)'));
    await press(keys.enter, () => frame().includes('Not saved: too long to show whole here'));
    expect(saved).toEqual([]);
    expect(broker.snapshot().pending).toHaveLength(1);
  });
});
