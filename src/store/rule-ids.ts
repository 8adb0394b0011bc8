import type { Rule } from '../core/rules/types.js';

/** The next free rule id (`r<n>`, one above the highest in use). */
export function nextRuleId(rules: readonly Rule[]): string {
  let max = 0;
  for (const r of rules) {
    const m = /^r(\d+)$/.exec(r.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `r${max + 1}`;
}
