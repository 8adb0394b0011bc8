import type { Key } from 'ink';

/** One key press, as the console's state machine reads it. */
export interface KeyEvent {
  input: string;
  key: Key;
}

const NONE: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};

const special = (name: 'return' | 'tab' | 'backspace'): KeyEvent => ({ input: '', key: { ...NONE, [name]: true } });

/** A printable character as a key of its own (`A` carries shift, as Ink reports it). */
function char(c: string): KeyEvent {
  return { input: c, key: { ...NONE, shift: /^[A-Z]$/.test(c) } };
}

/**
 * Ink hands the handler one event per escape sequence, but a run of plain text that arrived in one
 * read (`jjj` from tmux, `ad` typed fast, a paste, `xyz\r`) as a single string. Split such a run
 * into its keys, in order, so each is applied to the state the one before it left: `jjj` moves
 * three rows, `Dhello` opens the message prompt and types "hello" into it. In a prompt the
 * characters are appended one by one, which gives the same text as the whole paste.
 * Control characters inside the run become the keys terminals send them for (CR is Enter, DEL
 * and BS are Backspace, TAB is Tab; CR LF is one Enter); other C0 controls are dropped, never typed.
 */
export function splitKeys(input: string, key: Key): KeyEvent[] {
  const flagged = key.ctrl || key.meta || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow || key.pageUp || key.pageDown;
  const named = key.return || key.escape || key.tab || key.backspace || key.delete || key.home || key.end;
  if (flagged || named || input.length <= 1) return [{ input, key }];
  const out: KeyEvent[] = [];
  let prev = '';
  for (const c of input) {
    const after = prev;
    prev = c;
    if (c === '\n' && after === '\r') continue;
    if (c === '\r' || c === '\n') out.push(special('return'));
    else if (c === '\t') out.push(special('tab'));
    else if (c === '\u007f' || c === '\b') out.push(special('backspace'));
    else if (c < ' ') continue;
    else out.push(char(c));
  }
  return out;
}
