/**
 * What `cco setup`, `cco mcp-config`, `cco run` and `cco doctor` share: how cco is described to
 * Claude Code, where the `claude` command is, and how to run it.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../core/errors.js';
import { ccoPaths, type CcoPaths } from '../store/paths.js';
import { processAlive, readServerFile, type ServerInfo } from '../store/server-file.js';

/** The server name cco is registered under; the tool Claude sees is `mcp__<name>__approval_prompt`. */
export const SERVER_NAME = 'cco';
export const permissionPromptTool = (name = SERVER_NAME) => `mcp__${name}__approval_prompt`;
export const AGENT_HEADER = 'X-CCO-Agent';
export const INSTALL_CLAUDE = 'Install Claude Code: npm install -g @anthropic-ai/claude-code';

/**
 * Claude Code's per-server `timeout` (ms) for cco. Claude has two limits on a tool call:
 * - an idle limit of 300 s, reset by every progress notification; cco sends one every 30 s while
 *   a call waits, so the idle limit never ends a wait;
 * - a hard limit, the per-server `timeout` (else `MCP_TOOL_TIMEOUT`, about 27.8 h), that progress
 *   does not reset: when it fires Claude cancels the call, whatever cco's own timeout says.
 * A person may decide after a meeting or the next morning, so the hard limit (25 h) is longer than
 * the longest timeout cco accepts (MAX_WAIT_MS, 24 h): then cco's own timeout, which denies with a message saying
 * it timed out, is the one that fires, never Claude's anonymous cancel. Stated explicitly so an
 * `MCP_TOOL_TIMEOUT` set for other servers does not cut cco's waits short.
 */
export const CLAUDE_TOOL_TIMEOUT_MS = 25 * 60 * 60 * 1000;

/** The same rule the server applies to agent names (src/server/app.ts). */
const AGENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Claude Code server names end up in a tool name: keep them to letters, digits, `_` and `-`. */
const SERVER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Commander parsers for the options these commands share. */
export function agentName(value: string): string {
  if (!AGENT_NAME.test(value))
    throw new InvalidArgumentError('use 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit (e.g. api, docs-bot).');
  return value;
}

export function serverName(value: string): string {
  if (!SERVER_NAME_RE.test(value))
    throw new InvalidArgumentError('use 1-64 letters, digits, "_" or "-", starting with a letter or digit (the default is cco).');
  return value;
}

export function mcpUrlOption(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError('expected a URL such as http://127.0.0.1:8660/mcp.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError('expected an http:// or https:// URL.');
  return value;
}

/** cco as one entry of Claude Code's `mcpServers`. */
export interface McpServerEntry {
  type: 'http';
  url: string;
  headers?: Record<string, string>;
  timeout: number;
}

/** The agent's name goes in a header, so every agent shares one URL; so does cco's token, if it has one. */
export function mcpServerEntry(url: string, agent?: string, token?: string): McpServerEntry {
  const headers = { ...(agent ? { [AGENT_HEADER]: agent } : {}), ...(token ? { Authorization: `Bearer ${token}` } : {}) };
  return { type: 'http', url, ...(Object.keys(headers).length ? { headers } : {}), timeout: CLAUDE_TOOL_TIMEOUT_MS };
}

/** A file (or string) for `claude --mcp-config`. */
export function mcpConfig(url: string, agent?: string, name = SERVER_NAME, token?: string): { mcpServers: Record<string, McpServerEntry> } {
  return { mcpServers: { [name]: mcpServerEntry(url, agent, token) } };
}

/**
 * The token `/mcp` requires, if any: CCO_TOKEN, else the config's `token`, else the running
 * server's when it was started with one (--token).
 */
export async function mcpToken(paths: CcoPaths = ccoPaths()): Promise<string | undefined> {
  if (process.env.CCO_TOKEN) return process.env.CCO_TOKEN;
  const { SettingsStore } = await import('../store/settings.js');
  try {
    const token = new SettingsStore(paths.configFile).read().token;
    if (token) return token;
  } catch {
    // A broken config: doctor reports it; the running server may still say.
  }
  const server = await runningServer(paths);
  return server?.mcpToken;
}

/** The running server, if its server file names a live process. */
export async function runningServer(paths: CcoPaths = ccoPaths()): Promise<ServerInfo | undefined> {
  const info = await readServerFile(paths.serverFile).catch(() => undefined);
  return info && processAlive(info.pid) ? info : undefined;
}

/** The configured port; a broken config file falls back to the default (doctor reports it). */
export async function configPort(paths: CcoPaths = ccoPaths()): Promise<number> {
  const { SettingsStore, DEFAULTS } = await import('../store/settings.js');
  try {
    return new SettingsStore(paths.configFile).read().port;
  } catch {
    return DEFAULTS.port;
  }
}

/** The URL to register: the running server's, else the configured port on loopback. */
export async function defaultMcpUrl(paths: CcoPaths = ccoPaths()): Promise<string> {
  const server = await runningServer(paths);
  return server?.mcpUrl ?? `http://127.0.0.1:${await configPort(paths)}/mcp`;
}

/** Where `name` would run from on PATH, like `command -v`. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function requireClaude(): string {
  const claude = findExecutable('claude');
  if (!claude) throw new UserError(`The \`claude\` command is not on PATH. ${INSTALL_CLAUDE}`);
  return claude;
}

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to the end and collect its output (`claude mcp list` connects to every server: give it time). */
export async function runCaptured(file: string, args: string[], timeoutMs = 60_000): Promise<Captured> {
  // Loaded here, not at start-up: child_process brings net and dgram, a cost every command would pay.
  const { execFile } = await import('node:child_process');
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 4 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      const extra = error && typeof error.code !== 'number' ? `\n${error.message}` : '';
      resolve({ code, stdout: String(stdout), stderr: String(stderr) + extra });
    });
  });
}

/** Quote one argument for a POSIX shell, only when it needs it. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
