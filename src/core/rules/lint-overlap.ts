/**
 * Lint warnings about how a rule stands among the others of its set: one that says what another
 * already says, and one another keeps from ever deciding (from the patterns alone: `covers`).
 */
import { RULE_FAMILIES } from '../tools.js';
import type { RuleWarning } from './lint.js';
import { compareOrder, orderKeys, priorityOf } from './order.js';
import { parsePattern } from './syntax.js';
import type { ParsedPattern, Rule, RuleAction } from './types.js';

const tick = (s: string) => `\`${s}\``;

/** What a rule decides, for comparing two rules: everything but its id, date and on/off switch. */
function meaning(rule: Rule): string {
  const { id: _id, createdAt: _c, enabled: _e, ...rest } = rule as Rule & { createdAt?: unknown };
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
          )
        : v;
  return JSON.stringify(sortKeys({ ...rest, pattern: rule.pattern.trim(), priority: rule.priority ?? 100 }));
}

/** A rule that says what another one already says. */
export function duplicate(rule: Rule, rules: readonly Rule[], out: RuleWarning[]): void {
  const mine = meaning(rule);
  const same = rules.find((other) => other !== rule && other.id !== rule.id && meaning(other) === mine);
  if (same === undefined) return;
  out.push({
    code: 'duplicate',
    level: 'warning',
    message: `Rule ${same.id} (${tick(same.pattern)}) already says the same; one of them can go (\`cco rules rm ${same.id}\`).`,
  });
}

/**
 * A rule another one keeps from deciding: an allow rule behind a deny or ask rule that matches
 * every call it does, or a deny or ask rule behind an allow rule that does (for single commands).
 * Only told when it is certain from the patterns alone: the earlier rule has no input filter and
 * no agent filter other than this rule's own.
 */
export function shadowed(rule: Rule, p: ParsedPattern, rules: readonly Rule[], out: RuleWarning[]): void {
  if (rule.enabled === false) return;
  const mine = orderKeys(rule, 0);
  for (const other of rules) {
    if (other === rule || other.id === rule.id || other.enabled === false || other.input !== undefined) continue;
    if (other.agent !== undefined && other.agent !== rule.agent) continue;
    if ((other.action === 'allow') === (rule.action === 'allow')) continue;
    const op = priorityOf(other);
    // The actions differ, so the action settles a tie in priority: age and position never count.
    if (compareOrder(orderKeys(other, 0), mine) >= 0) continue;
    let q: ParsedPattern;
    try {
      q = parsePattern(other.pattern);
    } catch {
      continue;
    }
    if (!covers(q, other.action, p)) continue;
    out.push(
      rule.action === 'allow'
        ? {
            code: 'shadowed',
            level: 'warning',
            message: `This allow rule never decides: ${other.action} rule ${other.id} (${tick(other.pattern)}) is checked first and matches every call it does. Remove one of them, or give this rule a lower \`--priority\` than ${op}.`,
          }
        : {
            code: 'shadowed',
            level: 'warning',
            message: `Allow rule ${other.id} (${tick(other.pattern)}) is checked first and allows the calls this ${rule.action} rule is about (it still sees compound commands with other parts). Give this rule a lower \`--priority\` than ${op}, or narrow rule ${other.id}.`,
          },
    );
    return;
  }
}

const FAMILIES: Readonly<Record<string, readonly string[]>> = RULE_FAMILIES;

/** Whether the rule `a` (with its action) surely matches every call the pattern `b` matches. */
export function covers(a: ParsedPattern, action: RuleAction, b: ParsedPattern): boolean {
  const fold = (s: string) => (action === 'allow' ? s : s.toLowerCase());
  // Tool names first.
  if (a.kind === 'tool' && /[*?]/.test(a.tool)) {
    if (/[*?]/.test(b.tool)) return /^\*+$/.test(a.tool);
    const re = new RegExp(
      `^${a.tool
        .replace(/[.+^${}()|[\]\\-]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.')}$`,
      action === 'allow' ? 's' : 'si',
    );
    return re.test(b.tool);
  }
  if (a.kind === 'mcp-server') {
    const t = fold(b.tool);
    return !/[*?]/.test(b.tool) && (t === fold(a.tool) || t.startsWith(`${fold(a.tool)}__`));
  }
  const family = FAMILIES[a.tool] ?? [a.tool];
  const tools = b.kind === 'path' ? (FAMILIES[b.tool] ?? [b.tool]) : [b.tool];
  if (/[*?]/.test(b.tool) || b.kind === 'mcp-server') return false;
  if (!tools.every((t) => family.some((f) => fold(f) === fold(t)))) return false;
  if (a.kind === 'tool') return true;
  if (a.kind === 'bash' && b.kind === 'bash') {
    if (a.whole || b.whole) return a.whole && b.whole && a.command === b.command;
    const c = a.command;
    if (a.match === 'glob') return /^\*+$/.test(c) || (b.match === 'exact' && globRegex(c).test(b.command));
    if (a.match === 'exact') return b.match === 'exact' && b.command === c;
    // prefix
    if (c.includes('*')) return false;
    return b.command === c || b.command.startsWith(`${c} `);
  }
  if (a.kind === 'path' && b.kind === 'path') {
    if (a.anchor !== b.anchor) return false;
    if (a.glob === '' || /^\*\*(?:\/\*\*)*$/.test(a.glob)) return true;
    const lit = a.glob.replace(/\/\*\*$/, '');
    if (/[*?[\]{}()!+@\\]/.test(lit)) return false;
    const g = fold(b.glob);
    return g === fold(lit) || g.startsWith(`${fold(lit)}/`);
  }
  if (a.kind === 'domain' && b.kind === 'domain') {
    const sub = b.domain === a.domain || b.domain.endsWith(`.${a.domain}`);
    if (a.subdomains) return b.domain.endsWith(`.${a.domain}`) || (b.domain === a.domain && b.subdomains);
    if (action !== 'allow') return sub;
    return !b.subdomains && b.domain === a.domain;
  }
  return false;
}

function globRegex(c: string): RegExp {
  return new RegExp(
    `^${c
      .split('*')
      .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
    's',
  );
}
