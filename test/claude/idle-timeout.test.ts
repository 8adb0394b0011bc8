/**
 * cco's own registration (`cco mcp-config`, `cco setup`, `cco run`) carries a 24 h per-server
 * `timeout`, and Claude Code stretches its idle limit to that timeout: with the same shortened
 * idle limit as idle-control.test.ts and no progress within it, the wait still survives.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { PRINT, createWorld } from './harness.js';
import { IDLE_MS, outliveIdleLimitThenApprove, script } from './idle-limit.js';

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
    await outliveIdleLimitThenApprove(w, claude);
  });
});
