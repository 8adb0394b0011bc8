import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { Command, Option } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeLines } from '../core/escape.js';
import { ccoPaths, type CcoPaths } from '../store/paths.js';
import { processAlive, readServerFile, type ServerInfo } from '../store/server-file.js';
import { INSTALL_CLAUDE, SERVER_NAME, configPort, findExecutable, runCaptured, serverName } from './claude-code.js';

/** One line of `cco doctor`. A warning is shown as ✗ but does not fail the run. */
export interface Finding {
  ok: boolean;
  warning?: boolean;
  text: string;
  fix?: string;
}

const pass = (text: string): Finding => ({ ok: true, text });
const fail = (text: string, fix: string): Finding => ({ ok: false, text, fix });
const warn = (text: string, fix: string): Finding => ({ ok: false, warning: true, text, fix });

const START = 'Start one with `cco watch` (console) or `cco serve` (headless).';

async function modeOf(file: string): Promise<number | undefined> {
  try {
    return (await stat(file)).mode & 0o777;
  } catch {
    return undefined;
  }
}

async function health(url: string): Promise<{ name?: string; version?: string } | undefined> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return res.ok ? ((await res.json()) as { name?: string; version?: string }) : undefined;
  } catch {
    return undefined;
  }
}

async function checkServer(paths: CcoPaths): Promise<{ findings: Finding[]; server?: ServerInfo }> {
  let info: ServerInfo | undefined;
  try {
    info = await readServerFile(paths.serverFile);
  } catch (error) {
    return { findings: [fail((error as Error).message, START)] };
  }
  if (!info) return { findings: [fail(`No cco server is running (no ${paths.serverFile}).`, START)] };
  const mode = await modeOf(paths.serverFile);
  const fileFinding =
    mode === 0o600
      ? pass(`The server file ${paths.serverFile} is private (mode 600).`)
      : fail(
          `The server file ${paths.serverFile} has mode ${mode?.toString(8)}: other users could read the decision token.`,
          `chmod 600 ${paths.serverFile}, and restart cco to get a fresh token.`,
        );
  if (!processAlive(info.pid)) {
    return { findings: [fail(`No cco server is running: the server file names pid ${info.pid}, which has exited.`, START), fileFinding] };
  }
  const h = await health(info.url);
  if (h?.name !== 'cco') {
    return {
      findings: [
        fail(`cco (pid ${info.pid}) does not answer GET ${info.url}/health.`, `Restart it: stop pid ${info.pid}, then ${START.toLowerCase()}`),
        fileFinding,
      ],
      server: info,
    };
  }
  return {
    findings: [pass(`A cco server (pid ${info.pid}, version ${h.version ?? '?'}) is running at ${info.mcpUrl} and answering /health.`), fileFinding],
    server: info,
  };
}

async function checkPort(paths: CcoPaths, server: ServerInfo | undefined): Promise<Finding> {
  const port = await configPort(paths);
  if (server) {
    const running = new URL(server.url).port;
    if (running === String(port)) return pass(`Port ${port}: cco listens there.`);
    return warn(
      `cco listens on port ${running}, but the configured port is ${port}: \`cco setup\` and \`cco mcp-config\` without a running server would use ${port}.`,
      `Restart cco without --port (or PORT), or \`cco config set port ${running}\`.`,
    );
  }
  try {
    await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
  } catch {
    return pass(`Port ${port} (configured) is free for cco.`);
  }
  return fail(
    `Port ${port} is in use by another program, so cco could not start there.`,
    `Stop that program, or pick another port: \`cco config set port <number>\`, then \`cco setup\` again.`,
  );
}

async function checkConfig(paths: CcoPaths): Promise<Finding[]> {
  const { SettingsStore } = await import('../store/settings.js');
  const mode = await modeOf(paths.configFile);
  if (mode === undefined) return [pass(`No config file yet (${paths.configFile}): the defaults are in use.`)];
  const out: Finding[] = [];
  try {
    const settings = new SettingsStore(paths.configFile).read();
    out.push(pass(`The config ${paths.configFile} is valid (${settings.rules.length} rule${settings.rules.length === 1 ? '' : 's'}).`));
    const { lintContext, warningsOf } = await import('./rule-warnings.js');
    for (const [id, warnings] of warningsOf(settings.rules, lintContext())) {
      const rule = settings.rules.find((r) => r.id === id);
      for (const w of warnings) {
        if (w.level !== 'warning') continue;
        out.push(
          warn(
            `Rule ${id} (\`${rule?.pattern ?? ''}\`): ${w.message}`,
            w.fix
              ? `cco rules edit ${id} --pattern '${w.fix.replace(/'/g, `'\\''`)}'`
              : 'Change the rule as the warning says (`cco rules edit`), or remove it.',
          ),
        );
      }
    }
  } catch (error) {
    out.push(fail((error as Error).message, `Edit ${paths.configFile} by hand; \`cco config list\` shows the settings once it is valid.`));
  }
  out.push(
    mode === 0o600
      ? pass('The config file is private (mode 600).')
      : fail(
          `The config file has mode ${mode.toString(8)}: other users can read${mode & 0o022 ? ' or change' : ''} your rules.`,
          `chmod 600 ${paths.configFile}`,
        ),
  );
  return out;
}

/**
 * `claude mcp list` lines look like `cco: http://127.0.0.1:8660/mcp (HTTP) - ✔ Connected`, or
 * `… - ✘ Failed to connect — ECONNREFUSED: …`, or for a project server (.mcp.json) nobody has
 * approved yet `… - ⏸ Pending approval (run \`claude\` to approve)` (Claude Code 2.1.332).
 */
export function registrationIn(listOutput: string, name: string): { line: string; url?: string; failed: boolean; pendingApproval: boolean } | undefined {
  const line = listOutput.split('\n').find((l) => l.trimStart().startsWith(`${name}:`));
  if (!line) return undefined;
  const url = /https?:\/\/[^\s)]+/.exec(line)?.[0];
  return { line: line.trim(), ...(url ? { url } : {}), failed: /[✘✗]|fail/i.test(line), pendingApproval: /pending approval/i.test(line) };
}

async function checkClaude(name: string, expectedUrl: string, serverUp: boolean): Promise<Finding> {
  const claude = findExecutable('claude');
  if (!claude) return warn('claude not found on PATH: cannot check that Claude Code knows cco.', INSTALL_CLAUDE);
  const list = await runCaptured(claude, ['mcp', 'list']);
  if (list.code !== 0)
    return fail(`\`claude mcp list\` failed (exit ${list.code}): ${(list.stderr || list.stdout).trim()}`, 'Check that Claude Code works: `claude --version`.');
  const found = registrationIn(list.stdout, name);
  if (!found)
    return fail(
      `Claude Code has no MCP server named "${name}".`,
      `Run \`cco setup\`${name === SERVER_NAME ? '' : ` --name ${name}`} (or use \`cco run\`, which passes cco to claude itself).`,
    );
  if (found.url !== expectedUrl) {
    return fail(
      `Claude Code's "${name}" points at ${found.url ?? '(no URL)'}, but cco is at ${expectedUrl}.`,
      `claude mcp remove ${name} -s <scope> (\`claude mcp get ${name}\` shows the scope), then \`cco setup\`.`,
    );
  }
  if (found.failed && serverUp)
    return fail(`Claude Code knows "${name}" but cannot connect: ${found.line}`, 'Run `claude mcp get ' + name + '` for details; check the URL and headers.');
  // `claude -p` uses an unapproved project server as it is; only the interactive claude asks once.
  const note = found.failed
    ? ' (it connects once cco runs)'
    : found.pendingApproval
      ? ' (a project server: interactive `claude` asks you to approve it once; `claude -p` uses it as it is)'
      : '';
  return pass(`Claude Code knows "${name}" at ${expectedUrl}${note}.`);
}

/** Claude's own allow rules: calls they match are allowed by Claude and never reach cco. */
export async function checkClaudeAllowRules(files?: string[]): Promise<Finding[]> {
  if (!files) {
    const { defaultClaudeSettingsFiles } = await import('./rules-import.js');
    files = defaultClaudeSettingsFiles(process.cwd(), homedir());
  }
  const rules: string[] = [];
  const out: Finding[] = [];
  for (const file of files) {
    let json: { permissions?: { allow?: unknown; defaultMode?: unknown } };
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      out.push(warn(`Cannot read the Claude Code settings ${file}: ${(error as Error).message}`, 'Fix the file; Claude Code reads it too.'));
      continue;
    }
    const allow = json.permissions?.allow;
    if (Array.isArray(allow)) for (const r of allow) if (typeof r === 'string') rules.push(`${r}  (${file})`);
    const mode = json.permissions?.defaultMode;
    if (mode === 'bypassPermissions' || mode === 'acceptEdits') {
      out.push(
        warn(
          `${file} sets defaultMode "${mode}": ${mode === 'acceptEdits' ? 'file edits, and shell commands that only write files in the working directory (mkdir, touch, cp, mv, sed -i and the like),' : 'calls'} never reach cco.`,
          'Remove permissions.defaultMode there, or pass --permission-mode default to claude.',
        ),
      );
    }
  }
  if (rules.length === 0) out.unshift(pass('No Claude Code allow rules let calls bypass cco.'));
  else {
    out.unshift(
      warn(
        `Claude Code allows these itself, so matching calls never reach cco:\n${rules.map((r) => `      ${r}`).join('\n')}`,
        'Remove those you want cco to decide from permissions.allow (`cco rules import` first copies them into cco rules).',
      ),
    );
  }
  return out;
}

/** Findings quote rules, settings files and `claude mcp list` output: every line escaped. */
export function renderFindings(findings: Finding[]): string {
  const lines: string[] = [];
  for (const f of findings) {
    lines.push(`${f.ok ? '✓' : '✗'} ${f.warning ? 'warning: ' : ''}${escapeLines(f.text)}`);
    if (!f.ok && f.fix) lines.push(`    fix: ${escapeLines(f.fix)}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function doctor(name: string, paths: CcoPaths = ccoPaths()): Promise<Finding[]> {
  const { findings, server } = await checkServer(paths);
  const serverUp = findings[0]?.ok === true;
  const expectedUrl = server?.mcpUrl ?? `http://127.0.0.1:${await configPort(paths)}/mcp`;
  return [
    ...findings,
    await checkPort(paths, server),
    await checkClaude(name, expectedUrl, serverUp),
    ...(await (await import('./doctor-hooks.js')).checkHooks(paths, serverUp)),
    ...(await (await import('./doctor-codex.js')).checkCodex(paths, serverUp)),
    ...(await checkConfig(paths)),
    ...(await checkClaudeAllowRules()),
  ];
}

export function doctorCommand(): Command {
  return new Command('doctor')
    .description(
      'check the server, Claude Code registration (MCP and http hooks), the Codex hook when there is one, config and Claude allow rules; says how to fix each problem',
    )
    .addOption(new Option('--name <name>', 'the server name in Claude Code').default(SERVER_NAME).argParser(serverName))
    .action(async (o: { name: string }) => {
      const findings = await doctor(o.name);
      process.stdout.write(renderFindings(findings));
      const problems = findings.filter((f) => !f.ok && !f.warning).length;
      const warnings = findings.filter((f) => f.warning).length;
      if (problems > 0)
        throw new UserError(
          `${problems} problem${problems === 1 ? '' : 's'} found${warnings ? ` (and ${warnings} warning${warnings === 1 ? '' : 's'})` : ''}: fix them as shown above.`,
        );
      process.stdout.write(warnings ? `No problems; ${warnings} warning${warnings === 1 ? '' : 's'}.\n` : 'No problems found.\n');
    });
}
