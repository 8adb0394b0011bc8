import { agentCheck, cwdCheck, expiresCheck, inputCheck, sessionCheck, specifierCheck, type Check } from './checks.js';
import { wildcardMatcher } from './glob.js';
import type { CallContext } from './context.js';
import { orderKeys } from './order.js';
import { hasGlobChars, parsePattern, validateRule } from './syntax.js';
import type { Evaluation, ParsedPattern, Rule, RuleAction } from './types.js';
import { RULE_FAMILIES } from '../tools.js';

/** A rule with every matcher built, ready to test calls. */
export interface CompiledRule {
  readonly rule: Rule;
  readonly action: RuleAction;
  readonly enabled: boolean;
  /** Sort keys (order.ts): priority, then deny/ask/allow, then age, then position in the list. */
  readonly priority: number;
  readonly created: number;
  readonly index: number;
  /**
   * A string every call this rule matches has among its CallContext.keys: the literal first word
   * of a Bash command (`w:npm`), the host of a domain rule (`d:=github.com`, `d:.github.com` for
   * subdomains), the anchor and first literal directory of a path (`p:cwd/src`). The engine looks
   * keyed rules up by key instead of walking them all. Undefined when the rule has no such string.
   */
  readonly key?: string;
  /**
   * The literal start of the rule's agent glob (`team-` for `team-*`): the engine turns away other
   * agents with a string compare before calling the matchers.
   */
  readonly agentPrefix?: string;
  /**
   * Whether an allow by this rule also covers the files a Bash command writes through redirections
   * when no rule is about them: true for a rule over every Bash command (`Bash`, `*`) and for an
   * exact rule naming the whole line, redirections included. A deny or ask rule on the path applies anyway.
   */
  readonly coversWrites: boolean;
  /** A rule about paths (`Read(…)`, `Edit(…)` with a path): its deny or ask also meets the paths a Bash command names. */
  readonly onPath: boolean;
  /** Position in evaluation order, set by the engine. */
  ord: number;
  /** What evaluate() returns when this rule decides (one frozen object, made once). */
  readonly evaluation: Evaluation;
  /** Whether the rule is about this tool at all (by name only). */
  appliesTo(tool: string): boolean;
  /** Why it is not, as a sentence. */
  toolMismatch(tool: string): string;
  /** Everything after the tool name: specifier, agent, input. Pushes sentences to `why` when explaining. */
  matches(ctx: CallContext, why?: string[]): boolean;
}

/** Claude Code's Read and Edit rules cover every tool that reads or edits files. */
const FAMILIES: Readonly<Record<string, readonly string[]>> = RULE_FAMILIES;

export function compileRule(rule: Rule, index: number, homeDir: string, now?: () => number): CompiledRule {
  validateRule(rule);
  const parsed = parsePattern(rule.pattern);
  const checks: Check[] = [];
  // Scope first: cheap, and an expired rule stops before any matching.
  if (rule.expires !== undefined) checks.push(expiresCheck(rule.expires, now));
  if (rule.session !== undefined) checks.push(sessionCheck(rule.session));
  if (rule.cwd !== undefined) checks.push(cwdCheck(rule.cwd));
  const spec = specifierCheck(parsed, rule.action, homeDir);
  if (spec) checks.push(spec);
  if (rule.agent !== undefined) checks.push(agentCheck(rule.agent));
  for (const [field, glob] of Object.entries(rule.input ?? {})) checks.push(inputCheck(field, glob, rule.action));
  const tool = toolMatcher(parsed, rule.action !== 'allow', rule.action === 'deny');
  return {
    rule,
    ...orderKeys(rule, index),
    enabled: rule.enabled !== false,
    key: ruleKey(parsed, rule.action),
    agentPrefix: agentLiteralStart(rule.agent),
    coversWrites: parsed.kind === 'tool' || (parsed.kind === 'bash' && parsed.whole),
    onPath: parsed.kind === 'path',
    ord: -1,
    evaluation: Object.freeze(evaluationFor(rule)),
    appliesTo: tool.test,
    toolMismatch: tool.why,
    matches: allOf(checks),
  };
}

/** One function for all the checks (no loop on the hot path for the usual one or two). */
function allOf(checks: readonly Check[]): Check {
  const [a, b] = checks;
  if (a === undefined) return () => true;
  if (b === undefined) return a;
  if (checks.length === 2) return (ctx, why) => a(ctx, why) && b(ctx, why);
  return (ctx, why) => checks.every((check) => check(ctx, why));
}

function agentLiteralStart(glob: string | undefined): string | undefined {
  if (glob === undefined || glob.startsWith('/')) return undefined;
  const stop = glob.search(/[*?[\]{}()!+@\\]/);
  const start = stop < 0 ? glob : glob.slice(0, stop);
  return start === '' ? undefined : start;
}

function ruleKey(p: ParsedPattern, action: RuleAction): string | undefined {
  if (p.kind === 'bash') {
    if (p.whole) return undefined;
    const space = p.command.indexOf(' ');
    const word = space < 0 ? p.command : p.command.slice(0, space);
    return word.includes('*') ? undefined : `w:${word}`;
  }
  // A deny or ask rule on `example.com` also covers its subdomains: found by the call's `d:.example.com` key.
  if (p.kind === 'domain') return `d:${p.subdomains || action !== 'allow' ? '.' : '='}${p.domain}`;
  if (p.kind === 'path') {
    const first = p.glob.split('/')[0] ?? '';
    if (first === '' || hasGlobChars(first)) return undefined;
    // Deny and ask rules are looked up among the call's lower-case keys (deny rules compare paths
    // without case, see pathCheck; a lower-case key is still necessary for an exact match).
    return `p:${p.anchor}/${action === 'allow' ? first : first.toLowerCase()}`;
  }
  return undefined;
}

function evaluationFor(rule: Rule): Evaluation {
  const e: Evaluation = { action: rule.action, decidedBy: `rule:${rule.id}`, rule };
  if (rule.action === 'deny') {
    e.message = rule.message?.trim() || `cco rule ${rule.id} (\`${rule.pattern}\`${rule.name ? `, ${rule.name}` : ''}) denies this call.`;
  }
  if (rule.action === 'ask' && rule.timeoutMs !== undefined) e.timeoutMs = rule.timeoutMs;
  if (rule.action === 'ask' && rule.whenAway !== undefined) e.whenAway = rule.whenAway;
  return e;
}

/**
 * Tool names compare exactly for allow rules; deny and ask rules ignore case, so an MCP server an
 * agent's project registers as `GitHub` does not pass a `mcp__github__…` deny rule. A deny rule on
 * a Read path also covers the editing tools, as in Claude Code (a file that may not be read may not
 * be written either, whatever the Edit rules allow).
 */
function toolMatcher(p: ParsedPattern, nocase: boolean, deny: boolean): { test: (tool: string) => boolean; why: (tool: string) => string } {
  const fold = nocase ? (t: string) => t.toLowerCase() : (t: string) => t;
  if (p.kind === 'mcp-server') {
    const name = fold(p.tool);
    const prefix = `${name}__`;
    return {
      test: (t) => {
        const f = fold(t);
        return f === name || f.startsWith(prefix);
      },
      why: (t) => `tool is ${t}, rule is for every tool of the MCP server \`${p.server}\``,
    };
  }
  if (p.kind === 'tool' && /[*?]/.test(p.tool)) {
    // No regex: a tool name is agent text, and `*a*a*b` would backtrack on a long one.
    const test = wildcardMatcher(p.tool, { question: true, nocase });
    return { test, why: (t) => `tool \`${t}\` does not match \`${p.tool}\`` };
  }
  const family =
    deny && p.kind === 'path' && p.tool === 'Read'
      ? [...(FAMILIES.Read as readonly string[]), ...(FAMILIES.Edit as readonly string[])]
      : Object.hasOwn(FAMILIES, p.tool)
        ? (FAMILIES[p.tool] as readonly string[])
        : [p.tool];
  const names = new Set(family.map(fold));
  const listed = family.length > 1 ? `${p.tool} (and ${family.slice(1).join(', ')})` : p.tool;
  return { test: (t) => names.has(fold(t)), why: (t) => `tool is ${t}, rule is for ${listed}` };
}
