/**
 * `cco setup --codex`: cco's PermissionRequest hook in Codex's hooks.json, so every approval Codex
 * would ask for goes to cco. Shows the change as a diff, keeps a backup, merges with the hooks
 * already there; `--remove` takes out exactly cco's entry. Codex then asks the person to trust
 * the new hook once (cco does not do that for them).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { formatDuration } from '../core/duration.js';
import { ccoPaths, type CcoPaths } from '../store/paths.js';
import { writeClaudeSettings } from '../store/claude-settings.js';
import { ccoCodexGroup, codexHome, codexHooksFile, readCodexHooks, shellWord, withCcoCodexHook, withoutCcoCodexHook } from '../store/codex-hooks.js';
import { ccoLongestWaitMs, hookTimeoutSeconds } from './setup-hooks.js';

export interface SetupCodexOptions {
  agent?: string;
  url?: string;
  remove?: boolean;
  dryRun?: boolean;
}

/** The hook's wait for cco (s): under Codex's own timeout for the hook, so cco's denial, not Codex's kill, ends it. */
export const codexWaitSeconds = (timeoutSeconds: number) => timeoutSeconds - 30;

/** How Codex starts this cco: this Node and this cco script, by absolute path (Codex's PATH may differ). */
export function ccoCommandWords(argv1 = process.argv[1], execPath = process.execPath): string[] {
  const script = argv1 ? resolve(argv1) : undefined;
  return script && existsSync(script) ? [execPath, script] : ['cco'];
}

/** The command line Codex runs. */
export function codexHookCommand(words: readonly string[], o: { agent?: string; url?: string; waitSeconds: number }): string {
  const args = ['hook', 'codex', ...(o.agent ? ['--agent', o.agent] : []), ...(o.url ? ['--url', new URL(o.url).origin] : []), '--wait', String(o.waitSeconds)];
  return [...words, ...args].map(shellWord).join(' ');
}

const DOWN_NOTE =
  'When cco is not running (or refuses, errs, or does not answer in time), `cco hook codex` exits 2 with the reason, which Codex takes as a denial: ' +
  'the call does not run and the model is told why. Stop asking cco with `cco setup --codex --remove`.\n';

const TRUST_NOTE =
  'Codex runs a new hook only after you trust it: at its next start it says "Hooks need review"; choose "Trust all and continue" ' +
  '(or review it in /hooks). Until then Codex asks at its own prompt as before. `cco doctor` shows whether Codex trusts it.\n';

export async function setupCodex(
  o: SetupCodexOptions,
  paths: CcoPaths = ccoPaths(),
  env: NodeJS.ProcessEnv = process.env,
  words: readonly string[] = ccoCommandWords(),
): Promise<string> {
  const home = codexHome(env);
  const file = codexHooksFile(home);
  const current = readCodexHooks(file);
  let next: Record<string, unknown>;
  let timeoutSeconds = 0;
  let waitMs = 0;
  if (o.remove) {
    next = withoutCcoCodexHook(current.json);
  } else {
    waitMs = await ccoLongestWaitMs(paths);
    timeoutSeconds = hookTimeoutSeconds(waitMs);
    const command = codexHookCommand(words, {
      ...(o.agent ? { agent: o.agent } : {}),
      ...(o.url ? { url: o.url } : {}),
      waitSeconds: codexWaitSeconds(timeoutSeconds),
    });
    next = withCcoCodexHook(current.json, ccoCodexGroup(command, timeoutSeconds));
  }
  const text = (json: Record<string, unknown>) => `${JSON.stringify(json, null, 2)}\n`;
  const before = current.exists ? text(current.json) : '';
  const after = text(next);
  if (before === after || (!current.exists && o.remove)) {
    return o.remove ? `No cco hook in ${file}; nothing changed.\n` : `cco's hook is already in ${file}; nothing changed.\n${TRUST_NOTE}`;
  }
  const diff = createTwoFilesPatch(file, file, before, after, current.exists ? 'before' : '(new file)', 'after', { context: 3 });
  if (o.dryRun) return `${diff}\nDry run: ${file} was not changed.\n`;
  // cco's entry holds no token (the hook reads it from cco's server file), so the file keeps its mode.
  const { backup } = writeClaudeSettings(file, after, { private: false });
  const saved = backup ? ` The previous file is in ${backup}.` : '';
  if (o.remove) return `${diff}\nRemoved cco's hook from ${file}; every other hook is as it was.${saved}\n`;
  return (
    `${diff}\nAdded cco's PermissionRequest hook to ${file}: every approval Codex would ask for goes to cco.${saved}\n` +
    `The hook's timeout is ${formatDuration(timeoutSeconds * 1000)}, longer than cco's longest wait (${formatDuration(waitMs)}), so cco's own timeout answers first.\n` +
    TRUST_NOTE +
    DOWN_NOTE
  );
}
