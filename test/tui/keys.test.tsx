import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Decision } from '../../src/core/types.js';
import { KEYMAP, PROMPT_KEYS } from '../../src/tui/keymap.js';
import { bash, keys, renderConsole } from './helpers.js';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function setup(...args: Parameters<typeof renderConsole>) {
  const c = renderConsole(...args);
  unmount = c.ui.unmount;
  return c;
}

describe('deny with a message', () => {
  it('D opens a prompt; Enter sends the typed text to the agent verbatim', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('keep me'));
    const target = broker.request(bash('rm -rf build'));
    await vi.waitFor(() => expect(frame()).toContain('rm -rf build'));
    await press('j', () => frame().includes('› c2'));
    await press('D', () => frame().includes('Deny c2 with message:'));
    // (The broker trims the ends of a message; everything between goes through as typed.)
    const message = 'Use `npm run clean`  — not rm! "quotes" \\ {json}';
    await press(message, () => frame().includes('npm run clean'));
    // Keys typed into the message are text, not actions: nothing was decided by the a or d in it.
    await press('ad', () => frame().includes('{json}ad'));
    await press(keys.backspace, () => frame().includes('{json}a ') && !frame().includes('{json}ad'));
    await press(keys.backspace, () => !frame().includes('{json}a'));
    let settled: Decision | undefined;
    void target.then((d) => (settled = d));
    await press(keys.enter, () => settled !== undefined);
    expect(settled).toMatchObject({ behavior: 'deny', decidedBy: 'user', message });
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1']);
    await vi.waitFor(() => expect(frame()).toContain('Denied c2.'));
    expect(frame()).toContain('a allow');
  });

  it('Esc cancels the prompt without deciding', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('x'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('D', () => frame().includes('Deny c1 with message:'));
    await press('no', () => frame().includes('message: no'));
    await press(keys.escape, () => frame().includes('nothing was decided'));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1']);
    expect(frame()).toContain('d deny');
    // Back on the queue: keys are actions again.
    await press('d', () => broker.snapshot().pending.length === 0);
    expect(broker.snapshot().recent[0]!.decision.message).not.toBe('no');
  });

  it('the message goes to the call selected when D was pressed, even if that call ends first', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('one'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('D', () => frame().includes('Deny c1 with message:'));
    broker.decide('c1', { behavior: 'allow' });
    void broker.request(bash('two'));
    await vi.waitFor(() => expect(frame()).toContain('› c2'));
    await press('late', () => frame().includes('message: late'));
    await press(keys.enter, () => frame().includes('already decided'));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c2']);
  });
});

describe('detail pane', () => {
  const edit = { toolName: 'Edit', input: { file_path: '/repo/a.ts', old_string: 'const a = 1;\nkeep', new_string: 'const a = 2;\nkeep' } };

  it('shows an Edit as a diff with removed and added lines', async () => {
    const { broker, frame } = setup();
    void broker.request(edit);
    await vi.waitFor(() => expect(frame()).toContain('-const a = 1;'));
    expect(frame()).toContain('+const a = 2;');
    expect(frame()).toContain('file: /repo/a.ts');
  });

  it('shows a Write with numbered lines', async () => {
    const { broker, frame } = setup();
    void broker.request({ toolName: 'Write', input: { file_path: '/repo/n.txt', content: 'alpha\nbeta' } });
    await vi.waitFor(() => expect(frame()).toContain('1 │ alpha'));
    expect(frame()).toContain('2 │ beta');
  });

  it('Enter and Space toggle the detail', async () => {
    const { broker, frame, press } = setup();
    void broker.request(edit);
    await vi.waitFor(() => expect(frame()).toContain('+const a = 2;'));
    await press(keys.enter, () => !frame().includes('+const a = 2;'));
    await press(' ', () => frame().includes('+const a = 2;'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('PgDn and PgUp scroll a long detail, never past its ends', async () => {
    const { broker, frame, press, ui } = setup();
    const content = Array.from({ length: 60 }, (_, i) => `row${i + 1}`).join('\n');
    void broker.request({ toolName: 'Write', input: { file_path: '/f', content } });
    await vi.waitFor(() => expect(frame()).toMatch(/lines 1–\d+ of 61/));
    expect(frame()).not.toContain('row20');
    await press(keys.pageDown, () => /lines (?!1–)\d+–/.test(frame()));
    for (let i = 0; i < 20; i++) ui.stdin.write(keys.pageDown);
    await vi.waitFor(() => expect(frame()).toContain('row60'));
    expect(frame()).toMatch(/–61 of 61/);
    for (let i = 0; i < 20; i++) ui.stdin.write(keys.pageUp);
    await vi.waitFor(() => expect(frame()).toMatch(/lines 1–/));
  });
});

describe('help', () => {
  it('? lists every binding of the keymap; any key closes it', async () => {
    const { frame, press, broker } = setup();
    void broker.request(bash('x'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('?', () => frame().includes('Keys'));
    expect(frame()).toContain('cco v0.0.0');
    for (const b of KEYMAP) {
      expect(frame()).toContain(`${b.hint}`);
      expect(frame()).toContain(b.help);
    }
    for (const k of PROMPT_KEYS) expect(frame()).toContain(`${k.hint} ${k.help}`);
    // The key that closes the help does nothing else.
    await press('a', () => frame().includes('› c1'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('the footer is derived from the keymap', async () => {
    const { frame } = setup();
    await vi.waitFor(() => expect(frame()).toContain('q quit'));
    for (const b of KEYMAP.filter((k) => k.footer !== false)) expect(frame()).toContain(`${b.hint} ${b.label}`);
  });
});
