/**
 * `cco setup --hooks`: cco's http hooks in Claude Code's settings for a scope, so interactive
 * sessions (and `-p` runs without the MCP prompt tool) ask cco too. Shows the change as a diff,
 * keeps a backup, merges with the hooks already there; `--remove` takes out exactly cco's entries.
 */
import { join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { UserError } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import { ccoPaths, type CcoPaths } from '../store/paths.js';
import {
  ccoHooks,
  holdsCcoToken,
  readClaudeSettings,
  settingsFileFor,
  settingsText,
  withCcoHooks,
  withoutCcoHooks,
  writeClaudeSettings,
  type HookScope,
} from '../store/claude-settings.js';
import { CLAUDE_TOOL_TIMEOUT_MS, configPort, mcpToken, runningServer } from './claude-code.js';

/** What a hook timeout must outlast: cco's own timeout and every rule's own timeout. */
export async function ccoLongestWaitMs(paths: CcoPaths = ccoPaths()): Promise<number> {
  const { SettingsStore } = await import('../store/settings.js');
  const s = new SettingsStore(paths.configFile).read();
  return Math.max(s.timeoutMs, ...s.rules.map((r) => r.timeoutMs ?? 0));
}

/**
 * The hook's `timeout` (seconds): a day, or a minute more than cco's longest wait when that is
 * longer, so cco's own timeout (a denial that says it timed out) always ends a wait first and
 * Claude's silent hook timeout never does.
 */
export function hookTimeoutSeconds(ccoWaitMs: number): number {
  return Math.max(CLAUDE_TOOL_TIMEOUT_MS / 1000, Math.ceil(ccoWaitMs / 1000) + 60);
}

/** The server's base URL for hooks: from --url (any cco URL), the running server, else the configured port. */
export async function hookBaseUrl(url: string | undefined, paths: CcoPaths = ccoPaths()): Promise<string> {
  if (url) return new URL(url).origin;
  const server = await runningServer(paths);
  return server ? new URL(server.url).origin : `http://127.0.0.1:${await configPort(paths)}`;
}

export interface SetupHooksOptions {
  scope: HookScope;
  agent?: string;
  url?: string;
  remove?: boolean;
  dryRun?: boolean;
}

const DOWN_NOTE =
  'When cco is not running, interactive sessions ask at Claude\'s own prompt as before (the hook fails with onFailure "continue"); ' +
  'a `claude -p` run that has only the hook (no --permission-prompt-tool) denies every call that needs asking.\n';

export async function setupHooks(
  o: SetupHooksOptions,
  paths: CcoPaths = ccoPaths(),
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const file = settingsFileFor(o.scope, cwd, env);
  const current = readClaudeSettings(file);
  let next: Record<string, unknown>;
  let token: string | undefined;
  if (o.remove) {
    next = withoutCcoHooks(current.json);
  } else {
    token = await mcpToken(paths);
    if (token && o.scope === 'project') {
      throw new UserError(
        `cco has a token, and ${file} (project scope) is shared with everyone who clones the repository, so cco will not write the token there. ` +
          'Use --scope local (.claude/settings.local.json, private to you) or --scope user (~/.claude/settings.json). ' +
          '(Claude Code refuses to put variables that look like credentials into hook headers, so an environment variable is no way out.)',
      );
    }
    const waitMs = await ccoLongestWaitMs(paths);
    const timeoutSeconds = hookTimeoutSeconds(waitMs);
    next = withCcoHooks(
      current.json,
      ccoHooks({ baseUrl: await hookBaseUrl(o.url, paths), ...(o.agent ? { agent: o.agent } : {}), ...(token ? { token } : {}), timeoutSeconds }),
    );
  }
  const before = current.exists ? settingsText(current.json) : '';
  const after = settingsText(next);
  if (before === after || (!current.exists && o.remove)) {
    return o.remove ? `No cco hooks in ${file}; nothing changed.\n` : `cco's hooks are already in ${file}; nothing changed.\n`;
  }
  // Printed text never carries the token itself.
  const masked = (text: string) => (token ? text.split(token).join('<token>') : text);
  const diff = masked(createTwoFilesPatch(file, file, before, after, current.exists ? 'before' : '(new file)', 'after', { context: 3 }));
  if (o.dryRun) return `${diff}\nDry run: ${file} was not changed.\n`;
  // A backup of a project's settings that hold a token stays out of the project (and out of git).
  const privateBackupDir = o.scope !== 'user' && holdsCcoToken(current.json) ? join(paths.stateDir, 'claude-settings-backups') : undefined;
  const { backup } = writeClaudeSettings(file, after, { private: token !== undefined, ...(privateBackupDir ? { privateBackupDir } : {}) });
  const saved = backup ? ` The previous file is in ${backup}.` : '';
  if (o.remove) return `${diff}\nRemoved cco's hooks from ${file} (${o.scope} scope); every other setting and hook is as it was.${saved}\n`;
  const waitMs = await ccoLongestWaitMs(paths);
  const port = new URL(await hookBaseUrl(o.url, paths)).port;
  const configured = String(await configPort(paths));
  const portNote =
    o.url || port === configured
      ? ''
      : `Note: this is the running server's port ${port}, not the configured ${configured}; if cco starts on another port later, run \`cco config set port ${port}\` or this again.\n`;
  return (
    portNote +
    `${diff}\nAdded cco's hooks to ${file} (${o.scope} scope): PermissionRequest asks cco, PostToolUse and PostToolUseFailure tell it when a question was answered at Claude's own prompt.${saved}\n` +
    `The hook's timeout is ${formatDuration(hookTimeoutSeconds(waitMs) * 1000)}, longer than cco's longest wait (${formatDuration(waitMs)}), so cco's own timeout answers first.\n` +
    `Claude Code sessions started from now on ask cco (start interactive ones with --permission-mode default: since 2.1.328 the default mode "auto" decides most asks itself).\n` +
    DOWN_NOTE +
    `Undo with: cco setup --hooks --scope ${o.scope} --remove\n`
  );
}
