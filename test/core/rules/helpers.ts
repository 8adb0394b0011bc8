import { compileRules, type EngineOptions, type Rule, type RuleAction } from '../../../src/core/rules/index.js';
import type { AgentInfo, ToolCall } from '../../../src/core/types.js';

export const HOME = '/home/u';
export const AGENT: AgentInfo = { name: 'api-1', cwd: '/repo' };

export const bash = (command: string, agent: AgentInfo = AGENT): ToolCall => ({ toolName: 'Bash', input: { command }, agent });
export const tool = (toolName: string, input: Record<string, unknown> = {}, agent: AgentInfo | undefined = AGENT): ToolCall =>
  agent === undefined ? { toolName, input } : { toolName, input, agent };

/** Whether a single rule decides the call (the default would say `default`). */
export function decides(pattern: string, action: RuleAction, call: ToolCall, extra: Partial<Rule> = {}): boolean {
  const set = compileRules([{ id: 'r1', pattern, action, ...extra }], { homeDir: HOME });
  return set.evaluate(call).decidedBy === 'rule:r1';
}

/** Evaluates `rules` (ids r1, r2, … unless given) and returns the deciding id or `default`. */
export function winner(rules: Array<Partial<Rule> & Pick<Rule, 'pattern' | 'action'>>, call: ToolCall, opts: Partial<EngineOptions> = {}) {
  const set = compileRules(
    rules.map((r, i) => ({ id: `r${i + 1}`, ...r })),
    { homeDir: HOME, ...opts },
  );
  return set.evaluate(call);
}
