export * from './types.js';
export { RuleSyntaxError, afterRuleLabel, parsePattern, validateRule, normalizeAction } from './syntax.js';
export { compileRules, toPolicy, type RuleSet } from './engine.js';
export { DEFAULT_PRIORITY, inCheckOrder, priorityOf } from './order.js';
export { claudeRuleFromCall, proposeRule, sensitivePath, type RuleProposal } from './from-call.js';
export { splitCommand, splitCommandDetailed } from './bash.js';
