/**
 * The rows of a prompt that must be read whole before Enter: the always-allow pattern. It wraps
 * onto as many rows as it needs (up to a cap, and to what the pane can spare), rather than keeping
 * only its end in view, so on a narrow pane (a phone over SSH) the rule saved is the rule shown.
 * Pure; the layout counts the same rows the footer draws.
 */
import { cellWidth, wrapCells } from '../core/cells.js';
import { escapeLine } from './escape.js';

/** More rows than this and the pattern shows its end, after a row that says it is cut. */
export const MAX_PATTERN_ROWS = 6;

export interface PromptRows {
  /** The label and the text (escaped), wrapped; the cursor follows the last row. */
  rows: string[];
  /** Where the key hint goes: after the last row, on a row of its own, or nowhere (no room; `?` has the keys). */
  hint: 'inline' | 'row' | 'none';
  /** The text does not fit: only its end is shown, after a `…` row. */
  cut: boolean;
}

/** `spare`: the rows the pane can give beyond the prompt's one. */
export function promptRows(label: string, text: string, hint: string, width: number, spare = MAX_PATTERN_ROWS): PromptRows {
  const all = wrapCells(`${label}${escapeLine(text)}`, Math.max(1, width - 1));
  const most = Math.max(1, Math.min(MAX_PATTERN_ROWS, 1 + spare));
  const cut = all.length > most;
  const rows = cut ? (most === 1 ? [`…${all[all.length - 1] ?? ''}`] : ['…', ...all.slice(-(most - 1))]) : all;
  const last = rows[rows.length - 1] ?? '';
  const inline = cellWidth(last) + 1 + cellWidth(hint) <= width;
  return { rows, cut, hint: inline ? 'inline' : rows.length < most ? 'row' : 'none' };
}

/** Rows the prompt takes beyond the one a prompt always has. */
export function promptExtraRows(p: PromptRows): number {
  return p.rows.length - 1 + (p.hint === 'row' ? 1 : 0);
}
