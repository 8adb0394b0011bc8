import type { Key } from 'ink';

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
  | { kind: 'editing'; id: string };

export type PromptStep = { kind: 'edit'; text: string } | { kind: 'submit'; text: string } | { kind: 'cancel' };

/**
 * One key in a one-line text prompt. Printable input (a paste arrives as one chunk) is appended
 * as typed; Backspace removes the last character (terminals send it as Delete or Backspace).
 */
export function promptKey(text: string, input: string, key: Key): PromptStep {
  if (key.return) return { kind: 'submit', text };
  if (key.escape) return { kind: 'cancel' };
  if (key.backspace || key.delete) return { kind: 'edit', text: Array.from(text).slice(0, -1).join('') };
  if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return { kind: 'edit', text };
  if (key.pageUp || key.pageDown) return { kind: 'edit', text };
  return { kind: 'edit', text: text + input };
}
