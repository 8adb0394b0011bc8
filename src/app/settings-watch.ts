/**
 * The settings watch part: a saved config file takes effect at once (rules, timeouts, audit
 * requirement, retention); a broken or unsafe one is reported and the last good settings stay in
 * force. Closing it stops watching.
 */
import type { Core } from './core.js';
import { ownFilesProblem } from '../store/own-files.js';
import type { WatchResult } from '../store/settings.js';
import type { LiveSettings } from './live-settings.js';
import type { Part } from './parts.js';
import type { State } from './state.js';

export function watchSettings(state: State, settings: LiveSettings, core: Core, timeoutFlag: number | undefined): Part<void> {
  const stop = settings.store.watch((result) => reload(result, state, settings, core, timeoutFlag));
  return { value: undefined, close: stop };
}

function reload(result: WatchResult, state: State, settings: LiveSettings, { broker, presence }: Core, timeoutFlag: number | undefined): void {
  const { log, alerts } = state;
  const unsafe = result.ok ? ownFilesProblem(state.paths) : undefined;
  if (unsafe !== undefined) {
    log('error', `config not reloaded: ${unsafe} The last good rules stay active; fix it, then save the config again.`);
    alerts.set('config', `Config not reloaded, last good rules still active: ${unsafe}`);
  } else if (result.ok) {
    try {
      broker.setPolicy(settings.policyOf(result.settings));
      broker.setTimeouts(timeoutFlag ?? result.settings.timeoutMs, result.settings.timeoutAction);
      broker.setAuditRequired(result.settings.auditRequired);
      broker.setWhenAway(result.settings.whenAway);
      presence.setAwayAfter(result.settings.awayAfterMs);
      settings.adopt(result.settings);
      log('info', `config reloaded: ${result.settings.rules.length} rules, default ${result.settings.defaultAction}`);
      alerts.clear('config');
    } catch (error) {
      state.onError(error);
    }
  } else {
    log('error', `${result.error.message} The last good rules stay active.`);
    alerts.set('config', `Config file broken, last good rules still active: ${result.error.problem}`);
  }
}
