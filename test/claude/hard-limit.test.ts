/**
 * Claude Code's hard limit for one call is the per-server `timeout` (else MCP_TOOL_TIMEOUT,
 * about 27.8 h), and progress does not extend it. A registration with a short one cuts a
 * person's wait: Claude gives up, cco takes the call off its queue, and the model reads Claude's
 * error, not cco's. This is why cco registers itself with a 24 h timeout.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, until } from './harness.js';

describe("Claude Code's hard limit (real Claude Code)", () => {
  it("a per-server timeout shorter than the wait ends the call on Claude's side, progress or not", async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'echo late > late.txt', description: 'Write a file' } }]);
    await w.serve('--progress-interval', '500ms');
    const config = JSON.stringify({ mcpServers: { cco: { type: 'http', url: w.cco!.info.mcpUrl, timeout: 3000 } } });
    const claude = w.claude(['-p', 'write late.txt', ...PRINT, '--mcp-config', config, '--permission-prompt-tool', 'mcp__cco__approval_prompt']);

    const decision = await until(
      () => w.audit().find((e) => e.event === 'decision'),
      () => `Claude to give up on the call; claude said: ${claude.output()}`,
      60_000,
      100,
    );
    const run = await claude.done;

    expect(decision).toMatchObject({ behavior: 'deny', decidedBy: 'cancelled' });
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'late.txt'))).toBe(false);
    expect(w.api.results).toHaveLength(1);
    expect(w.api.results[0]).toMatchObject({ isError: true });
    expect(w.api.results[0]!.content).toMatch(/MCP server "cco" tool "approval_prompt" timed out after 3s/);
    expect(w.api.escaped).toEqual([]);
  });
});
