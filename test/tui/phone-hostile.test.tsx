/**
 * The always-allow pattern at phone sizes when the agent chose what it proposes: wide characters,
 * emoji, escape sequences, long paths; with a banner taking rows. What Enter saves is on screen
 * whole, or the prompt says it is cut.
 */
import stringWidth from 'string-width';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertBoard } from '../../src/core/alerts.js';
import { escapeText } from '../../src/core/escape.js';
import { renderConsole } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function sized(width: number, height: number, alerts?: AlertBoard) {
  const saved: unknown[] = [];
  const c = renderConsole({ homeDir: '/home/me', onAlwaysAllow: (g) => (saved.push(g), { id: 'r1' }), ...(alerts ? { alerts } : {}) });
  unmount = c.ui.unmount;
  Object.defineProperty(c.ui.stdout, 'columns', { get: () => width, configurable: true });
  Object.defineProperty(c.ui.stdout, 'rows', { get: () => height, configurable: true });
  c.ui.stdout.emit('resize');
  return { ...c, saved };
}

const paths = [
  '/home/me/项目/前端/组件/非常/深的/文件夹/小部件.tsx',
  '/home/me/🚀rocket/👩‍💻dev/🇺🇸flags/ok/🎉party/x.ts',
  '/home/me/a\u001b]0;t\u0007b/\u001b[2Jc/d\u202ee/f.ts',
  `/home/me/${'long-folder-name/'.repeat(8)}x.ts`,
];

describe('A at phone sizes, the agent choosing the proposal', () => {
  for (const path of paths) {
    it(`shows the pattern whole, or says it is cut: ${escapeText(path).slice(0, 40)}`, async () => {
      for (const [width, height] of [
        [40, 19],
        [40, 22],
        [44, 20],
        [50, 19],
        [60, 18],
      ] as const) {
        const alerts = new AlertBoard();
        alerts.set('config', 'Config file broken, last good rules still active: something long enough to wrap on a phone.');
        const { broker, frame, press, saved, ui } = sized(width, height, alerts);
        void broker.request({ toolName: 'Read', input: { file_path: path }, agent: { name: 'web', sessionId: 's1' } });
        await vi.waitFor(() => expect(frame()).toMatch(/› c\d|This pane is/));
        if (frame().includes('This pane is')) {
          ui.unmount();
          continue;
        }
        // A call longer than the pane is scrolled through first (each A shows the next part).
        const inChooser = () => frame().includes('Always allow') || /^…$/m.test(frame());
        for (let i = 0; i < 10 && !inChooser(); i++) {
          const before = frame();
          await press('A', () => frame() !== before);
        }
        await vi.waitFor(() => expect(inChooser()).toBe(true));
        const f = frame();
        const lines = f.split('\n');
        for (const l of lines) expect(stringWidth(l), `${width}x${height}: ${l}`).toBeLessThanOrEqual(width);
        expect(lines.length, `${width}x${height}:\n${f}`).toBeLessThanOrEqual(height);
        expect(f).not.toContain('\u001b]');
        expect(f).not.toContain('\u0007');
        // What Enter would save.
        // Enter saves only a pattern shown whole; a cut one is refused, saying so.
        await press('\r', () => saved.length === 1 || frame().includes('Not saved: too long to show whole here'));
        const cut = /^…/m.test(f);
        if (saved.length === 1) {
          const shown = escapeText((saved[0] as { pattern: string }).pattern);
          expect(lines.join('').includes(shown), `${width}x${height}: ${shown} saved but not shown whole:\n${f}`).toBe(true);
        } else {
          expect(cut, `${width}x${height}: refused, but not marked cut:\n${f}`).toBe(true);
        }
        ui.unmount();
      }
    });
  }
});
