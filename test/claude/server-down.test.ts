/**
 * cco not running: what Claude Code itself says (quoted in the README's Troubleshooting), and
 * `cco run` refusing before it starts claude.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld } from './harness.js';

describe('no cco server (real Claude Code)', () => {
  it('claude -p exits 1 with "MCP tool mcp__cco__approval_prompt … not found"; cco run refuses first', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo x > x.txt' } }]);
    const config = JSON.stringify({ mcpServers: { cco: { type: 'http', url: 'http://127.0.0.1:9/mcp' } } });

    const run = await w.claude(['-p', 'write x.txt', ...PRINT, '--mcp-config', config, '--permission-prompt-tool', 'mcp__cco__approval_prompt']).done;
    expect(run.code).toBe(1);
    expect(`${run.stdout}${run.stderr}`).toMatch(/MCP tool mcp__cco__approval_prompt .*not found/);
    // Claude may already have asked the model for a turn; no tool ran and no result went back.
    expect(existsSync(join(w.work, 'x.txt'))).toBe(false);
    expect(w.api.results).toEqual([]);

    const viaCco = await w.ccoRun('run', '--', '-p', 'write x.txt');
    expect(viaCco.code).toBe(1);
    expect(viaCco.stderr).toContain('No cco server is running');
    expect(w.api.escaped).toEqual([]);
  });
});
