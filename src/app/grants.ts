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

export type SaveGrant = (grant: Grant) => Promise<{ id: string; allowed: readonly string[] }>;

export function grantSaver(state: State, settings: LiveSettings, broker: Broker): SaveGrant {
  return async (grant) => {
    const { rule, allowed } = await alwaysAllow(grant, { store: settings.store, broker, policyOf: settings.policyOf });
    state.log('info', `always allow: saved ${rule.id} ${escapeText(grant.pattern)} (${grant.scope}); allowed ${allowed.length} other waiting call(s)`);
    return { id: rule.id, allowed };
  };
}
