import type { Key } from 'ink';

export type ActionName =
  | 'up'
  | 'down'
  | 'allow'
  | 'deny'
  | 'denyWithMessage'
  | 'alwaysAllow'
  | 'edit'
  | 'toggleDetail'
  | 'focus'
  | 'filter'
  | 'clearFilter'
  | 'pageUp'
  | 'pageDown'
  | 'help'
  | 'quit';

export interface Binding {
  action: ActionName;
  /** Printable keys, or names of special keys from Ink's Key ('upArrow'…). */
  keys: string[];
  /** How the key is shown in the footer and the help. */
  hint: string;
  /** A word or two for the footer. */
  label: string;
  /** A sentence for the help overlay. */
  help: string;
  /** Left out of the footer (still in the help) where the footer has no room. */
  footer?: false;
}

/** Every key the console knows, declared once; the footer and the help are derived from it. */
export const KEYMAP: readonly Binding[] = [
  { action: 'up', keys: ['upArrow', 'k'], hint: '↑/k', label: 'up', help: 'select the call above', footer: false },
  { action: 'down', keys: ['downArrow', 'j'], hint: '↓/j', label: 'down', help: 'select the call below', footer: false },
  { action: 'allow', keys: ['a'], hint: 'a', label: 'allow', help: 'allow the selected call' },
  { action: 'deny', keys: ['d'], hint: 'd', label: 'deny', help: 'deny the selected call' },
  { action: 'denyWithMessage', keys: ['D'], hint: 'D', label: 'deny+msg', help: 'deny with a message to the agent' },
  { action: 'alwaysAllow', keys: ['A'], hint: 'A', label: 'always', help: 'always allow: save a rule, then allow' },
  { action: 'edit', keys: ['e'], hint: 'e', label: 'edit', help: 'edit the input in $EDITOR (JSON), then allow it' },
  { action: 'toggleDetail', keys: ['return', ' '], hint: '⏎/space', label: 'detail', help: 'show or hide the detail pane', footer: false },
  { action: 'focus', keys: ['tab'], hint: 'Tab', label: 'history', help: 'move between the queue and the recent decisions' },
  { action: 'filter', keys: ['/'], hint: '/', label: 'filter', help: 'filter by text; tool:NAME and agent:NAME narrow a word' },
  { action: 'clearFilter', keys: ['escape'], hint: 'Esc', label: 'clear filter', help: 'clear the filter', footer: false },
  { action: 'pageUp', keys: ['pageUp'], hint: 'PgUp', label: 'scroll up', help: 'scroll the detail up', footer: false },
  { action: 'pageDown', keys: ['pageDown'], hint: 'PgDn', label: 'scroll down', help: 'scroll the detail down', footer: false },
  { action: 'help', keys: ['?'], hint: '?', label: 'help', help: 'show or hide this help' },
  { action: 'quit', keys: ['q'], hint: 'q', label: 'quit', help: 'quit the console (asks first while calls wait; they are denied)' },
];

/** Keys of the inline prompts (not actions of the main screen; listed in the help). */
export const PROMPT_KEYS: readonly { hint: string; help: string }[] = [
  { hint: '⏎', help: 'confirm' },
  { hint: 'Esc', help: 'cancel' },
];

export function actionFor(input: string, key: Key): ActionName | undefined {
  for (const b of KEYMAP) {
    for (const k of b.keys) {
      if (k.length === 1 ? input === k && !key.ctrl && !key.meta : key[k as keyof Key] === true) return b.action;
    }
  }
  return undefined;
}

/**
 * The footer's key hints, as many as fit in `width` in keymap order; `? help` is always kept,
 * since the help lists everything.
 */
export function footerHints(width = Infinity): string {
  const parts = ['↑↓ move', ...KEYMAP.filter((b) => b.footer !== false && b.action !== 'help').map((b) => `${b.hint} ${b.label}`)];
  const help = '? help';
  let out = '';
  for (const p of parts) {
    const next = out ? `${out}  ${p}` : p;
    if (next.length + 2 + help.length > width) break;
    out = next;
  }
  return out ? `${out}  ${help}` : help;
}
