import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants } from 'node:os';
import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { ccoPaths } from '../store/paths.js';
import { AGENT_HEADER, SERVER_NAME, agentName, mcpConfig, mcpToken, permissionPromptTool, requireClaude, runningServer } from './claude-code.js';

/**
 * The arguments `cco run` gives `claude`: cco as an MCP server (a JSON string, which
 * `--mcp-config` accepts as well as a file), cco's tool as the permission prompt, then the
 * user's own arguments, untouched. With a token, the config goes in `configFile` instead (mode
 * 0600), since any local user can read another process's arguments.
 */
export function claudeRunArgs(mcpUrl: string, agent: string | undefined, userArgs: readonly string[], configFile?: string): string[] {
  return ['--mcp-config', configFile ?? JSON.stringify(mcpConfig(mcpUrl, agent)), '--permission-prompt-tool', permissionPromptTool(), ...userArgs];
}

/** The exit status a shell would report for a child that ended this way. */
export function exitStatus(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  const n = signal ? constants.signals[signal] : undefined;
  return n ? 128 + n : 1;
}

async function run(agent: string | undefined, userArgs: string[]): Promise<number> {
  const server = await runningServer();
  if (!server) {
    throw new UserError('No cco server is running, so Claude Code would fail with "MCP tool mcp__cco__approval_prompt … not found". Start `cco watch` first (or `cco serve`), then run this again.');
  }
  const claude = requireClaude();
  const token = await mcpToken();
  const configFile = token ? join(ccoPaths().stateDir, `run-${process.pid}.mcp.json`) : undefined;
  if (configFile) writeFileSync(configFile, JSON.stringify(mcpConfig(server.mcpUrl, agent, SERVER_NAME, token)), { mode: 0o600 });
  const { spawn } = await import('node:child_process');
  const child = spawn(claude, claudeRunArgs(server.mcpUrl, agent, userArgs, configFile), { stdio: 'inherit' });
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
  }
}

export function runCommand(): Command {
  return new Command('run')
    .description('run `claude` with cco as its permission prompt, e.g. cco run --agent api -- -p "fix the flaky test"')
    .addOption(new Option('--agent <name>', `name this agent in cco (sent as the ${AGENT_HEADER} header)`).argParser(agentName))
    .argument('[claude-args...]', 'arguments for claude (put them after --)')
    .action(async (claudeArgs: string[], o: { agent?: string }) => {
      const status = await run(o.agent, claudeArgs);
      // cli.ts maps a CommanderError to its exit code and prints nothing: claude has said it all.
      if (status !== 0) throw new CommanderError(status, 'cco.run.exit', `claude exited with status ${status}`);
    });
}
