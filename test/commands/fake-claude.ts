/**
 * A fake `claude` on PATH for the Claude Code integration commands: it records every argv (one
 * JSON line in argv.jsonl) and answers `mcp get|list|add-json` from state.json, in the output
 * format of the real CLI (Claude Code 2.1.332, checked by `npm run test:claude`). Any other
 * invocation (what `cco run` starts) exits with state.exitCode.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { onTestFinished } from 'vitest';
import { cco } from './cco-process.js';

export interface FakeServer {
  scope: 'user' | 'project' | 'local';
  config: { type: string; url: string; headers?: Record<string, string>; timeout?: number };
}
export interface FakeState {
  servers: Record<string, FakeServer>;
  exitCode?: number;
  /** What `mcp list` and `mcp get` say of each server's status (default "✔ Connected"). */
  status?: string;
  /** Make `mcp add-json` fail with this message. */
  failAdd?: string;
  /** The same names in other scopes (Claude Code keeps one per scope; `mcp get` shows `servers`' one). */
  otherScopes?: Record<string, FakeServer[]>;
}

const SCRIPT = `
const fs = require('fs'), path = require('path');
const dir = __dirname, stateFile = path.join(dir, 'state.json');
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'argv.jsonl'), JSON.stringify(args) + '\\n');
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const save = () => fs.writeFileSync(stateFile, JSON.stringify(state));
const scopes = { user: 'User config (available in all your projects)', project: 'Project config (shared via .mcp.json)', local: 'Local config (private to you in this project)' };
if (args[0] === 'mcp') {
  const [, sub, ...rest] = args;
  if (sub === 'get') {
    const s = state.servers[rest[0]];
    if (!s) {
      const names = Object.keys(state.servers);
      process.stderr.write('No MCP server named "' + rest[0] + '". ' + (names.length ? 'Configured servers: ' + names.join(', ') : 'Run \`claude mcp add\` to add one.') + '\\n');
      process.exit(1);
    }
    let out = rest[0] + ':\\n  Scope: ' + scopes[s.scope] + '\\n  Status: ' + (state.status || '✔ Connected') + '\\n  Type: ' + s.config.type + '\\n  URL: ' + s.config.url + '\\n';
    if (s.config.headers) { out += '  Headers:\\n'; for (const [k, v] of Object.entries(s.config.headers)) out += '    ' + k + ': ' + v + '\\n'; }
    if (s.config.timeout !== undefined) out += '  Timeout: ' + s.config.timeout + 'ms\\n';
    out += '\\nTo remove this server, run: claude mcp remove ' + rest[0] + ' -s ' + s.scope + '\\n';
    process.stdout.write(out); process.exit(0);
  }
  if (sub === 'list') {
    let out = 'Checking MCP server health…\\n\\n';
    for (const [name, s] of Object.entries(state.servers)) out += name + ': ' + s.config.url + ' (HTTP) - ' + (state.status || '✔ Connected') + '\\n';
    process.stdout.write(out); process.exit(0);
  }
  if (sub === 'add-json') {
    if (state.failAdd) { process.stderr.write(state.failAdd + '\\n'); process.exit(1); }
    const i = rest.indexOf('-s'); const scope = i >= 0 ? rest.splice(i, 2)[1] : 'local';
    const [name, json] = rest;
    const others = (state.otherScopes = state.otherScopes || {})[name] || [];
    if ((state.servers[name] && state.servers[name].scope === scope) || others.some((o) => o.scope === scope)) { process.stderr.write('MCP server ' + name + ' already exists in ' + scope + ' config\\n'); process.exit(1); }
    if (state.servers[name]) { others.push({ scope, config: JSON.parse(json) }); state.otherScopes[name] = others; }
    else state.servers[name] = { scope, config: JSON.parse(json) };
    save();
    process.stdout.write('Added http MCP server ' + name + ' to ' + scope + ' config\\n'); process.exit(0);
  }
  if (sub === 'remove') {
    const i = rest.indexOf('-s'); const scope = i >= 0 ? rest.splice(i, 2)[1] : undefined;
    const name = rest[0];
    const others = (state.otherScopes || {})[name] || [];
    if (state.servers[name] && (!scope || state.servers[name].scope === scope)) {
      delete state.servers[name];
      if (others.length) state.servers[name] = others.shift();
    } else if (others.some((o) => o.scope === scope)) state.otherScopes[name] = others.filter((o) => o.scope !== scope);
    else { process.stderr.write('No ' + (scope || '') + ' MCP server found with name: ' + name + '\\n'); process.exit(1); }
    save();
    process.stdout.write('Removed MCP server ' + name + ' from ' + (scope || 'local') + ' config\\n'); process.exit(0);
  }
  process.stderr.write('fake claude: unknown mcp command\\n'); process.exit(2);
}
process.exit(state.exitCode || 0);
`;

export interface FakeClaude {
  dir: string;
  /** PATH with the fake first. */
  path: string;
  argv(): string[][];
  state(): FakeState;
  setState(state: FakeState): void;
}

export function fakeClaude(state: FakeState = { servers: {} }): FakeClaude {
  const dir = mkdtempSync(join(tmpdir(), 'cco-fake-claude-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'claude');
  writeFileSync(file, `#!${process.execPath}\n${SCRIPT}`);
  chmodSync(file, 0o755);
  const fake: FakeClaude = {
    dir,
    path: `${dir}${delimiter}${process.env.PATH ?? ''}`,
    argv: () =>
      existsSync(join(dir, 'argv.jsonl'))
        ? readFileSync(join(dir, 'argv.jsonl'), 'utf8')
            .trim()
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as string[])
        : [],
    state: () => JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as FakeState,
    setState: (s) => writeFileSync(join(dir, 'state.json'), JSON.stringify(s)),
  };
  fake.setState(state);
  return fake;
}

/** Set PATH for one test (in process); restored when the test ends. */
export function usePath(path: string): void {
  const saved = process.env.PATH;
  process.env.PATH = path;
  onTestFinished(() => void (process.env.PATH = saved));
}

/** An empty folder to use as PATH: no `claude` anywhere. */
export function emptyPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-empty-path-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Run the built binary with its own CCO_HOME, PATH, HOME and cwd. */
export function ccoWith(
  args: string[],
  opts: { home: string; path: string; userHome?: string; cwd?: string },
  timeoutMs = 20_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return cco(args, opts.home, timeoutMs, {
    env: { PATH: opts.path, ...(opts.userHome ? { HOME: opts.userHome } : {}) },
    cwd: opts.cwd ?? opts.home,
  }).then(({ code, stdout, stderr }) => ({ code, stdout, stderr }));
}
