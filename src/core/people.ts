/**
 * People who decide through the decision API: each holds a named token (`cco token add alice`),
 * possibly limited. Pure: the names' rule, the limits and what a token may do. The token file is
 * `store/tokens.ts`; the check at the door is `server/identity.ts`.
 */

/** A person's name: short and plain, since it appears in the audit log and on screen. */
export const PERSON_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/;
export const PERSON_NAME_HINT = 'use 1 to 32 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. alice, ci-bot)';

import type { ConsoleSource } from './console-source.js';
import { deciderText, oneLine } from './summary.js';
import type { Decision } from './types.js';

/** What a token may not do. No limit set: it may do what the person at the machine may. */
export interface TokenLimits {
  /** It may deny calls, never allow one (`--deny-only`). */
  denyOnly?: boolean;
  /** It may allow calls, but not save a rule with it (`--no-always`): no "always allow", no `updatedPermissions`. */
  noAlways?: boolean;
}

/** What a request asks to do: see calls and events, allow, deny, or allow and save a rule. */
export type TokenAction = 'read' | 'allow' | 'deny' | 'always';

/** Who is asking, once the token is known: the person and the limits of their token. */
export interface Identity {
  person: string;
  limits: TokenLimits;
  /** True for the per-start token of the server file (the person at this machine). */
  local?: boolean;
}

/** What a lookup of a presented named token finds: a person, nobody, or a tokens file it cannot trust. */
export type TokenLookup = { identity: Identity } | { unknown: true } | { broken: string };

/**
 * Words cco writes for its own decisions (`decidedBy`: `default`, `timeout`, …) and for the person
 * at the machine (`user`, `you`, `local`): a token under one of them would pass for cco or for
 * that person in `cco log` and the console's history. Compared in any case.
 */
const RESERVED_NAMES = new Set([
  'user',
  'you',
  'local',
  'rule',
  'rules',
  'default',
  'timeout',
  'shutdown',
  'cancelled',
  'elsewhere',
  'error',
  'interrupted',
  'guard',
  'away',
  'cco',
]);

/** Whether `name` is one of cco's own words (RESERVED_NAMES), or the person at the machine's (`localPerson`), in any case. */
export function reservedName(name: string, localPerson?: string): boolean {
  const low = name.toLowerCase();
  return RESERVED_NAMES.has(low) || (localPerson !== undefined && low === localPerson.toLowerCase());
}

/** Why `name` cannot name a person (given the name the person at the machine decides as), or undefined when it can. */
export function personNameProblem(name: string, localPerson?: string): string | undefined {
  if (!PERSON_NAME_RE.test(name)) return `Invalid name "${name.length > 40 ? `${name.slice(0, 40)}…` : name}": ${PERSON_NAME_HINT}.`;
  if (reservedName(name, localPerson)) {
    return `The name "${name}" is cco's own word for ${RESERVED_NAMES.has(name.toLowerCase()) ? 'its own decisions or the person at this machine' : 'the person at this machine (the OS user)'}, so the audit log could not tell them apart; pick another name.`;
  }
  return undefined;
}

/** The limits in words (`cco token list`): `deny only`, `no always rules`, or `none`. */
export function limitsText(limits: TokenLimits): string {
  const words = [limits.denyOnly ? 'deny only' : '', limits.noAlways && !limits.denyOnly ? 'no always rules' : ''].filter(Boolean);
  return words.length ? words.join(', ') : 'none';
}

/**
 * May a token with `limits` do `action`? Undefined when it may; else the sentence the person
 * reads (`403`), naming the limit. Deny-only covers "always" too: saving an allow rule allows.
 */
export function tokenRefusal(who: Pick<Identity, 'person' | 'limits'>, action: TokenAction): string | undefined {
  const { person, limits } = who;
  if (action === 'read' || action === 'deny') return undefined;
  if (limits.denyOnly) {
    return `The token "${person}" may only deny calls (it was made with --deny-only), so it cannot ${action === 'always' ? 'save an always-allow rule' : 'approve'}. Deny, or decide at the cco console.`;
  }
  if (action === 'always' && limits.noAlways) {
    return `The token "${person}" may not save always rules (it was made with --no-always), so it cannot send "updatedPermissions" or always-allow. Approve this call alone, or decide at the cco console.`;
  }
  return undefined;
}

/** tokenRefusal as a yes/no. */
export const tokenMay = (who: Pick<Identity, 'person' | 'limits'>, action: TokenAction): boolean => tokenRefusal(who, action) === undefined;

/** `source` whose decisions are `person`'s (the in-process console decides as the OS user). */
export function decidingAs<S extends Pick<ConsoleSource, 'snapshot' | 'subscribe' | 'decide'>>(source: S, person: string): ConsoleSource {
  return {
    snapshot: () => source.snapshot(),
    subscribe: (listener) => source.subscribe(listener),
    decide: (id, verdict) => source.decide(id, { ...verdict, person }),
  };
}

/** Who decided, for a screen: the person's name (escaped) when a person's token said, else as deciderText (`you`, `rule:r3`). */
export function whoDecided(d: Pick<Decision, 'decidedBy' | 'person'>, you = 'you'): string {
  return d.person !== undefined ? oneLine(d.person, 32) : oneLine(deciderText(d.decidedBy, you), 100);
}
