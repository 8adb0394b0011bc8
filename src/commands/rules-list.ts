import { formatDuration } from '../core/duration.js';
import { ruleScope } from '../core/grant.js';
import { escapeJson, escapeText } from '../core/escape.js';
import type { RuleWarning } from '../core/rules/lint.js';
import { priorityOf } from '../core/rules/order.js';
import type { Rule } from '../core/rules/types.js';
import { warningLines } from './rule-warnings.js';
import { columns } from './table.js';

/**
 * `cco rules list`. A pattern may have been saved from an agent's command (`A` in the console),
 * so every cell is escaped: no escape sequence or raw CR/LF reaches the terminal.
 */
export function renderRules(rules: readonly Rule[], warnings: ReadonlyMap<string, readonly RuleWarning[]> = new Map()): string {
  if (rules.length === 0) return "No rules yet: every call goes to the default action. Add one with `cco rules add 'Bash(npm test:*)' --allow`.";
  // A SCOPE column only when some rule has one (session, project, time left).
  const now = Date.now();
  const scoped = rules.some((r) => ruleScope(r, now) !== '');
  const rows = rules.map((r) =>
    [
      r.id,
      String(priorityOf(r)),
      r.enabled === false ? `${r.action} (off)` : r.action,
      r.pattern,
      r.agent ?? '',
      ...(scoped ? [ruleScope(r, now)] : []),
      [
        r.input
          ? Object.entries(r.input)
              .map(([k, v]) => `${k}=${v}`)
              .join(' ')
          : '',
        r.timeoutMs !== undefined ? `timeout ${formatDuration(r.timeoutMs)}` : '',
        r.whenAway !== undefined ? `when away ${r.whenAway}` : '',
        r.message ? `"${r.message}"` : '',
        r.name ?? '',
        serious(warnings.get(r.id)).length > 0
          ? `! ${serious(warnings.get(r.id))
              .map((w) => w.code)
              .join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
    ].map((c) => escapeText(c)),
  );
  const table = columns([['ID', 'PRIO', 'ACTION', 'PATTERN', 'AGENT', ...(scoped ? ['SCOPE'] : []), 'NOTE'], ...rows], { trimEnd: true });
  // Rules marked `!` in NOTE: what is wrong and the fix, under the table.
  const flagged = rules.filter((r) => serious(warnings.get(r.id)).length > 0);
  if (flagged.length === 0) return table.join('\n');
  const lines = ['', `Warnings (${flagged.length} rule${flagged.length === 1 ? '' : 's'} marked !):`];
  for (const r of flagged) {
    lines.push(`  ${escapeText(r.id)}  ${escapeText(r.pattern)}`);
    lines.push(...warningLines(serious(warnings.get(r.id)), '    '));
  }
  return [...table, ...lines].join('\n');
}

/** Warnings, not notes: a note is safe as it is, and would mark most domain rules. */
function serious(warnings: readonly RuleWarning[] | undefined): readonly RuleWarning[] {
  return warnings?.filter((w) => w.level === 'warning') ?? [];
}

/** `cco rules list --json`: valid JSON, with bidi and invisible characters as `\uXXXX` escapes. */
export function rulesJson(rules: readonly Rule[]): string {
  return `${escapeJson(JSON.stringify(rules, null, 2))}\n`;
}
