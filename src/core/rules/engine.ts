/**
 * The rule engine: a rule set compiled once (compileRules), then each call walks the rules that can
 * apply to it (rule-index.ts) in the one rule order (order.ts); the first match decides, and a
 * Bash verdict is made no looser than what the command touches (bash-verdict.ts).
 */
import type { Policy, PolicyVerdict, ToolCall } from '../types.js';
import { BashVerdicts } from './bash-verdict.js';
import { compileRule, type CompiledRule } from './compile.js';
import { CallContext } from './context.js';
import { ACTION_RANK, compareOrder } from './order.js';
import { RuleIndex } from './rule-index.js';
import type { EngineOptions, Evaluation, Explanation, Rule, RuleTrace } from './types.js';

/** A compiled rule set: every matcher is built once, in compileRules(). */
export interface RuleSet {
  /** What the rules say about a call. Never throws for odd calls; an unknown tool just matches fewer rules. */
  evaluate(call: ToolCall): Evaluation;
  /** The same evaluation, with the reason each rule did or did not match. */
  explain(call: ToolCall): Explanation;
  /** How many rules the set holds, disabled ones included. */
  readonly size: number;
  /** Every rule, disabled ones included, in the order they are checked (order.ts). */
  readonly order: readonly Rule[];
}

/**
 * Compiles rules (throws on the first invalid one, naming it: a broken rule set is an error, never
 * silently half-applied). Rules are checked in the one rule order (order.ts, exposed as
 * `order`); the first rule that matches decides.
 */
export function compileRules(rules: readonly Rule[], opts: EngineOptions): RuleSet {
  const homeDir = opts.homeDir;
  if (typeof homeDir !== 'string' || !homeDir.startsWith('/')) {
    throw new Error(`The rules engine needs an absolute home directory, got \`${String(homeDir)}\`.`);
  }
  const home = homeDir.length > 1 ? homeDir.replace(/\/+$/, '') : homeDir;
  const defaultAction = opts.defaultAction ?? 'ask';
  if (!Object.hasOwn(ACTION_RANK, defaultAction)) throw new Error(`Unknown default action \`${String(defaultAction)}\`; expected allow, deny or ask.`);

  const ordered = compileInOrder(rules, home, opts);
  const enabled = ordered.filter((r) => r.enabled);
  const fallback: Evaluation = Object.freeze(
    defaultAction === 'deny'
      ? { action: 'deny', decidedBy: 'default', message: 'No cco rule allows this call, and the default action is deny.' }
      : { action: defaultAction, decidedBy: 'default' },
  );
  const index = new RuleIndex(enabled);
  const bash = new BashVerdicts(enabled, { home, ...(opts.realPath ? { realPath: opts.realPath } : {}), defaultAction, fallback, index });

  return {
    size: ordered.length,
    order: ordered.map((r) => r.rule),
    evaluate(call) {
      const long = tooLong(call);
      if (long) return long;
      const ctx = new CallContext(call, home, opts.realPath);
      const r = index.decide(call, ctx);
      const e = r?.evaluation ?? fallback;
      return call.toolName === 'Bash' ? bash.verdict(e, r, ctx) : e;
    },
    explain(call) {
      const ctx = new CallContext(call, home, opts.realPath);
      const long = tooLong(call);
      if (long) return { evaluation: long, trace: [] };
      return explainCall(ordered, ctx, String(call.toolName), fallback, bash);
    },
  };
}

/** Every rule compiled, ids checked unique, sorted into the rule order, each told its place (`ord`). */
function compileInOrder(rules: readonly Rule[], home: string, opts: EngineOptions): CompiledRule[] {
  const ordered = rules.map((rule, i) => compileRule(rule, i, home, opts.now));
  const seen = new Set<string>();
  for (const { rule } of ordered) {
    if (seen.has(rule.id)) throw new Error(`Two rules have the id ${rule.id}; rule ids must be unique.`);
    seen.add(rule.id);
  }
  ordered.sort(compareOrder);
  ordered.forEach((r, i) => {
    r.ord = i;
  });
  return ordered;
}

/** The evaluation of a call by walking every rule in order, with why each did or did not match. */
function explainCall(ordered: readonly CompiledRule[], ctx: CallContext, tool: string, fallback: Evaluation, bash: BashVerdicts): Explanation {
  const trace: RuleTrace[] = [];
  const finish = (e: Evaluation, by: CompiledRule | undefined): Explanation => {
    if (tool !== 'Bash') return { evaluation: e, trace };
    const writes: string[] = [];
    const evaluation = bash.verdict(e, by, ctx, writes);
    return writes.length > 0 ? { evaluation, trace, writes } : { evaluation, trace };
  };
  for (const r of ordered) {
    if (!r.enabled) {
      trace.push({ rule: r.rule, matched: false, skipped: 'disabled', reason: 'the rule is disabled' });
      continue;
    }
    if (!r.appliesTo(tool)) {
      trace.push({ rule: r.rule, matched: false, reason: r.toolMismatch(tool) });
      continue;
    }
    const why: string[] = [];
    const matched = r.matches(ctx, why);
    const reason = matched ? [`tool is ${tool}`, ...why].join(', ') : (why.at(-1) ?? 'it does not match');
    trace.push({ rule: r.rule, matched, reason });
    if (matched) return finish(r.evaluation, r);
  }
  return finish(fallback, undefined);
}

/** Longer Bash commands are denied unread: checking them would hold up every agent. */
export const MAX_COMMAND_LENGTH = 256 * 1024;

function tooLong(call: ToolCall): Evaluation | undefined {
  if (call.toolName !== 'Bash') return undefined;
  const command = (call.input as Record<string, unknown> | undefined)?.command;
  if (typeof command !== 'string' || command.length <= MAX_COMMAND_LENGTH) return undefined;
  return {
    action: 'deny',
    decidedBy: 'default',
    message: `cco denies Bash commands longer than ${MAX_COMMAND_LENGTH / 1024} KiB (this one is ${Math.ceil(command.length / 1024)} KiB): it cannot check them in time. Write long content to a file with the Write tool and run a short command.`,
    note: 'the command is too long to check',
  };
}

/** The rule set as the broker's Policy. */
export function toPolicy(set: RuleSet): Policy {
  return (call): PolicyVerdict => {
    const e = set.evaluate(call);
    switch (e.action) {
      case 'allow':
        return { action: 'allow', decidedBy: e.decidedBy };
      case 'deny':
        return e.message === undefined ? { action: 'deny', decidedBy: e.decidedBy } : { action: 'deny', decidedBy: e.decidedBy, message: e.message };
      case 'ask':
        return {
          action: 'ask',
          decidedBy: e.decidedBy,
          ...(e.timeoutMs === undefined ? {} : { timeoutMs: e.timeoutMs }),
          ...(e.whenAway === undefined ? {} : { whenAway: e.whenAway }),
        };
    }
  };
}
