import { describe, expect, it, vi } from 'vitest';
import { editorCommand } from '../../src/tui/editor.js';
import { parseFilter } from '../../src/tui/filter.js';
import { footerHints } from '../../src/tui/keymap.js';
import { throttleSubscribe } from '../../src/tui/use-source.js';

describe('throttleSubscribe', () => {
  it('passes the first change at once and folds a burst into one call per window', () => {
    vi.useFakeTimers();
    try {
      let emit = () => {};
      const subscribe = (l: () => void) => {
        emit = l;
        return () => {};
      };
      const heard = vi.fn();
      throttleSubscribe(subscribe, 50, () => Date.now())(heard);
      emit();
      expect(heard).toHaveBeenCalledTimes(1);
      for (let i = 0; i < 100; i++) emit();
      expect(heard).toHaveBeenCalledTimes(1);
      vi.advanceTimersByTime(50);
      expect(heard).toHaveBeenCalledTimes(2);
      vi.advanceTimersByTime(1000);
      expect(heard).toHaveBeenCalledTimes(2);
      // After a quiet spell the next change is immediate again.
      emit();
      expect(heard).toHaveBeenCalledTimes(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('unsubscribing cancels a pending call', () => {
    vi.useFakeTimers();
    try {
      let emit = () => {};
      const inner = vi.fn();
      const heard = vi.fn();
      const off = throttleSubscribe((l) => ((emit = l), inner), 50)(heard);
      emit();
      emit();
      off();
      vi.advanceTimersByTime(100);
      expect(heard).toHaveBeenCalledTimes(1);
      expect(inner).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('editorCommand', () => {
  it.each([
    [{ VISUAL: 'nvim', EDITOR: 'nano' }, 'nvim'],
    [{ VISUAL: ' ', EDITOR: 'code --wait' }, 'code --wait'],
    [{}, 'vi'],
  ])('%j → %s', (env, cmd) => expect(editorCommand(env)).toBe(cmd));
});

describe('parseFilter', () => {
  const call = (toolName: string, command: string, name?: string) => ({
    id: 'k3f9q2',
    receivedAt: 0,
    deadline: 0,
    call: { toolName, input: { command }, ...(name ? { agent: { name } } : {}) },
  });
  it.each([
    ['npm', call('Bash', 'npm test'), true],
    ['NPM TEST', call('Bash', 'npm test'), true],
    ['npm lint', call('Bash', 'npm test'), false],
    ['tool:bash', call('Bash', 'x'), true],
    ['tool:bash', call('mcp__bash__run', 'x'), true],
    ['tool:edit', call('Bash', 'edit'), false],
    ['agent:api', call('Bash', 'x', 'api'), true],
    ['agent:api', call('Bash', 'api'), false],
    ['k3f9', call('Bash', 'x'), true],
  ])('%s on %j → %s', (text, c, expected) => expect(parseFilter(text)!.matches(c)).toBe(expected));

  it('blank text, or a bare prefix, is no filter', () => {
    expect(parseFilter('  ')).toBeUndefined();
    expect(parseFilter('agent:')).toBeUndefined();
  });
});

describe('footerHints', () => {
  it('fits the width and always keeps ? help', () => {
    for (const w of [20, 40, 60, 80, 120]) {
      const h = footerHints(w);
      expect(h.length).toBeLessThanOrEqual(Math.max(w, 6));
      expect(h.endsWith('? help')).toBe(true);
    }
    expect(footerHints(200)).toContain('q quit');
  });
});
