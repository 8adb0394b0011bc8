import type { Key } from 'ink';

/** Where a key is read: the main screen, a one-line text prompt, a yes/no question, or answering an agent's questions. */
export type KeyScope = 'main' | 'prompt' | 'confirm' | 'answer' | 'grant';

export type MainAction =
  | 'up'
  | 'down'
  | 'allow'
  | 'deny'
  | 'denyWithMessage'
  | 'alwaysAllow'
  | 'edit'
  | 'many'
  | 'toggleDetail'
  | 'focus'
  | 'filter'
  | 'clearFilter'
  | 'pageUp'
  | 'pageDown'
  | 'help'
  | 'quit';
export type PromptAction = 'submit' | 'cancel' | 'erase';
export type ConfirmAction = 'yes' | 'allowAll' | 'denyAll';
export type AnswerAction = 'pick' | 'other' | 'next' | 'back' | 'cancel';
export type GrantAction = 'where' | 'longer' | 'shorter' | 'writeBack' | 'writeBackBack';
export type ActionName = MainAction | PromptAction | ConfirmAction | AnswerAction | GrantAction;

export interface Binding<A extends ActionName = ActionName> {
  action: A;
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
  /** The footer's label while a call of this tool is selected, where the key does something else for it. */
  labelFor?: Readonly<Record<string, string>>;
}

/** Every key of the main screen, declared once; the footer, the help and `cco watch --help` come from it. */
export const KEYMAP: readonly Binding<MainAction>[] = [
  { action: 'up', keys: ['upArrow', 'k'], hint: '↑/k', label: 'up', help: 'select the call above', footer: false },
  { action: 'down', keys: ['downArrow', 'j'], hint: '↓/j', label: 'down', help: 'select the call below', footer: false },
  {
    action: 'allow',
    keys: ['a'],
    hint: 'a',
    label: 'allow',
    help: 'allow the call (a long one is shown to its end first); approve a plan; answer questions',
    labelFor: { ExitPlanMode: 'approve plan', AskUserQuestion: 'answer' },
  },
  { action: 'deny', keys: ['d'], hint: 'd', label: 'deny', help: 'deny the selected call' },
  {
    action: 'denyWithMessage',
    keys: ['D'],
    hint: 'D',
    label: 'deny+msg',
    help: 'deny with a message to the agent (on a plan: feedback the model reads)',
    labelFor: { ExitPlanMode: 'feedback' },
  },
  { action: 'alwaysAllow', keys: ['A'], hint: 'A', label: 'always', help: 'always allow: save a rule, then allow' },
  { action: 'edit', keys: ['e'], hint: 'e', label: 'edit', help: 'edit the input in $EDITOR (JSON), then allow it' },
  {
    action: 'many',
    keys: ['m'],
    hint: 'm',
    label: 'all shown',
    help: 'allow or deny every waiting call the filter shows (asks first, with how many)',
    footer: false,
  },
  { action: 'toggleDetail', keys: ['return', ' '], hint: '⏎/space', label: 'detail', help: 'show or hide the detail pane', footer: false },
  { action: 'focus', keys: ['tab'], hint: 'Tab', label: 'history', help: 'move between the queue and the recent decisions' },
  { action: 'filter', keys: ['/'], hint: '/', label: 'filter', help: 'filter by text; tool:NAME and agent:NAME narrow a word' },
  { action: 'clearFilter', keys: ['escape'], hint: 'Esc', label: 'clear filter', help: 'clear the filter', footer: false },
  { action: 'pageUp', keys: ['pageUp'], hint: 'PgUp', label: 'scroll up', help: 'scroll the detail up', footer: false },
  { action: 'pageDown', keys: ['pageDown'], hint: 'PgDn', label: 'scroll down', help: 'scroll the detail down', footer: false },
  { action: 'help', keys: ['?'], hint: '?', label: 'help', help: 'show or hide this help' },
  { action: 'quit', keys: ['q'], hint: 'q', label: 'quit', help: 'quit the console (asks first while calls wait; they are denied)' },
];

/** Keys of the one-line prompts (filter, denial message, always-allow rule). Anything else printable is text. */
export const PROMPT_KEYMAP: readonly Binding<PromptAction>[] = [
  { action: 'submit', keys: ['return'], hint: '⏎', label: 'confirm', help: 'confirm' },
  { action: 'cancel', keys: ['escape'], hint: 'Esc', label: 'cancel', help: 'cancel' },
  { action: 'erase', keys: ['backspace', 'delete'], hint: '⌫', label: 'erase', help: 'erase the last character' },
];

/** Keys of the yes/no questions (quit while calls wait; decide every shown call). Any other key says no. */
export const CONFIRM_KEYMAP: readonly Binding<ConfirmAction>[] = [
  { action: 'yes', keys: ['y', 'Y'], hint: 'y', label: 'yes', help: 'yes (quit: the waiting calls are denied)' },
  { action: 'allowAll', keys: ['a'], hint: 'a', label: 'allow all', help: 'allow every call listed in the question' },
  { action: 'denyAll', keys: ['d'], hint: 'd', label: 'deny all', help: 'deny every call listed in the question' },
];

/**
 * Keys while answering an agent's questions (AskUserQuestion), one question at a time. A digit
 * picks that option (a single-choice question then moves on; on a multiple-choice one it toggles),
 * `o` types an answer of your own, Enter moves on (and at the end sends the answers), Backspace
 * goes back a question, Esc cancels without deciding. Other keys do nothing.
 */
export const ANSWER_KEYMAP: readonly Binding<AnswerAction>[] = [
  {
    action: 'pick',
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    hint: '1-9',
    label: 'pick',
    help: 'pick that option (on a multiple-choice question: toggle it)',
  },
  { action: 'other', keys: ['o'], hint: 'o', label: 'other', help: 'type an answer of your own' },
  { action: 'next', keys: ['return'], hint: '⏎', label: 'next', help: 'next question; after the last one, send the answers (the call is allowed with them)' },
  { action: 'back', keys: ['backspace', 'delete'], hint: '⌫', label: 'back', help: 'back to the question before' },
  { action: 'cancel', keys: ['escape'], hint: 'Esc', label: 'cancel', help: 'stop answering; nothing is decided' },
];

/**
 * The `A` chooser's own keys, read before the prompt's (the pattern is typed as in any prompt):
 * where the rule reaches, how long it lasts, and whether Claude is told too.
 */
export const GRANT_KEYMAP: readonly Binding<GrantAction>[] = [
  { action: 'where', keys: ['tab'], hint: 'Tab', label: 'where', help: 'always allow: this session, this agent, this project, or every agent' },
  { action: 'longer', keys: ['rightArrow'], hint: '→', label: 'longer', help: 'always allow: last longer (15m, 1h, 4h, forever)' },
  { action: 'shorter', keys: ['leftArrow'], hint: '←', label: 'shorter', help: 'always allow: last less long' },
  {
    action: 'writeBack',
    keys: ['downArrow'],
    hint: '↓',
    label: 'tell Claude',
    help: "always allow: also tell Claude (its suggestions, or cco's pattern for its session or local settings)",
  },
  { action: 'writeBackBack', keys: ['upArrow'], hint: '↑', label: 'back', help: 'always allow: the previous write-back choice' },
];

export function grantActionFor(input: string, key: Key): GrantAction | undefined {
  return lookup(GRANT_KEYMAP, input, key);
}

/** The chooser's keys in one line: `Tab where · ←→ how long · ↓ tell Claude`. */
export function grantHints(writeBack: boolean): string {
  const h = (a: GrantAction) => hintOf(GRANT_KEYMAP, a);
  return [`${h('where')} where`, `${h('shorter')}${h('longer')} how long`, ...(writeBack ? [`${h('writeBackBack')}${h('writeBack')} tell Claude`] : [])].join(
    ' · ',
  );
}

/** The keys of the prompts for the help: `⏎ confirm, Esc cancel, …`. */
export const PROMPT_KEYS: readonly { hint: string; help: string }[] = PROMPT_KEYMAP.map(({ hint, help }) => ({ hint, help }));

function matches(b: Binding, input: string, key: Key): boolean {
  for (const k of b.keys) {
    if (k.length === 1 ? input === k && !key.ctrl && !key.meta : key[k as keyof Key] === true) return true;
  }
  return false;
}

function lookup<A extends ActionName>(map: readonly Binding<A>[], input: string, key: Key): A | undefined {
  return map.find((b) => matches(b, input, key))?.action;
}

export function actionFor(input: string, key: Key): MainAction | undefined {
  return lookup(KEYMAP, input, key);
}

export function promptActionFor(input: string, key: Key): PromptAction | undefined {
  return lookup(PROMPT_KEYMAP, input, key);
}

export function confirmActionFor(input: string, key: Key): ConfirmAction | undefined {
  return lookup(CONFIRM_KEYMAP, input, key);
}

export function answerActionFor(input: string, key: Key): AnswerAction | undefined {
  return lookup(ANSWER_KEYMAP, input, key);
}

/**
 * The answer keys for the footer, in keymap order, with the words of this moment: `pick` is
 * shown as the range of the question's options (`1-3 pick one`), `next` as `send` at the end.
 */
export function answerHints(state: { options: number; multiSelect: boolean; review: boolean; typing: boolean }): string {
  const b = (a: AnswerAction) => ANSWER_KEYMAP.find((x) => x.action === a)!;
  if (state.typing) return promptHints('answer', 'back to the options');
  if (state.review)
    return [`${b('next').hint} send the answers (allow)`, `${b('back').hint} ${b('back').label}`, `${b('cancel').hint} ${b('cancel').label}`].join(' · ');
  const range = state.options > 1 ? `1-${Math.min(9, state.options)}` : '1';
  return [
    ...(state.options > 0 ? [`${range} ${state.multiSelect ? 'toggle' : 'pick one'}`] : []),
    `${b('other').hint} ${b('other').label}`,
    ...(state.multiSelect ? [`${b('next').hint} ${b('next').label}`] : []),
    `${b('back').hint} ${b('back').label}`,
    `${b('cancel').hint} ${b('cancel').label}`,
  ].join(' · ');
}

const hintOf = <A extends ActionName>(map: readonly Binding<A>[], action: A): string => map.find((b) => b.action === action)!.hint;

/** A prompt's hints with its own words: `⏎ send · Esc cancel`. */
export function promptHints(submit: string, cancel = 'cancel'): string {
  return `${hintOf(PROMPT_KEYMAP, 'submit')} ${submit} · ${hintOf(PROMPT_KEYMAP, 'cancel')} ${cancel}`;
}

/** A question's hints: the keys it takes, then "any other key" and what that does. */
export function confirmHints(actions: readonly ConfirmAction[], otherwise: string): string {
  return [...actions.map((a) => `${hintOf(CONFIRM_KEYMAP, a)} ${CONFIRM_KEYMAP.find((b) => b.action === a)!.label}`), `any other key ${otherwise}`].join(' · ');
}

/**
 * The footer's key hints, as many as fit in `width` in keymap order; `? help` is always kept,
 * since the help lists everything. `tool` (the selected call's) picks the labels of keys that do
 * something else for it (`a approve plan`, `a answer`).
 */
export function footerHints(width = Infinity, tool?: string): string {
  const labelOf = (b: Binding<MainAction>) => (tool !== undefined && b.labelFor?.[tool]) || b.label;
  const parts = ['↑↓ move', ...KEYMAP.filter((b) => b.footer !== false && b.action !== 'help').map((b) => `${b.hint} ${labelOf(b)}`)];
  const help = '? help';
  let out = '';
  for (const p of parts) {
    const next = out ? `${out}  ${p}` : p;
    if (next.length + 2 + help.length > width) break;
    out = next;
  }
  return out ? `${out}  ${help}` : help;
}
