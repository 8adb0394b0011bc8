/**
 * `cco setup` and `cco doctor` against the real `claude mcp add-json / get / list`, in each scope,
 * then an agent started by plain `claude -p` that finds cco through that registration alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, until, type World } from './harness.js';

const SCOPE_LABEL = { user: 'User config', project: 'Project config', local: 'Local config' } as const;
type Scope = keyof typeof SCOPE_LABEL;

/** Where Claude Code keeps a registration of each scope. */
function registered(w: World, scope: Scope): unknown {
  type Servers = { mcpServers?: Record<string, unknown> };
  type ClaudeFile = Servers & { projects?: Record<string, Servers> };
  const read = (file: string): ClaudeFile => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ClaudeFile) : {});
  const claudeJson = read(join(w.env.CLAUDE_CONFIG_DIR!, '.claude.json'));
  if (scope === 'user') return claudeJson.mcpServers?.cco;
  if (scope === 'project') return read(join(w.work, '.mcp.json')).mcpServers?.cco;
  return claudeJson.projects?.[w.work]?.mcpServers?.cco;
}

describe('cco setup and cco doctor with the real claude CLI', () => {
  it.each(['user', 'project', 'local'] as const)(
    'setup -s %s: registered once with its timeout, re-running changes nothing, another agent name replaces it, doctor agrees, claude -p reaches cco',
    async (scope) => {
      const w = await createWorld([{ tool: 'Bash', input: { command: `echo ${scope} > registered.txt`, description: 'Write a file' } }]);
      const { mcpUrl } = (await w.serve()).info;

      const before = await w.ccoRun('doctor');
      expect(before.code).toBe(1);
      expect(before.stdout).toContain('✗ Claude Code has no MCP server named "cco".');

      const first = await w.ccoRun('setup', '-s', scope, '--agent', 'reg');
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toContain(`Registered cco with Claude Code as "cco" (${scope} scope): ${mcpUrl}, agent reg.`);
      const entry = { type: 'http', url: mcpUrl, headers: { 'X-CCO-Agent': 'reg' }, timeout: 90_000_000 };
      expect(registered(w, scope)).toEqual(entry);

      const get = await w.claude(['mcp', 'get', 'cco']).done;
      expect(get.code, get.stderr).toBe(0);
      expect(get.stdout).toContain(`Scope: ${SCOPE_LABEL[scope]}`);
      expect(get.stdout).toContain(`URL: ${mcpUrl}`);
      expect(get.stdout).toContain('X-CCO-Agent: reg');
      expect(get.stdout).toContain('Timeout: 90000000ms');

      const again = await w.ccoRun('setup', '-s', scope, '--agent', 'reg');
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toContain('nothing changed');

      // Another agent name replaces cco's own registration in that scope, through the real
      // `claude mcp remove` and `add-json`, and says what changed; then back to `reg`.
      const other = await w.ccoRun('setup', '-s', scope, '--agent', 'other');
      expect(other.code, other.stderr).toBe(0);
      expect(other.stdout).toContain(
        `Replaced cco's earlier registration in the ${scope} scope:\n  - ${mcpUrl}, agent reg, timeout 90000000 ms\n  + ${mcpUrl}, agent other`,
      );
      expect(registered(w, scope)).toEqual({ ...entry, headers: { 'X-CCO-Agent': 'other' } });
      expect((await w.ccoRun('setup', '-s', scope, '--agent', 'reg')).code).toBe(0);
      expect(registered(w, scope)).toEqual(entry);

      const after = await w.ccoRun('doctor');
      expect(after.stdout).toContain(`✓ Claude Code knows "cco" at ${mcpUrl}`);
      if (scope === 'project') expect(after.stdout).toContain('`claude -p` uses it as it is');
      expect(after.code, after.stdout).toBe(0);

      // No --mcp-config: the registration alone brings cco in, with its agent name.
      const claude = w.claude(['-p', 'write registered.txt', ...PRINT, '--permission-prompt-tool', 'mcp__cco__approval_prompt']);
      const call = await until(
        async () => (await w.pending())[0],
        () => `the call to reach cco; claude said: ${claude.output()}`,
      );
      expect(call).toMatchObject({ toolName: 'Bash', agentLabel: 'reg', agent: { name: 'reg', cwd: w.work } });
      await w.decide(call.id, 'approve');
      const run = await claude.done;

      expect(run.code, run.stderr).toBe(0);
      expect(readFileSync(join(w.work, 'registered.txt'), 'utf8')).toBe(`${scope}\n`);
      expect(w.api.escaped).toEqual([]);
    },
  );
});
