import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The MCP server names Claude Code has registered, as far as its files say: user scope
 * (`mcpServers` in `~/.claude.json`, or `$CLAUDE_CONFIG_DIR/.claude.json`), local scope (that
 * file's `projects[<cwd>].mcpServers`) and project scope (`.mcp.json` in `cwd`). A missing or
 * unreadable file adds nothing: the names only sharpen rule warnings.
 */
export function claudeMcpServerNames(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env, home = homedir()): string[] {
  const names = new Set<string>();
  const add = (servers: unknown) => {
    if (typeof servers === 'object' && servers !== null && !Array.isArray(servers)) for (const name of Object.keys(servers)) names.add(name);
  };
  const dir = resolve(cwd);
  const user = readJson(join(env.CLAUDE_CONFIG_DIR || home, '.claude.json'));
  if (user) {
    add(user.mcpServers);
    const projects = user.projects;
    if (typeof projects === 'object' && projects !== null && Object.hasOwn(projects, dir))
      add((projects as Record<string, { mcpServers?: unknown }>)[dir]?.mcpServers);
  }
  add(readJson(join(dir, '.mcp.json'))?.mcpServers);
  return [...names];
}

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
