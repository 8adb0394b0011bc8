import { formatDuration } from '../core/duration.js';
import { escapeJson, escapeText } from '../core/escape.js';
import type { Rule } from '../core/rules/types.js';
import { columns } from './table.js';

/**
 * `cco rules list`. A pattern may have been saved from an agent's command (`A` in the console),
 * so every cell is escaped: no escape sequence or raw CR/LF reaches the terminal.
 */
export function renderRules(rules: readonly Rule[]): string {
  if (rules.length === 0) return 'No rules yet: every call goes to the default action. Add one with `cco rules add \'Bash(npm test:*)\' --allow`.';
  const rows = rules.map((r) =>
    [
      r.id,
      String(r.priority ?? 100),
      r.enabled === false ? `${r.action} (off)` : r.action,
      r.pattern,
      r.agent ?? '',
      [
        r.input ? Object.entries(r.input).map(([k, v]) => `${k}=${v}`).join(' ') : '',
        r.timeoutMs !== undefined ? `timeout ${formatDuration(r.timeoutMs)}` : '',
        r.message ? `"${r.message}"` : '',
        r.name ?? '',
      ]
        .filter(Boolean)
        .join('; '),
    ].map((c) => escapeText(c)),
  );
  return columns([['ID', 'PRIO', 'ACTION', 'PATTERN', 'AGENT', 'NOTE'], ...rows], { trimEnd: true }).join('\n');
}

/** `cco rules list --json`: valid JSON, with bidi and invisible characters as `\uXXXX` escapes. */
export function rulesJson(rules: readonly Rule[]): string {
  return `${escapeJson(JSON.stringify(rules, null, 2))}\n`;
}
