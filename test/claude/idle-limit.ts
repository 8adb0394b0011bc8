/**
 * Shared by the idle-limit tests: Claude Code's idle limit shortened to 2 s
 * (CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT) and cco registered without a per-server `timeout` (which
 * would raise the idle limit to it), as a hand registration is. Claude checks the limit on a
 * watchdog tick of about 30 s, so a silent call dies at the first tick after the limit.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { PRINT, until, type Claude, type World } from './harness.js';
import type { Step } from './fake-anthropic.js';

export const IDLE_MS = 2000;
/** Longer than Claude's watchdog tick (about 30 s), at which a silent call is aborted. */
export const WAIT_MS = 40_000;

export const script: Step[] = [{ tool: 'Bash', input: { command: 'echo late > late.txt', description: 'Write a file' } }];

/** `claude -p` with cco as a hand registration would give it: its URL, no per-server timeout. */
export function startClaude(w: World) {
  const config = JSON.stringify({ mcpServers: { cco: { type: 'http', url: w.cco!.info.mcpUrl } } });
  return w.claude(['-p', 'write late.txt', ...PRINT, '--mcp-config', config, '--permission-prompt-tool', 'mcp__cco__approval_prompt'], {
    env: { CLAUDE_CODE_MCP_TOOL_IDLE_TIMEOUT: String(IDLE_MS) },
  });
}

/**
 * Wait until the call has been pending longer than Claude's watchdog tick, approve it, and check
 * that Claude ran the command: the wait survived.
 */
export async function outliveIdleLimitThenApprove(w: World, claude: Claude): Promise<void> {
  const call = await until(
    async () => (await w.pending())[0],
    () => `the call to reach cco; claude said: ${claude.output()}`,
  );
  const since = Date.now();
  await until(async () => Date.now() - since > WAIT_MS && (await w.pending()).length === 1, 'the call to outlive the idle limit', WAIT_MS + 20_000, 500);
  await w.decide(call.id, 'approve');
  const run = await claude.done;
  expect(run.code, run.stderr).toBe(0);
  expect(existsSync(join(w.work, 'late.txt'))).toBe(true);
  expect(w.api.results).toEqual([expect.objectContaining({ isError: false })]);
  expect(w.api.escaped).toEqual([]);
}
