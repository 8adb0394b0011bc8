import type { Key } from 'ink';
import type { Verdict } from '../core/types.js';
import { type Mode, promptKey } from './mode.js';

/** What the prompts may do to the screen; App hands in its setters. */
export interface PromptContext {
  setMode(m: Mode): void;
  setNotice(text: string): void;
  setFilterText(text: string): void;
  send(id: string, verdict: Verdict): void;
  alwaysAllow(id: string, pattern: string): void;
  /** The rule being typed does not parse (the prompt then stays open, its reason below it). */
  ruleInvalid: boolean;
  quit(): void;
}

/**
 * A key while a prompt or overlay is open (help, quit confirmation, filter, always-allow rule,
 * denial message). Returns false in normal mode, where the keymap applies.
 */
export function promptModeKey(mode: Mode, input: string, key: Key, ctx: PromptContext): boolean {
  switch (mode.kind) {
    case 'normal':
      return false;
    case 'editing':
      // The editor has the terminal; a stray key that reaches us decides nothing.
      return true;
    case 'help':
      ctx.setMode({ kind: 'normal' });
      return true;
    case 'quit':
      if (input === 'y' || input === 'Y') return ctx.quit(), true;
      ctx.setMode({ kind: 'normal' });
      ctx.setNotice('Still watching; nothing was decided.');
      return true;
    case 'filter': {
      const step = promptKey(mode.text, input, key);
      if (step.kind === 'edit') {
        ctx.setMode({ ...mode, text: step.text });
        ctx.setFilterText(step.text);
        return true;
      }
      ctx.setMode({ kind: 'normal' });
      if (step.kind === 'cancel') ctx.setFilterText(mode.previous);
      else ctx.setNotice(step.text.trim() ? `Filter: ${step.text.trim()} (Esc clears it).` : 'Filter cleared.');
      return true;
    }
    case 'allowRule': {
      const step = promptKey(mode.text, input, key);
      if (step.kind === 'edit') ctx.setMode({ ...mode, text: step.text });
      else if (step.kind === 'cancel') {
        ctx.setMode({ kind: 'normal' });
        ctx.setNotice('No rule saved; nothing was decided.');
      } else if (!ctx.ruleInvalid) {
        ctx.setMode({ kind: 'normal' });
        ctx.alwaysAllow(mode.id, step.text.trim());
      }
      return true;
    }
    case 'deny': {
      const step = promptKey(mode.text, input, key);
      if (step.kind === 'edit') return ctx.setMode({ ...mode, text: step.text }), true;
      ctx.setMode({ kind: 'normal' });
      // The message goes to the agent exactly as typed; an empty one gets the broker's default.
      if (step.kind === 'submit') ctx.send(mode.id, step.text ? { behavior: 'deny', message: step.text } : { behavior: 'deny' });
      else ctx.setNotice('Message cancelled; nothing was decided.');
      return true;
    }
  }
}
