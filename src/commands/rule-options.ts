/** What the options of `cco rules add` and `cco rules edit` mean for a rule: read, checked against its action, applied. */
import { resolve } from 'node:path';
import { checkWait, parseDuration } from '../core/duration.js';
import { UserError } from '../core/errors.js';
import type { Rule, RuleAction } from '../core/rules/types.js';

export interface RuleOptions {
  allow?: boolean;
  deny?: boolean;
  ask?: boolean;
  action?: string;
  priority?: string;
  agent?: string;
  input?: string[];
  timeout?: string;
  whenAway?: string;
  message?: string;
  name?: string;
  for?: string;
  session?: string;
  project?: string;
}

export async function actionOf(o: RuleOptions, required: boolean): Promise<RuleAction | undefined> {
  const { normalizeAction } = await import('../core/rules/index.js');
  const picked = [o.allow && 'allow', o.deny && 'deny', o.ask && 'ask', o.action].filter(Boolean) as string[];
  if (picked.length > 1) throw new UserError('Pick one action: --allow, --deny or --ask.');
  if (picked.length === 0) {
    if (required) throw new UserError('Say what the rule does: add --allow, --deny or --ask.');
    return undefined;
  }
  return normalizeAction(picked[0]!);
}

export function applyOptions(rule: Rule, o: RuleOptions): void {
  if (o.priority !== undefined) {
    const p = Number(o.priority);
    if (!Number.isInteger(p)) throw new UserError(`--priority must be a whole number (got "${o.priority}"); lower is checked first.`);
    rule.priority = p;
  }
  if (o.agent !== undefined) {
    if (o.agent === '') delete rule.agent;
    else rule.agent = o.agent;
  }
  if (o.input && o.input.length) {
    const input: Record<string, string> = { ...(rule.input ?? {}) };
    for (const kv of o.input) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new UserError(`--input expects KEY=GLOB, e.g. --input repo='myorg/*' (got "${kv}").`);
      input[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
    rule.input = input;
  }
  if (o.timeout !== undefined) {
    try {
      rule.timeoutMs = checkWait(parseDuration(o.timeout), '--timeout');
    } catch (error) {
      throw new UserError(`--timeout: ${(error as Error).message}`);
    }
  }
  if (o.whenAway !== undefined) {
    if (o.whenAway === '') delete rule.whenAway;
    else if (o.whenAway === 'wait' || o.whenAway === 'deny') rule.whenAway = o.whenAway;
    else throw new UserError(`--when-away must be wait or deny (got "${o.whenAway}").`);
  }
  if (o.message !== undefined) rule.message = o.message;
  if (o.name !== undefined) rule.name = o.name;
  if (o.for !== undefined) {
    if (o.for === '') delete rule.expires;
    else {
      let ms: number;
      try {
        ms = checkWait(parseDuration(o.for), '--for');
      } catch (error) {
        throw new UserError(`--for: ${(error as Error).message}`);
      }
      rule.expires = Date.now() + ms;
    }
  }
  if (o.session !== undefined) {
    if (o.session === '') delete rule.session;
    else rule.session = o.session;
  }
  if (o.project !== undefined) {
    if (o.project === '') delete rule.cwd;
    else rule.cwd = resolve(o.project);
  }
}

/** Options that mean nothing for the rule's action are refused, not saved silently. */
export function checkOptionsFit(action: RuleAction, o: RuleOptions): void {
  if (o.timeout !== undefined && action !== 'ask') {
    throw new UserError(
      `--timeout is for --ask rules (how long a call waits for a person); ${action === 'allow' ? 'an allow' : 'a deny'} rule decides at once. Leave it out, or make the rule --ask.`,
    );
  }
  if (o.whenAway !== undefined && o.whenAway !== '' && action !== 'ask') {
    throw new UserError(
      `--when-away is for --ask rules (their calls wait for a person); ${action === 'allow' ? 'an allow' : 'a deny'} rule decides at once. Leave it out, or make the rule --ask.`,
    );
  }
  if (o.message !== undefined && action !== 'deny') {
    throw new UserError(
      `--message is for --deny rules (the reason the agent reads); a${action === 'ask' ? 'n ask' : 'n allow'} rule sends none. Leave it out, or make the rule --deny.`,
    );
  }
}

/** Whether `cco rules edit` was given anything to change. */
export function changesSomething(o: RuleOptions & { pattern?: string }): boolean {
  const keys: (keyof RuleOptions | 'pattern')[] = [
    'pattern',
    'allow',
    'deny',
    'ask',
    'action',
    'priority',
    'agent',
    'timeout',
    'whenAway',
    'message',
    'name',
    'for',
    'session',
    'project',
  ];
  return keys.some((k) => o[k] !== undefined) || (o.input?.length ?? 0) > 0;
}
