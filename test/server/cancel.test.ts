import type { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, it } from 'vitest';
import { askApproval, mcpHeaders, rawInitialize, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

describe('a call whose client goes away leaves the queue', () => {
  it('client aborts callTool (notifications/cancelled) → cancelled, not pending', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const ac = new AbortController();
    const result = askApproval(client, 'Bash', { command: 'sleep 100' }, { signal: ac.signal });
    const rejected = expect(result).rejects.toThrow();
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    ac.abort('the user pressed Esc');
    await rejected;
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave pending');
    const snap = t.broker.snapshot();
    expect(snap.recent[0]!.call.input).toEqual({ command: 'sleep 100' });
    expect(snap.recent[0]!.decision.decidedBy).toBe('cancelled');
    expect(snap.counts).toEqual({ allowed: 0, denied: 0, timedOut: 0, cancelled: 1 });
    // The session survives: a new call on it still works.
    const next = askApproval(client, 'Bash', { command: 'true' });
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the next call to be pending');
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect((await next).isError).toBeFalsy();
  });

  it('the HTTP connection of a tools/call closes without a cancel (as Claude Code does) → cancelled, not pending', async () => {
    const t = await h.start();
    const sessionId = await rawInitialize(t.server.mcpUrl);
    const ac = new AbortController();
    const res = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(sessionId),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: {
          name: 'approval_prompt',
          arguments: { tool_name: 'Bash', input: { command: 'echo x > out.txt' }, tool_use_id: 'toolu_gone' },
          _meta: { 'claudecode/toolUseId': 'toolu_gone', progressToken: 2 },
        },
      }),
      signal: ac.signal,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    expect(t.broker.snapshot().pending[0]!.call).toMatchObject({ toolName: 'Bash', toolUseId: 'toolu_gone' });
    ac.abort();
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave pending');
    const snap = t.broker.snapshot();
    expect(snap.recent[0]!.call.toolUseId).toBe('toolu_gone');
    expect(snap.recent[0]!.decision.decidedBy).toBe('cancelled');
    expect(snap.counts.cancelled).toBe(1);
    expect(snap.counts.allowed).toBe(0);
    // An approval arriving after the agent left is refused, not applied.
    const late = await fetch(`${t.server.url}/api/pending/${snap.recent[0]!.id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t.token}` },
    });
    expect(late.status).toBe(409);
    expect(t.broker.snapshot().counts.allowed).toBe(0);
  });

  it('the client ends its session (DELETE) with a call pending → cancelled, session gone', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'make release' });
    result.catch(() => {});
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    expect(t.server.sessions()).toBe(1);
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave pending');
    expect(t.broker.snapshot().recent[0]!.decision.decidedBy).toBe('cancelled');
    expect(t.server.sessions()).toBe(0);
  });
});
