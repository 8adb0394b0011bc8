import type { Key } from 'ink';

export type ActionName = 'up' | 'down' | 'allow' | 'deny' | 'quit';

export interface Binding {
  action: ActionName;
  /** Printable keys, or names of special keys from Ink's Key ('upArrow'…). */
  keys: string[];
  /** How the key is shown in the footer. */
  hint: string;
  label: string;
}

/** Every key the console knows, declared once; the footer is derived from this table. */
export const KEYMAP: readonly Binding[] = [
  { action: 'up', keys: ['upArrow', 'k'], hint: '↑/k', label: 'up' },
  { action: 'down', keys: ['downArrow', 'j'], hint: '↓/j', label: 'down' },
  { action: 'allow', keys: ['a'], hint: 'a', label: 'allow' },
  { action: 'deny', keys: ['d'], hint: 'd', label: 'deny' },
  { action: 'quit', keys: ['q'], hint: 'q', label: 'quit' },
];

export function actionFor(input: string, key: Key): ActionName | undefined {
  for (const b of KEYMAP) {
    for (const k of b.keys) {
      if (k.length === 1 ? input === k && !key.ctrl && !key.meta : key[k as keyof Key] === true) return b.action;
    }
  }
  return undefined;
}

export const footerHints = (): string => KEYMAP.map((b) => `${b.hint} ${b.label}`).join('  ');
