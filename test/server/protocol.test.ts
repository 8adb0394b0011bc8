import { afterEach, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { mcpHeaders, rawInitialize, testHarness } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

type JsonRpcError = { jsonrpc: string; id: unknown; error: { code: number; message: string } };

async function jsonRpcError(res: Response): Promise<JsonRpcError> {
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  const body = (await res.json()) as JsonRpcError;
  expect(body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number), message: expect.any(String) } });
  expect(body.error.message).not.toBe('');
  return body;
}

const post = (url: string, body: string, headers: Record<string, string> = mcpHeaders()) => fetch(url, { method: 'POST', headers, body });

describe('protocol edges (raw HTTP)', () => {
  it('server/discover probe without a session → 4xx with a JSON-RPC error (Claude Code then falls back)', async () => {
    const t = await h.start();
    const res = await post(
      t.server.mcpUrl,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'server/discover', params: {} }),
      mcpHeaders(undefined, { 'mcp-protocol-version': '2026-07-28' }),
    );
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    const body = await jsonRpcError(res);
    expect(body.id).toBe(1);
    expect(t.server.sessions()).toBe(0);
    // The classic handshake still works afterwards.
    await rawInitialize(t.server.mcpUrl);
    expect(t.server.sessions()).toBe(1);
  });

  it('invalid JSON → 400 with JSON-RPC parse error -32700', async () => {
    const t = await h.start();
    const res = await post(t.server.mcpUrl, '{"jsonrpc":"2.0","id":1,"method":');
    expect(res.status).toBe(400);
    expect((await jsonRpcError(res)).error.code).toBe(-32700);
  });

  it('a body over 1 MiB → 413, with or without a declared length', async () => {
    const t = await h.start();
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(1024 * 1024) } });
    const declared = await post(t.server.mcpUrl, big);
    expect(declared.status).toBe(413);
    await jsonRpcError(declared);

    // Chunked: no content-length, so the server must count as it reads.
    const bytes = new TextEncoder().encode(big);
    const chunked = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(),
      body: new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 64 * 1024) controller.enqueue(bytes.subarray(i, i + 64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    expect(chunked.status).toBe(413);
    await jsonRpcError(chunked);
    expect(t.server.sessions()).toBe(0);
  });

  it('unknown mcp-session-id → 404 with a JSON-RPC error', async () => {
    const t = await h.start();
    const res = await post(
      t.server.mcpUrl,
      JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'tools/list' }),
      mcpHeaders('00000000-0000-4000-8000-000000000000'),
    );
    expect(res.status).toBe(404);
    await jsonRpcError(res);
  });

  it('a non-initialize request without a session → 400 with a JSON-RPC error', async () => {
    const t = await h.start();
    const res = await post(t.server.mcpUrl, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }));
    expect(res.status).toBe(400);
    await jsonRpcError(res);
    expect(t.server.sessions()).toBe(0);
  });

  it('tools/call with wrong argument types → an error, never an allow, nothing pending', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const bad: Array<Record<string, unknown>> = [
      { tool_name: 42, input: { command: 'rm -rf /' } },
      { tool_name: 'Bash', input: 'rm -rf /' },
      { tool_name: 'Bash' },
      { tool_name: '', input: { command: 'rm -rf /' } },
      { tool_name: 'Bash', input: ['rm', '-rf', '/'] },
      { tool_name: 'Bash', input: { command: 'rm -rf /' }, tool_use_id: 7 },
    ];
    for (const args of bad) {
      const outcome = await client.callTool({ name: 'approval_prompt', arguments: args }).then(
        (r) => ({ result: r }),
        (e: unknown) => ({ error: e }),
      );
      if ('error' in outcome) {
        expect(outcome.error, JSON.stringify(args)).toBeInstanceOf(McpError);
      } else {
        expect(outcome.result.isError, JSON.stringify(args)).toBe(true);
        expect(JSON.stringify(outcome.result)).not.toMatch(/"behavior\\?":\\?"allow/);
      }
      expect(t.broker.snapshot().pending).toHaveLength(0);
    }
    expect(t.broker.snapshot().counts).toEqual({ allowed: 0, denied: 0, timedOut: 0, cancelled: 0 });
    expect(t.broker.snapshot().recent).toHaveLength(0);
  });

  it('GET /health → 200 JSON', async () => {
    const t = await h.start();
    const res = await fetch(`${t.server.url}/health`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(await res.json()).toEqual({ ok: true, name: 'cco', version: '0.0.0-test', sessions: 0, pending: 0 });
  });
});
