import type { Broker } from '../core/broker.js';
import { grantRule, type Grant } from '../core/grant.js';
import type { Rule } from '../core/rules/types.js';
import type { Policy } from '../core/types.js';
import { nextRuleId } from '../store/rule-ids.js';
import type { Settings, SettingsStore } from '../store/settings.js';

/**
 * The console's "always allow": save an allow rule with the grant's scope (an `expires` counted
 * from now on the server's clock), make it the policy at once (without waiting for the file
 * watcher), and allow the waiting calls that this new rule now decides, as `rule:<id>`. The call
 * the grant was made on is left to the console: it is the person's decision. Calls that a deny or
 * ask rule of higher precedence catches keep waiting. Returns the rule and the calls it allowed.
 */
export async function alwaysAllow(
  grant: Grant,
  deps: { store: SettingsStore; broker: Broker; policyOf: (s: Settings) => Policy; now?: () => number },
): Promise<{ rule: Rule; allowed: string[] }> {
  let rule: Rule | undefined;
  const now = (deps.now ?? Date.now)();
  await deps.store.update((file) => {
    const list = (file.rules ??= []);
    rule = grantRule(grant, nextRuleId(list), now);
    list.push(rule);
  });
  const saved = rule!;
  const policy = deps.policyOf(deps.store.read());
  deps.broker.setPolicy(policy);
  const allowed: string[] = [];
  for (const p of deps.broker.snapshot().pending) {
    if (p.id === grant.callId) continue;
    const verdict = policy(p.call);
    if (verdict.action === 'allow' && verdict.decidedBy === `rule:${saved.id}`) {
      deps.broker.decide(p.id, { behavior: 'allow' }, verdict.decidedBy);
      allowed.push(p.id);
    }
  }
  return { rule: saved, allowed };
}
