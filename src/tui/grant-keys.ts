/** The always-allow chooser (A): its keys, the grant it saves, and the footer room it takes. */
import {
  DEFAULT_FOR_INDEX,
  fromClaude,
  GRANT_FOR,
  GRANT_WHERE,
  narrowestWhere,
  scopeLabel,
  whereFields,
  writeBackChoices,
  writeBackUpdates,
  type Grant,
  type GrantWhere,
} from '../core/grant.js';
import { proposeRule } from '../core/rules/index.js';
import type { ToolCall } from '../core/types.js';
import type { ConsoleState } from './console-state.js';
import type { KeyEvent } from './key-events.js';
import { grantActionFor, promptHints } from './keymap.js';
import { promptExtraRows, promptRows, type PromptRows } from './prompt-rows.js';
import { MIN_ROWS } from './layout.js';
import { type Mode, promptKey } from './mode.js';
import { note, type Step, type StepContext } from './step.js';

/**
 * Footer lines the A chooser takes beyond the usual two: scope, past asks, where the rule lives,
 * and for a call from Claude what telling Claude trades away.
 */
export function grantFooterExtra(call: ToolCall): number {
  return fromClaude(call) ? 4 : 3;
}

export type GrantMode = Extract<Mode, { kind: 'allowRule' }>;

/** The pattern prompt of the chooser at `width`: wrapped whole, so the rule saved is the rule shown. */
export function grantPrompt(mode: GrantMode, width: number, spare?: number): PromptRows {
  return promptRows(GRANT_LABEL, mode.text, grantHint(mode), width, spare);
}

export const GRANT_LABEL = 'Always allow: ';

/** The keys of the pattern prompt: Enter saves (and allows the call, from the queue), Esc cancels. */
export const grantHint = (mode: GrantMode) => `  ${promptHints(mode.fromHistory ? 'save' : `save, allow ${mode.id}`)}`;

/**
 * The rows the chooser takes beyond the usual two footer lines: the pattern's extra rows always,
 * and the scope, past asks and write-back lines where the pane has room for them (`roomy`; else
 * one status line).
 */
export function grantFooterRows(mode: GrantMode, width: number, height: number, banners: number): { roomy: boolean; extra: number; prompt: PromptRows } {
  // The pattern may take the rows the pane has beyond the smallest console, never more.
  const prompt = grantPrompt(mode, width, Math.max(0, height - banners - MIN_ROWS));
  const patternExtra = promptExtraRows(prompt);
  const roomy = height - banners >= MIN_ROWS + patternExtra + grantFooterExtra(mode.call);
  return { roomy, prompt, extra: patternExtra + (roomy ? grantFooterExtra(mode.call) : 0) };
}

/** The chooser's scope keys first (Tab, arrows), then the pattern prompt's. */
export function grantKey(s: ConsoleState, mode: GrantMode, ev: KeyEvent, ctx: StepContext): Step {
  const { input, key } = ev;
  const set = (m: Partial<GrantMode>): Step => ({ state: { ...s, mode: { ...mode, ...m } }, effects: [] });
  const g = grantActionFor(input, key);
  if (g === 'where') {
    // The next scope this call can have (a call with no session skips "this session").
    for (let k = 1; k <= GRANT_WHERE.length; k++) {
      const next = GRANT_WHERE[(GRANT_WHERE.indexOf(mode.where) + k) % GRANT_WHERE.length] as GrantWhere;
      if (whereFields(next, mode.call).ok) return set({ where: next });
    }
    return set({});
  }
  if (g === 'longer' || g === 'shorter') {
    const forIndex = Math.max(0, Math.min(GRANT_FOR.length - 1, mode.forIndex + (g === 'longer' ? 1 : -1)));
    return set({ forIndex });
  }
  if (g === 'writeBack' || g === 'writeBackBack') {
    const n = writeBackChoices(mode.call).length;
    return set({ writeBack: (mode.writeBack + (g === 'writeBack' ? 1 : n - 1)) % n });
  }
  const p = promptKey(mode.text, input, key);
  if (p.kind === 'edit') return set({ text: p.text });
  if (p.kind === 'cancel') return note({ ...s, mode: { kind: 'normal' } }, 'No rule saved; nothing was decided.');
  const pattern = p.text.trim();
  if (pattern === '' || ctx.ruleError(pattern) !== undefined) return { state: s, effects: [] };
  // The rule saved is the rule read: a pattern the pane can show only cut is not saved.
  const { width, height, banners } = ctx.world;
  if (grantFooterRows({ ...mode, text: p.text }, width, height, banners).prompt.cut) {
    return note(s, 'Not saved: too long to show whole here (enlarge the pane).');
  }
  const where = whereFields(mode.where, mode.call);
  if (!where.ok) return note(s, `No rule saved: ${where.why}; Tab picks another scope.`);
  const forMs = GRANT_FOR[mode.forIndex];
  const grant: Grant = {
    pattern,
    fields: where.fields,
    ...(forMs === undefined ? {} : { forMs }),
    scope: scopeLabel(mode.where, forMs),
    callId: mode.id,
  };
  const choice = writeBackChoices(mode.call)[mode.writeBack] ?? { kind: 'none' as const };
  const updatedPermissions = mode.fromHistory ? [] : writeBackUpdates(choice, mode.call, pattern);
  return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'saveRule', id: mode.id, grant, allowCall: !mode.fromHistory, updatedPermissions }] };
}

/** The chooser as it opens on a call: the narrowest pattern and scope, an hour, Claude not told. */
export function openGrant(id: string, call: ToolCall, homeDir: string | undefined, fromHistory: boolean): GrantMode {
  const p = proposeRule(call, homeDir);
  return {
    kind: 'allowRule',
    id,
    call,
    text: p.locked === undefined ? p.pattern : '',
    proposal: p.pattern,
    ...(p.locked === undefined ? {} : { locked: p.locked }),
    where: narrowestWhere(call),
    forIndex: DEFAULT_FOR_INDEX,
    writeBack: 0,
    ...(fromHistory ? { fromHistory: true as const } : {}),
  };
}
