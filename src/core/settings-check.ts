/**
 * The whole settings file's check, built from the table in settings.ts with zod/mini: every
 * problem at once, each with its path (`["rules", 2]`) and a sentence naming the setting or the
 * rule. The rules are checked by the rule validator (validateRule). Pure: no I/O.
 */
import { array, boolean, custom, number, optional, refine, strictObject, string, superRefine, union, type ZodMiniType } from 'zod/mini';
import { checkWait } from './duration.js';
import type { Rule } from './rules/types.js';
import { afterRuleLabel, normalizeAction, validateRule } from './rules/syntax.js';
import { SETTING_KEYS, SETTINGS, type SettingKey, type Zod } from './settings.js';

const Z: Zod = { boolean, custom, number, refine, string, superRefine, union };

/** A rule as a person knows it: its id and its pattern (escaped: the file may hold anything). */
function ruleName(rule: Rule, index: number): string {
  const pattern = typeof rule.pattern === 'string' ? ` (${JSON.stringify(rule.pattern.length > 80 ? `${rule.pattern.slice(0, 80)}…` : rule.pattern)})` : '';
  return typeof rule.id === 'string' && rule.id ? `rule ${rule.id}${pattern}` : `the rule at position ${index + 1} in "rules"${pattern}`;
}

/** The problems of the rule at `index`, by the rule validator; none for a good rule. */
function ruleProblems(r: unknown, index: number, seen: Set<string>): string[] {
  if (typeof r !== 'object' || r === null || Array.isArray(r)) return [`the rule at position ${index + 1} in "rules" must be an object`];
  const rule = r as Rule;
  if (typeof rule.id !== 'string' || !rule.id) return [`${ruleName(rule, index)} has no "id"`];
  const out: string[] = [];
  if (seen.has(rule.id)) out.push(`${ruleName(rule, index)}: the id "${rule.id}" is used twice`);
  seen.add(rule.id);
  try {
    validateRule(rule);
    if (rule.timeoutMs !== undefined) checkWait(rule.timeoutMs, 'its timeout');
  } catch (error) {
    // validateRule's messages start with "Rule <id>": say it once, with the pattern.
    const { labelled, rest } = afterRuleLabel((error as Error).message, rule.id);
    out.push(labelled ? `${ruleName(rule, index)}${rest}` : `${ruleName(rule, index)}: ${rest}`);
  }
  return out;
}

const rulesSchema = array(custom<Rule>(), { error: '"rules" must be an array' }).check(
  superRefine((rules: Rule[], ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      for (const message of ruleProblems(r, i, seen)) ctx.issues.push({ code: 'custom', message, input: r, path: [i] });
    });
  }),
);

const KNOWN = [...SETTING_KEYS, 'rules'];

const fileSchema = strictObject(
  {
    ...(Object.fromEntries(SETTING_KEYS.map((k) => [k, optional((SETTINGS[k] as { schema(z: Zod): ZodMiniType<unknown> }).schema(Z))])) as unknown as Record<
      SettingKey,
      ZodMiniType<unknown>
    >),
    rules: optional(rulesSchema),
    $schema: optional(custom<unknown>()),
  },
  { error: (iss) => (iss.code === 'invalid_type' ? 'the top level must be a JSON object' : undefined) },
);

/** One problem of a settings file: where (the keys down to the value) and what, in a sentence. */
export interface SettingsIssue {
  path: (string | number)[];
  message: string;
}

/** `"notify": {…}` for the flat keys `"notify.desktop"`…: say how they are written. */
function nestedHint(key: string): string {
  const flat = SETTING_KEYS.find((k) => k.startsWith(`${key}.`));
  return flat ? `: its settings are flat keys with dots, e.g. "${flat}"` : '';
}

/** Every problem of a parsed file, in file order, each naming the setting (or the rule) it is about. */
export function settingsIssues(value: unknown): SettingsIssue[] {
  const result = fileSchema.safeParse(value);
  if (result.success) return [];
  const out: SettingsIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const k of issue.keys) out.push({ path: [k], message: `unknown setting "${k}"${nestedHint(k)} (known: ${KNOWN.join(', ')})` });
    } else out.push({ path, message: issue.message });
  }
  // In the order of the file's keys (then of the rules).
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const order = Object.keys(value);
    const rank = (i: SettingsIssue) => (i.path.length === 0 ? -1 : order.indexOf(String(i.path[0])));
    out.sort((a, b) => rank(a) - rank(b) || Number(a.path[1] ?? 0) - Number(b.path[1] ?? 0));
  }
  return out;
}

/** settingsIssues' messages. */
export function settingsProblems(value: unknown): string[] {
  return settingsIssues(value).map((i) => i.message);
}

/** Check a parsed file; returns every problem as text (joined with "; "), or undefined when it is fine. */
export function checkSettings(value: unknown): string | undefined {
  const problems = settingsProblems(value);
  return problems.length ? problems.map((p) => p.replace(/\.$/, '')).join('; ') : undefined;
}

/** Accept the synonyms `approve` and `review` in rules (files written for other tools use them). */
export function normalizeActions(value: unknown): void {
  const rules = (value as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return;
  for (const r of rules) {
    if (r && typeof r === 'object' && typeof (r as Rule).action === 'string') {
      try {
        (r as Rule).action = normalizeAction((r as Rule).action);
      } catch {
        // Left as it is: validation reports it with the rule's place.
      }
    }
  }
}
