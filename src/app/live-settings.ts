/**
 * The settings part: the config file read once at start (a broken file stops the start: better
 * than running with rules the user did not mean), the /mcp token it may hold, and the settings in
 * force, which the settings watch replaces and everything else reads through `current()`.
 */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { StatusBoard } from '../core/console-status.js';
import { UserError } from '../core/errors.js';
import { compileRules, toPolicy } from '../core/rules/index.js';
import { guardPolicy, selfGuard } from '../core/self-guard.js';
import type { Policy } from '../core/types.js';
import type { CcoPaths } from '../store/paths.js';
import { protectedPaths } from '../store/own-files.js';
import { realPath } from '../store/real-path.js';
import { SettingsStore, type Settings } from '../store/settings.js';
import { requireTokenOffLoopback } from '../server/security.js';
import type { ServerCliOptions } from '../commands/server-options.js';
import { nothingToClose, type Part } from './parts.js';

export interface LiveSettings {
  readonly store: SettingsStore;
  /** The token /mcp requires: `--token`, else the config's; the API always has its own. */
  readonly token: string | undefined;
  /** The settings in force. */
  current(): Settings;
  /** Put new settings in force (after the broker took them). */
  adopt(settings: Settings): void;
  /** The rules of `settings` as the broker's policy, cco's own files guarded first. */
  policyOf(settings: Settings): Policy;
  /** The console's header: agents, default action, rule count. */
  readonly status: StatusBoard;
  /** Called after new settings are put in force; returns the unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void;
}

const statusOf = (s: Settings) => ({ defaultAction: s.defaultAction, rules: s.rules.filter((r) => r.enabled !== false).length });

export function openSettings(paths: CcoPaths, opts: Pick<ServerCliOptions, 'host' | 'token'>): Part<LiveSettings> {
  const store = new SettingsStore(paths.configFile);
  let current = store.read();
  const token = opts.token ?? current.token;
  if (token && !opts.token) checkPrivate(store.file);
  requireTokenOffLoopback(opts.host, token);
  const home = homedir();
  // cco's own files are off limits to agents, whatever the rules say: the guard runs first.
  const guard = selfGuard({ protected: protectedPaths(paths), homeDir: home });
  const status = new StatusBoard({ agents: 0, ...statusOf(current) });
  const listeners = new Set<(settings: Settings) => void>();
  return nothingToClose<LiveSettings>({
    store,
    token,
    status,
    current: () => current,
    adopt: (settings) => {
      current = settings;
      status.set(statusOf(settings));
      for (const l of [...listeners]) l(settings);
    },
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    policyOf: (s) => guardPolicy(toPolicy(compileRules(s.rules, { homeDir: home, defaultAction: s.defaultAction, realPath, now: () => Date.now() })), guard),
  });
}

/** A token in a file others can read is no secret: refuse, as ssh does with a private key. */
function checkPrivate(file: string): void {
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new UserError(
      `The config file ${file} holds a token but other users can read it (mode ${mode.toString(8)}). Run \`chmod 600 ${file}\` and start cco again.`,
    );
  }
}
