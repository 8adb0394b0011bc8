import { Command, CommanderError } from 'commander';
import { UserError } from './core/errors.js';
import { escapeLines } from './core/escape.js';
import { approveCommand, denyCommand } from './commands/decide.js';
import { configCommand } from './commands/config.js';
import { rulesCommand } from './commands/rules.js';
import { logCommand } from './commands/log.js';
import { pendingCommand } from './commands/pending.js';
import { statusCommand } from './commands/status.js';
import { serveCommand } from './commands/serve.js';
import { watchCommand } from './commands/watch.js';
import { setupCommand } from './commands/setup.js';
import { mcpConfigCommand } from './commands/mcp-config.js';
import { runCommand } from './commands/run.js';
import { doctorCommand } from './commands/doctor.js';
import { hookCommand } from './commands/hook.js';
import { tokenCommand } from './commands/token.js';
import { VERSION } from './version.js';
import { closedPipes } from './app/closed-pipe.js';

/** Build the program. Heavy modules (ink, react, hono, the MCP SDK) load inside actions only. */
export function buildProgram(): Command {
  const program = new Command('cco')
    .description('Oversight console for Claude Code agents: approve or deny their tool calls from your terminal.')
    .version(VERSION, '-v, --version')
    .addHelpText(
      'after',
      `
Set up once:
  cco setup                     # runs \`claude mcp add-json\` for you; or by hand:
  claude mcp add -s user -t http cco http://127.0.0.1:8660/mcp
Then run agents with:
  cco run --agent api -- -p "task"                # or:
  claude -p "task" --permission-prompt-tool mcp__cco__approval_prompt`,
    );
  const commands = [
    watchCommand,
    serveCommand,
    statusCommand,
    pendingCommand,
    approveCommand,
    denyCommand,
    rulesCommand,
    logCommand,
    tokenCommand,
    configCommand,
    setupCommand,
    runCommand,
    mcpConfigCommand,
    doctorCommand,
    hookCommand,
  ];
  for (const make of commands) program.addCommand(make());
  return program;
}

/** Settings that commands added with addCommand do not inherit: apply them to the whole tree. */
function applyToTree(cmd: Command, configure: (c: Command, path: string) => void, path = cmd.name()): void {
  configure(cmd, path);
  for (const sub of cmd.commands) applyToTree(sub, configure, `${path} ${sub.name()}`);
}

/** What a usage error of a command adds before pointing to that command's own help. */
const AFTER_ERROR: Record<string, string> = {
  'cco run': 'Arguments for claude go after `--`, e.g. cco run --agent api -- -p "fix the flaky test"\n',
};

function afterError(path: string): string {
  return `${AFTER_ERROR[path] ?? ''}(run \`${path} --help\` for usage)`;
}

/** Run the CLI; the only place that turns errors into messages and exit codes. */
export async function main(argv = process.argv): Promise<number> {
  closedPipes();
  const program = buildProgram();
  applyToTree(program, (c, path) => c.exitOverride().showHelpAfterError(afterError(path)));
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    if (error instanceof UserError) {
      // Messages quote what they were given (an id, a pattern, a file's text): escaped.
      process.stderr.write(`cco: ${escapeLines(error.message)}\n`);
      return error.exitCode;
    }
    process.stderr.write(
      `cco: unexpected error: ${escapeLines(error instanceof Error ? ((process.env.CCO_DEBUG ? error.stack : error.message) ?? '') : String(error))}\n`,
    );
    process.stderr.write('Run with CCO_DEBUG=1 for the stack trace.\n');
    return 1;
  }
}
