import type { Key } from 'ink';
import { promptActionFor } from './keymap.js';

/** What the screen is doing: the queue, the help overlay, or a one-line prompt (denial message, rule). */
export type Mode =
  | { kind: 'normal' }
  | { kind: 'help' }
  | { kind: 'deny'; id: string; text: string }
  /** Writing an "always allow" rule for call `id`; `text` starts as the narrowest pattern. */
  | { kind: 'allowRule'; id: string; text: string }
  /** Typing the `/` filter; `previous` comes back on Esc. */
  | { kind: 'filter'; text: string; previous: string }
  /** `q` with calls waiting: y quits (they are denied), anything else stays. */
  | { kind: 'quit'; waiting: number }
  /** The input of call `id` is open in the user's editor; the console does not read keys meanwhile. */
  | { kind: 'editing'; id: string }
  /** `m`: decide every call in `ids` (the waiting calls the filter showed when it was pressed)? */
  | { kind: 'many'; ids: readonly string[]; sample: readonly string[]; filter: string };

export type PromptStep = { kind: 'edit'; text: string } | { kind: 'submit'; text: string } | { kind: 'cancel' };

/**
 * One key in a one-line text prompt, by the prompt keymap: Enter submits, Esc cancels, Backspace
 * (terminals send it as Delete or Backspace) removes the last character; other printable input is
 * appended as typed, and any other special key changes nothing.
 */
export function promptKey(text: string, input: string, key: Key): PromptStep {
  switch (promptActionFor(input, key)) {
    case 'submit':
      return { kind: 'submit', text };
    case 'cancel':
      return { kind: 'cancel' };
    case 'erase':
      return { kind: 'edit', text: Array.from(text).slice(0, -1).join('') };
    default:
      break;
  }
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { kind: 'edit', text };
  if (key.pageUp || key.pageDown || key.home || key.end) return { kind: 'edit', text };
  return { kind: 'edit', text: text + input };
}
