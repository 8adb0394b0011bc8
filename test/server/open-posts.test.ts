/**
 * The routes' order of checks and shutdown's wait for answers, on a real server (port 0): an agent
 * name is checked before anything else, and stopping writes every waiting answer (hook and /mcp)
 * before the connections close.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { askApproval, mcpHeaders, parseResult, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

const hookBody = {
  session_id: 's1',
  transcript_path: '/tmp/t.jsonl',
  cwd: '/tmp',
  hook_event_name: 'PermissionRequest',
  tool_name: 'Bash',
  tool_input: { command: 'git push' },
};

describe('route order and shutdown', () => {
  it('a bad agent name in the /mcp path is refused (400, JSON-RPC) before its unknown session is looked up', async () => {
    const t = await h.start();
    const res = await fetch(`${t.server.url}/mcp/..%2Fetc`, {
      method: 'POST',
      headers: mcpHeaders('no-such-session'),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
  });

  it('a bad agent name on the hook path is refused before the broker sees the call', async () => {
    const t = await h.start();
    const res = await fetch(`${t.server.url}/hooks/claude/permission-request/bad%20name`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hookBody),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { code: 'bad_agent' } });
    expect(t.broker.snapshot().pending).toHaveLength(0);
  });

  it("stopping answers a waiting hook question and a waiting /mcp call with cco's denial before closing", async () => {
    const t = await h.start();
    const hook = fetch(`${t.server.url}/hooks/claude/permission-request`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(hookBody),
    });
    const client = await h.client(t.server.mcpUrl);
    const mcp = askApproval(client, 'Bash', { command: 'npm publish' });
    await waitFor(() => t.broker.snapshot().pending.length === 2, 5000, 'both calls waiting');
    await t.close();
    const hookAnswer = (await (await hook).json()) as { hookSpecificOutput?: { decision?: { behavior?: string } } };
    expect(hookAnswer.hookSpecificOutput?.decision?.behavior).toBe('deny');
    expect(parseResult(await mcp)).toMatchObject({ behavior: 'deny' });
  });
});
