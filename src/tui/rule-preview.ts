import { compileRules } from '../core/rules/index.js';
import type { Rule } from '../core/rules/index.js';
import type { PendingCall } from '../core/types.js';

export type RulePreview = { ok: true; pending: number; recent: number } | { ok: false; error: string };

/**
 * What an allow rule with `pattern` would cover among the calls on screen, or why the pattern is
 * not a rule. Evaluated by the real engine, so the count is what saving the rule would do.
 */
export function previewRule(
  pattern: string,
  homeDir: string,
  pending: readonly PendingCall[],
  recent: readonly PendingCall[],
  scope: Pick<Rule, 'session' | 'agent' | 'cwd'> = {},
): RulePreview {
  let set: ReturnType<typeof compileRules>;
  try {
    set = compileRules([{ id: 'preview', pattern, action: 'allow', ...scope }], { homeDir });
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
  // A call that makes the engine throw counts as not covered: the console never falls over on one.
  const covers = (c: PendingCall) => {
    try {
      return set.evaluate(c.call).decidedBy === 'rule:preview';
    } catch {
      return false;
    }
  };
  const count = (calls: readonly PendingCall[]) => calls.filter(covers).length;
  return { ok: true, pending: count(pending), recent: count(recent) };
}
