import { afterEach, describe, expect, it } from 'vitest';
import { askApproval, mcpHeaders, parseResult, sessionIdOf, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

describe('agent identity', () => {
  it('/mcp/<name> and X-CCO-Agent name the agent; clientInfo names the client', async () => {
    const t = await h.start();
    const frontend = await h.client(`${t.server.url}/mcp/frontend`);
    const backend = await h.client(t.server.mcpUrl, { headers: { 'X-CCO-Agent': 'backend' } });
    const anonymous = await h.client(t.server.mcpUrl);
    const queried = await h.client(`${t.server.mcpUrl}?agent=worker-2`);
    const viaQuery = askApproval(queried, 'Bash', { command: 'query > log' });
    const calls = [
      askApproval(frontend, 'Edit', { file_path: '/src/app.tsx', old_string: 'a', new_string: 'b', replace_all: false }),
      askApproval(backend, 'Bash', { command: 'migrate > log' }),
      askApproval(anonymous, 'Bash', { command: 'anon > log' }),
    ];
    await waitFor(() => t.broker.snapshot().pending.length === 4, 5000, 'four pending calls');
    const byTool = (pred: (input: Record<string, unknown>) => boolean) => t.broker.snapshot().pending.find((p) => pred(p.call.input))!;
    const f = byTool((i) => i.file_path === '/src/app.tsx');
    const b = byTool((i) => i.command === 'migrate > log');
    const a = byTool((i) => i.command === 'anon > log');
    const q = byTool((i) => i.command === 'query > log');
    expect(q.call.agent).toMatchObject({ name: 'worker-2', sessionId: sessionIdOf(queried) });
    t.broker.decide(q.id, { behavior: 'allow' });
    expect(parseResult(await viaQuery)).toEqual({ behavior: 'allow', updatedInput: { command: 'query > log' } });
    expect(f.call.agent).toEqual({ name: 'frontend', sessionId: sessionIdOf(frontend), client: { name: 'test-agent', version: '1.0.0' } });
    expect(b.call.agent).toEqual({ name: 'backend', sessionId: sessionIdOf(backend), client: { name: 'test-agent', version: '1.0.0' } });
    expect(a.call.agent).toEqual({ sessionId: sessionIdOf(anonymous), client: { name: 'test-agent', version: '1.0.0' } });
    expect(new Set([f, b, a].map((p) => p.call.agent!.sessionId)).size).toBe(3);

    // The decision API shows the same identity.
    const res = await fetch(`${t.server.url}/api/pending`, { headers: { authorization: `Bearer ${t.token}` } });
    const listed = ((await res.json()) as { pending: Array<{ id: string; agent: { name?: string } }> }).pending;
    expect(listed.find((p) => p.id === f.id)!.agent.name).toBe('frontend');
    expect(listed.find((p) => p.id === b.id)!.agent.name).toBe('backend');

    for (const p of [f, b, a]) t.broker.decide(p.id, { behavior: 'deny', message: `no ${p.id}` });
    const payloads = (await Promise.all(calls)).map(parseResult);
    expect(payloads).toEqual([f, b, a].map((p) => ({ behavior: 'deny', message: `no ${p.id}` })));
  });

  it('an invalid agent name is refused with a JSON-RPC error and no session', async () => {
    const t = await h.start();
    const res = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(undefined, { 'x-cco-agent': '../../etc' }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32600 } });
    expect(t.server.sessions()).toBe(0);
  });
});
