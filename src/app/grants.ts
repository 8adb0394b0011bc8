/**
 * "Always allow" (`A`), for the console in this process and for remote consoles alike: save the
 * grant's allow rule, allow the other waiting calls it now decides, and say so in cco's log.
 */
import type { Broker } from '../core/broker.js';
import { escapeText } from '../core/escape.js';
import type { Grant } from '../core/grant.js';
import { alwaysAllow } from '../commands/always-allow.js';
import type { LiveSettings } from './live-settings.js';
import type { State } from './state.js';

/** `person`: who saved it, for cco's log (a remote console's token; the console here is the OS user). */
export type SaveGrant = (grant: Grant, person?: string) => Promise<{ id: string; allowed: readonly string[] }>;

export function grantSaver(state: State, settings: LiveSettings, broker: Broker): SaveGrant {
  return async (grant, person) => {
    const { rule, allowed } = await alwaysAllow(grant, { store: settings.store, broker, policyOf: settings.policyOf });
    const by = person === undefined ? '' : ` by ${escapeText(person)}`;
    state.log(
      'info',
      `always allow${by}: saved ${rule.id} ${escapeText(grant.pattern)} (${escapeText(grant.scope)}); allowed ${allowed.length} other waiting call(s)`,
    );
    return { id: rule.id, allowed };
  };
}
