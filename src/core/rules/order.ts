import type { Rule, RuleAction } from './types.js';

/** The priority of a rule that names none. Lower is checked first. */
export const DEFAULT_PRIORITY = 100;

/** Within one priority: deny, then ask, then allow. */
export const ACTION_RANK: Readonly<Record<RuleAction, number>> = { deny: 0, ask: 1, allow: 2 };

/** What decides where a rule stands in the order the rules are checked. */
export interface OrderKeys {
  readonly priority: number;
  readonly action: RuleAction;
  /** createdAt in ms; a rule without one (or with one that does not parse) counts as newest. */
  readonly created: number;
  /** Position in the list as saved. */
  readonly index: number;
}

export const priorityOf = (rule: Rule): number => rule.priority ?? DEFAULT_PRIORITY;

export function orderKeys(rule: Rule, index: number): OrderKeys {
  const created = rule.createdAt === undefined ? Number.NaN : Date.parse(rule.createdAt);
  return { priority: priorityOf(rule), action: rule.action, created: Number.isNaN(created) ? Number.POSITIVE_INFINITY : created, index };
}

/**
 * The one rule order: priority ascending; within a priority deny, then ask, then allow; then
 * the older rule (createdAt); then list order. The engine checks rules in this order and the
 * first that matches decides; `cco rules list` shows them in it.
 */
export function compareOrder(a: OrderKeys, b: OrderKeys): number {
  return (
    a.priority - b.priority ||
    (ACTION_RANK[a.action] ?? 3) - (ACTION_RANK[b.action] ?? 3) ||
    (a.created === b.created ? 0 : a.created < b.created ? -1 : 1) ||
    a.index - b.index
  );
}

/** The rules in the order they are checked (a new array; the saved list is left as it is). */
export function inCheckOrder<R extends Rule>(rules: readonly R[]): R[] {
  return rules
    .map((rule, i) => ({ rule, keys: orderKeys(rule, i) }))
    .sort((a, b) => compareOrder(a.keys, b.keys))
    .map((x) => x.rule);
}
