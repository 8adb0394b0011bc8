import type { Key } from 'ink';
import { promptActionFor } from './keymap.js';
import type { GrantWhere } from '../core/grant.js';
import type { ToolCall } from '../core/types.js';
import type { Question } from './questions.js';

/** What the screen is doing: the queue, the help overlay, or a one-line prompt (denial message, rule). */
export type Mode =
  | { kind: 'normal' }
  /** `offset`: the first help line shown (a page at a time on a small pane). */
  | { kind: 'help'; offset: number }
  /** Typing a denial message for call `id`; `plan`: the call is a plan, and the message is the model's feedback on it. */
  | { kind: 'deny'; id: string; text: string; plan?: true }
  /**
   * Writing an "always allow" rule for call `id` (the `A` chooser): `text` starts as the narrowest
   * pattern (empty when `locked` says why this call is never saved from a proposal; `proposal` is
   * then shown beside it). `where` and `forIndex` (into GRANT_FOR) are the scope; `writeBack` is
   * the index into writeBackChoices(call). `fromHistory`: only the rule is saved, no call is decided.
   */
  | {
      kind: 'allowRule';
      id: string;
      text: string;
      call: ToolCall;
      proposal: string;
      locked?: string;
      where: GrantWhere;
      forIndex: number;
      writeBack: number;
      fromHistory?: true;
    }
  /** Typing the `/` filter; `previous` comes back on Esc. */
  | { kind: 'filter'; text: string; previous: string }
  /** `q` with calls waiting: y quits (they are denied), anything else stays. */
  | { kind: 'quit'; waiting: number }
  /** The input of call `id` is open in the user's editor; the console does not read keys meanwhile. */
  | { kind: 'editing'; id: string }
  /** `m`: decide every call in `ids` (the waiting calls the filter showed when it was pressed)? */
  | { kind: 'many'; ids: readonly string[]; sample: readonly string[]; filter: string }
  /**
   * Answering the questions of call `id` (AskUserQuestion), one at a time: `index` is the question
   * shown (`questions.length`: all answered, the answers are shown before they are sent),
   * `answers` the answers so far by question, `picked` the options toggled on the question shown
   * (multiple choice), `other` the answer being typed, if one is. `input` is the call's input as
   * it was when answering began: the answers are sent with it.
   */
  | {
      kind: 'answer';
      id: string;
      input: Record<string, unknown>;
      questions: readonly Question[];
      index: number;
      answers: readonly (string | undefined)[];
      picked: readonly number[];
      other: string | undefined;
    };

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
