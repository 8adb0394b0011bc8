/**
 * cco's own registration (`cco mcp-config`, `cco setup`, `cco run`) carries a 24 h per-server
 * `timeout`, and Claude Code stretches its idle limit to that timeout: with the same shortened
 * idle limit as idle-control.test.ts and no progress within it, the wait still survives.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, until } from './harness.js';
import { IDLE_MS, WAIT_MS, script } from './idle-limit.js';

describe("Claude Code's idle limit with cco's registration (real Claude Code)", () => {
  it("the per-server timeout of cco's registration raises the idle limit: a silent wait survives", { timeout: 150_000 }, async () => {
    const w = await createWorld(script);
    await w.serve('--progress-interval', '200s');
    const config = await w.ccoRun('mcp-config');
    const configFile = join(w.ccoHome, 'mcp.json');
    writeFileSync(configFile, config.stdout);
    const claude = w.claude(['-p', 'write late.txt', ...PRINT, '--mcp-config', configFile, '--permission-prompt-tool', 'mcp__cco__approval_prompt'], {
      env: { CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT: String(IDLE_MS) },
    });
    const call = await until(async () => (await w.pending())[0], () => `the call to reach cco; claude said: ${claude.output()}`);
    const since = Date.now();
    await until(async () => Date.now() - since > WAIT_MS && (await w.pending()).length === 1, 'the call to outlive the idle limit', WAIT_MS + 20_000, 500);

    await w.decide(call.id, 'approve');
    const run = await claude.done;

    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(w.work, 'late.txt'))).toBe(true);
    expect(w.api.results).toEqual([expect.objectContaining({ isError: false })]);
    expect(w.api.escaped).toEqual([]);
  });
});
