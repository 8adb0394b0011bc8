import { describe, expect, it, vi } from 'vitest';
import { AlertBoard } from '../../src/core/alerts.js';
import { bannerRows } from '../../src/tui/components/Header.js';
import { bash, renderConsole } from './helpers.js';

const PROBLEM =
  'Config file broken, last good rules still active: rule r6 ("Bash(") has a pattern cco cannot read: expected `)` at column 6; "retention" must be at least 1h (got "1s"): a shorter one would delete the history almost at once';

describe('banners wrap instead of being cut', () => {
  it('every word of a long config problem is on screen at 70 columns, and the frame still fits', async () => {
    const alerts = new AlertBoard();
    alerts.set('config', PROBLEM);
    const { broker, frame, ui } = renderConsole({ alerts });
    Object.defineProperty(ui.stdout, 'columns', { get: () => 70, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { get: () => 24, configurable: true });
    ui.stdout.emit('resize');
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    const lines = frame().split('\n');
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(70);
    const text = lines.join(' ').replace(/\s+/g, ' ');
    for (const word of PROBLEM.split(' ')) expect(text).toContain(word);
    expect(lines.filter((l) => l.startsWith('! ')).length).toBe(1);
  });

  it.each([
    [PROBLEM, 70, 4],
    ['short', 70, 1],
    ['x'.repeat(200), 42, 4],
  ])('bannerRows: %# rows at width %i', (message, width, rows) => {
    const out = bannerRows([{ key: 'k', message }], width);
    expect(out.length).toBe(rows);
    for (const r of out) expect(r.text.length).toBeLessThanOrEqual(width);
    expect(out[0]!.text.startsWith('! ')).toBe(true);
  });

  it('a banner too long for four rows says where the whole text is', () => {
    const out = bannerRows([{ key: 'k', message: 'word '.repeat(200) }], 50);
    expect(out).toHaveLength(4);
    expect(out[3]!.text).toContain('whole text: cco doctor');
  });

  it('control characters in a banner are escaped', () => {
    const out = bannerRows([{ key: 'k', message: 'bad \u001b[31m red \u202e' }], 80);
    expect(out[0]!.text).not.toMatch(/[\u001b\u202e]/);
  });
});

describe('a pane too small for the console', () => {
  it.each([
    [60, 10],
    [30, 12],
    [60, 14],
    [45, 20],
  ])('at %ix%i the frame, with two long banners, still fits', async (cols, rows) => {
    const alerts = new AlertBoard();
    alerts.set('config', 'word '.repeat(100));
    alerts.set('audit', 'other '.repeat(100));
    const { frame, ui } = renderConsole({ alerts });
    Object.defineProperty(ui.stdout, 'columns', { get: () => cols, configurable: true });
    Object.defineProperty(ui.stdout, 'rows', { get: () => rows, configurable: true });
    ui.stdout.emit('resize');
    await vi.waitFor(() => expect(frame()).toMatch(/no key\s+decides/));
    expect(frame().split('\n').length).toBeLessThanOrEqual(rows);
  });
});
