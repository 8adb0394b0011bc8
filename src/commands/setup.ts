import { Command, CommanderError, Option } from 'commander';
import { UserError } from '../core/errors.js';
import {
  AGENT_HEADER,
  INSTALL_CLAUDE,
  SERVER_NAME,
  agentName,
  configPort,
  defaultMcpUrl,
  findExecutable,
  mcpServerEntry,
  mcpToken,
  mcpUrlOption,
  runCaptured,
  permissionPromptTool,
  serverName,
  shellQuote,
  type McpServerEntry,
} from './claude-code.js';

export type Scope = 'user' | 'project' | 'local';

/** The `claude` arguments that register cco; `add-json` is the form that carries `timeout`. */
export function setupArgs(scope: Scope, name: string, entry: McpServerEntry): string[] {
  return ['mcp', 'add-json', '-s', scope, name, JSON.stringify(entry)];
}

const tokens = (text: string) => text.split(/\s+/).filter(Boolean);

/**
 * Whether `claude mcp get` describes the registration we would make: the same URL, the same agent
 * header (or none), and the same per-server timeout. Claude Code 2.1.332 prints
 * `Timeout: 90000000ms` when one is set; output without that line is not held against the entry
 * (a CLI that does not print it, or a registration made without it, still works: cco's progress
 * keeps Claude's idle limit away).
 */
export function sameRegistration(getOutput: string, entry: McpServerEntry): boolean {
  if (!tokens(getOutput).includes(entry.url)) return false;
  const header = new RegExp(`^\\s*${AGENT_HEADER}\\s*:\\s*(\\S+)\\s*$`, 'im').exec(getOutput);
  const agent = entry.headers?.[AGENT_HEADER];
  const auth = entry.headers?.Authorization;
  if (auth && !getOutput.includes(auth)) return false;
  if (agent ? header?.[1] !== agent : header) return false;
  const timeout = /^\s*Timeout:\s*(\d+)\s*ms\s*$/im.exec(getOutput);
  return !timeout || Number(timeout[1]) === entry.timeout;
}

/** The scope `claude mcp get` reports ("Scope: User config (…)"), if it says. */
export function scopeIn(getOutput: string): Scope | undefined {
  const m = /Scope:\s*(user|project|local)\b/i.exec(getOutput);
  return m ? (m[1]!.toLowerCase() as Scope) : undefined;
}

interface SetupOptions {
  scope: Scope;
  name: string;
  agent?: string;
  url?: string;
  hooks?: boolean;
  codex?: boolean;
  remove?: boolean;
  dryRun?: boolean;
}

function describe(entry: McpServerEntry): string {
  const agent = entry.headers?.[AGENT_HEADER];
  return `${entry.url}${agent ? `, agent ${agent}` : ''}${entry.headers?.Authorization ? ', with its token' : ''}`;
}

/** A server started with another port (`--port 0`, PORT) gives a URL that the next start may not reuse. */
async function portNote(url: string): Promise<string> {
  const port = await configPort();
  const used = new URL(url).port;
  return used === String(port)
    ? ''
    : `Note: this is the running server's port ${used}, not the configured ${port}; if cco starts on another port later, run \`cco config set port ${used}\` or register again.\n`;
}

const NOT_REGISTERED = 'The `claude` command is not on PATH, so nothing was registered.';

async function setup(o: SetupOptions): Promise<string> {
  const token = await mcpToken();
  const entry = mcpServerEntry(o.url ?? (await defaultMcpUrl()), o.agent, token);
  // Printed text never carries the token itself: terminals are shared, scrolled back, pasted.
  const masked = (text: string) => (token ? text.split(token).join('<token>') : text);
  const tokenNote = token ? 'Put your token (`cco config get token`, or $CCO_TOKEN) where it says <token>.\n\n' : '';
  const note = o.url ? '' : await portNote(entry.url);
  const args = setupArgs(o.scope, o.name, entry);
  const runWith = `Run agents with:\n  cco run${o.agent ? ` --agent ${o.agent}` : ''} -- -p "task"\nor:\n  claude -p "task" --permission-prompt-tool ${permissionPromptTool(o.name)}\n`;

  const claude = findExecutable('claude');
  if (!claude) {
    return masked(
      `${NOT_REGISTERED} ${INSTALL_CLAUDE}, then run:\n\n` +
        `  claude ${args.map(shellQuote).join(' ')}\n\n` +
        `or add this entry to "mcpServers" in Claude Code's config (~/.claude.json for your user, .mcp.json in a project):\n\n` +
        `${JSON.stringify({ [o.name]: entry }, null, 2)}\n\n${tokenNote}${runWith}`,
    );
  }

  const got = await runCaptured(claude, ['mcp', 'get', o.name]);
  let replaced = '';
  if (got.code === 0) {
    const scope = scopeIn(got.stdout) ?? o.scope;
    if (sameRegistration(got.stdout, entry) && scope === o.scope)
      return `cco is already set up in Claude Code as "${o.name}" (${describe(entry)}); nothing changed.\n${runWith}`;
    if (scope !== o.scope) {
      // One name may be registered in several scopes (local over project over user): add this one.
      replaced = `Claude Code also has "${o.name}" in the ${scope} scope; where both apply, local wins over project, and project over user.\n`;
    } else if (isCcoRegistration(got.stdout)) {
      // cco's own registration with another agent, token or timeout: replace it, saying what changes.
      const removed = await runCaptured(claude, ['mcp', 'remove', o.name, '-s', scope]);
      if (removed.code !== 0) {
        throw new UserError(
          `\`claude mcp remove ${o.name} -s ${scope}\` failed (exit ${removed.code}): ${(removed.stderr || removed.stdout).trim() || 'no output'}. Nothing was changed.`,
        );
      }
      replaced = `Replaced cco's earlier registration in the ${scope} scope:\n${masked(diffLines(got.stdout))}  + ${describe(entry)}\n`;
    } else {
      throw new UserError(
        `Claude Code already has an MCP server named "${o.name}" that is not this registration (${describe(entry)}):\n` +
          // `claude mcp get` prints headers as they are: never echo a bearer token to the terminal.
          `${got.stdout
            .trimEnd()
            .replace(/(authorization:\s*bearer\s+)\S+/gi, '$1[hidden]')
            .replace(/^/gm, '  ')}\n` +
          `It was left as it is. To replace it, run \`claude mcp remove ${o.name} -s ${scope}\` and then \`cco setup\` again; ` +
          `or keep it and register cco under another name with --name (its tool is then mcp__<name>__approval_prompt).`,
      );
    }
  }

  const added = await runCaptured(claude, args);
  if (added.code !== 0 && replaced !== '' && new RegExp(`already exists in ${o.scope} config`, 'i').test(added.stderr + added.stdout)) {
    // `claude mcp get` shows one scope's entry; this scope has its own, which get does not show.
    return `${replaced}Claude Code already has "${o.name}" in the ${o.scope} scope too (\`claude mcp get\` shows the other one), so nothing changed. To register it anew there: claude mcp remove ${o.name} -s ${o.scope}, then cco setup -s ${o.scope} again.\n`;
  }
  if (added.code !== 0) {
    throw new UserError(
      masked(
        `\`claude ${args.slice(0, 5).join(' ')} …\` failed (exit ${added.code}): ${(added.stderr || added.stdout).trim() || 'no output'}\n` +
          `Check that Claude Code works (\`claude --version\`), or register by hand: claude ${args.map(shellQuote).join(' ')}\n${tokenNote}`,
      ).trimEnd(),
    );
  }
  return `${replaced}Registered cco with Claude Code as "${o.name}" (${o.scope} scope): ${describe(entry)}.\n${note}${runWith}`;
}

/** What `claude mcp get` shows of a registration, as the "-" lines of a change (a token hidden). */
function diffLines(getOutput: string): string {
  const url = /^\s*URL:\s*(\S+)/m.exec(getOutput)?.[1] ?? '?';
  const agent = new RegExp(`^\\s*${AGENT_HEADER}\\s*:\\s*(\\S+)`, 'im').exec(getOutput)?.[1];
  const auth = /authorization:\s*bearer/i.test(getOutput);
  const timeout = /^\s*Timeout:\s*(\d+)\s*ms/im.exec(getOutput)?.[1];
  return `  - ${url}${agent ? `, agent ${agent}` : ''}${auth ? ', with a token' : ''}${timeout ? `, timeout ${timeout} ms` : ', no timeout'}\n`;
}

/** Whether `claude mcp get` shows cco's own kind of registration: http to a loopback `/mcp` endpoint. */
export function isCcoRegistration(getOutput: string): boolean {
  const url = /^\s*URL:\s*(\S+)/m.exec(getOutput)?.[1];
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname) && /^\/mcp(?:\/[^/]+)?\/?$/.test(u.pathname);
  } catch {
    return false;
  }
}

export function setupCommand(): Command {
  return new Command('setup')
    .description(
      "register cco with Claude Code (runs `claude mcp add-json`; re-running changes nothing); --hooks adds its http hooks to Claude's settings instead; --codex adds its hook to Codex",
    )
    .addOption(new Option('-s, --scope <scope>', 'where Claude Code keeps the registration').choices(['user', 'project', 'local']).default('user'))
    .addOption(new Option('--name <name>', 'the server name in Claude Code').default(SERVER_NAME).argParser(serverName))
    .addOption(new Option('--agent <name>', `name the agents of this registration (sent as the ${AGENT_HEADER} header)`).argParser(agentName))
    .addOption(new Option('--url <url>', "cco's MCP endpoint (default: the running server's, else http://127.0.0.1:<config port>/mcp)").argParser(mcpUrlOption))
    .option('--hooks', "add cco's http hooks (PermissionRequest, PostToolUse) to Claude Code's settings file for --scope: interactive sessions ask cco too")
    .option('--codex', "add cco's PermissionRequest hook (`cco hook codex`) to Codex's hooks.json ($CODEX_HOME, default ~/.codex): Codex asks cco")
    .option('--remove', 'with --hooks or --codex: take out exactly the hooks cco added')
    .option('--dry-run', 'with --hooks or --codex: show the change as a diff and write nothing')
    .action(async (o: SetupOptions) => {
      if (o.codex) {
        if (o.hooks) throw new UserError('--hooks (Claude Code) and --codex (Codex) write different files: run them one at a time.');
        const { setupCodex } = await import('./setup-codex.js');
        process.stdout.write(await setupCodex(o));
        return;
      }
      if (o.hooks) {
        const { setupHooks } = await import('./setup-hooks.js');
        process.stdout.write(await setupHooks(o));
        return;
      }
      if (o.remove || o.dryRun)
        throw new UserError(
          `${o.remove ? '--remove' : '--dry-run'} goes with --hooks or --codex. To remove cco's MCP registration run \`claude mcp remove ${o.name} -s ${o.scope}\`.`,
        );
      const out = await setup(o);
      process.stdout.write(out);
      // Nothing registered (no `claude` on PATH): the text says what to do, the exit code says it
      // did not happen, so `cco setup && …` stops.
      if (out.startsWith(NOT_REGISTERED)) throw new CommanderError(1, 'cco.setup.notRegistered', 'nothing was registered');
    });
}
