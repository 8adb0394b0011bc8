import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { ccoPaths } from '../store/paths.js';
import { ccoHooks } from '../store/claude-settings.js';
import { AGENT_HEADER, SERVER_NAME, agentName, mcpConfig, mcpToken, permissionPromptTool, requireClaude, runningServer } from './claude-code.js';

/** How a `cco run` reaches cco: the MCP prompt tool (`-p` only), the http hooks (any session), or both. */
export type Via = 'mcp' | 'hooks' | 'both';
export const VIAS: readonly Via[] = ['mcp', 'hooks', 'both'];

/**
 * The arguments `cco run` gives `claude`: cco as an MCP server (a JSON string, which
 * `--mcp-config` accepts as well as a file), cco's tool as the permission prompt, then the
 * user's own arguments, untouched. With a token, the config goes in `configFile` instead (mode
 * 0600), since any local user can read another process's arguments.
 */
export function claudeRunArgs(mcpUrl: string, agent: string | undefined, userArgs: readonly string[], configFile?: string): string[] {
  return ['--mcp-config', configFile ?? JSON.stringify(mcpConfig(mcpUrl, agent)), '--permission-prompt-tool', permissionPromptTool(), ...userArgs];
}

/**
 * The `--settings` value that gives one run cco's hooks (a JSON string, or a file when it holds a
 * token). With `both`, the hook lets the MCP prompt tool answer each question it also asks.
 */
export function hookRunSettings(
  baseUrl: string,
  agent: string | undefined,
  via: 'hooks' | 'both',
  timeoutSeconds: number,
  token?: string,
): { hooks: ReturnType<typeof ccoHooks> } {
  return { hooks: ccoHooks({ baseUrl, ...(agent ? { agent } : {}), ...(token ? { token } : {}), timeoutSeconds, viaBoth: via === 'both' }) };
}

/** The arguments `cco run --via <via>` gives `claude`, before the user's own (`files` hold what carries a token). */
export function claudeRunArgsVia(
  via: Via,
  server: { url: string; mcpUrl: string },
  agent: string | undefined,
  userArgs: readonly string[],
  timeoutSeconds: number,
  files: { mcp?: string; settings?: string } = {},
): string[] {
  const hooks = via === 'mcp' ? [] : ['--settings', files.settings ?? JSON.stringify(hookRunSettings(new URL(server.url).origin, agent, via, timeoutSeconds))];
  if (via === 'hooks') return [...hooks, ...userArgs];
  return [...hooks, ...claudeRunArgs(server.mcpUrl, agent, userArgs, files.mcp)];
}

/** The exit status a shell would report for a child that ended this way. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n ? 128 + n : 1;
}

async function run(agent: string | undefined, userArgs: string[], via: Via): Promise<number> {
  const server = await runningServer();
  if (!server) {
    throw new UserError(
      via === 'hooks'
        ? "No cco server is running, so Claude Code's hook would fail: an interactive session would ask at its own prompt, and a `-p` run would deny every call that needs asking. Start `cco watch` first (or `cco serve`), then run this again."
        : 'No cco server is running, so Claude Code would fail with "MCP tool mcp__cco__approval_prompt … not found". Start `cco watch` first (or `cco serve`), then run this again.',
    );
  }
  const claude = requireClaude();
  const token = await mcpToken();
  const { ccoLongestWaitMs, hookTimeoutSeconds } = await import('./setup-hooks.js');
  const timeoutSeconds = via === 'mcp' ? 0 : hookTimeoutSeconds(await ccoLongestWaitMs());
  const stateDir = ccoPaths().stateDir;
  const configFile = token && via !== 'hooks' ? join(stateDir, `run-${process.pid}.mcp.json`) : undefined;
  const settingsFile = token && via !== 'mcp' ? join(stateDir, `run-${process.pid}.settings.json`) : undefined;
  if (configFile) writeFileSync(configFile, JSON.stringify(mcpConfig(server.mcpUrl, agent, SERVER_NAME, token)), { mode: 0o600 });
  if (settingsFile && via !== 'mcp')
    writeFileSync(settingsFile, JSON.stringify(hookRunSettings(new URL(server.url).origin, agent, via, timeoutSeconds, token)), { mode: 0o600 });
  const { spawn } = await import('node:child_process');
  const files = { ...(configFile ? { mcp: configFile } : {}), ...(settingsFile ? { settings: settingsFile } : {}) };
  const child = spawn(claude, claudeRunArgsVia(via, server, agent, userArgs, timeoutSeconds, files), { stdio: 'inherit' });
  // Ctrl-C reaches claude too (same process group): let it decide how to end, and report its status.
  const ignore = () => undefined;
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const s of signals) process.on(s, ignore);
  try {
    return await new Promise<number>((resolve, reject) => {
      child.on('error', (error) => reject(new UserError(`Could not start ${claude}: ${error.message}`, 1, { cause: error })));
      child.on('exit', (code, signal) => resolve(exitStatus(code, signal)));
    });
  } finally {
    for (const s of signals) process.off(s, ignore);
    if (configFile) rmSync(configFile, { force: true });
    if (settingsFile) rmSync(settingsFile, { force: true });
  }
}

export function runCommand(): Command {
  return new Command('run')
    .description('run `claude` with cco as its permission prompt, e.g. cco run --agent api -- -p "fix the flaky test"')
    .addOption(new Option('--agent <name>', `name this agent in cco (sent as the ${AGENT_HEADER} header)`).argParser(agentName))
    .addOption(
      new Option('--via <route>', 'how claude asks cco: mcp (the permission prompt tool, -p only), hooks (http hooks, interactive sessions too), both')
        .choices([...VIAS])
        .default('mcp'),
    )
    .argument('[claude-args...]', 'arguments for claude (put them after --)')
    .action(async (claudeArgs: string[], o: { agent?: string; via: Via }) => {
      const status = await run(o.agent, claudeArgs, o.via);
      // cli.ts maps a CommanderError to its exit code and prints nothing: claude has said it all.
      if (status !== 0) throw new CommanderError(status, 'cco.run.exit', `claude exited with status ${status}`);
    });
}
