import { afterEach, describe, expect, it } from 'vitest';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { eventLine } from '../../src/app/headless.js';
import type { BrokerEvent, ToolCall } from '../../src/core/types.js';
import { summarizeInput } from '../../src/core/summary.js';
import { MAX_INPUT_DEPTH } from '../../src/server/approval-call.js';
import stringWidth from 'string-width';
import { detailLines, isComplete, MAX_DETAIL_CHARS, MAX_DETAIL_LINES, wrapDetail } from '../../src/tui/detail-lines.js';
import type { TestServer } from '../helpers/server.js';
import { mcpHeaders, rawInitialize, sseEvents, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

// C0/C1 controls, DEL, bidi marks/overrides/isolates, line and paragraph separators.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

const nothingAllowed = (t: TestServer) => {
  expect(t.broker.snapshot().counts.allowed).toBe(0);
  expect(t.broker.snapshot().recent.filter((d) => d.decision.behavior === 'allow')).toHaveLength(0);
};

/** POST one message on a session and read the JSON-RPC answer, whether sent as JSON or as SSE. */
async function rpc(
  url: string,
  sid: string | undefined,
  body: string,
): Promise<{ status: number; error?: { code: number; message: string }; result?: unknown }> {
  const res = await fetch(url, { method: 'POST', headers: mcpHeaders(sid), body });
  if ((res.headers.get('content-type') ?? '').includes('text/event-stream')) {
    for await (const e of sseEvents(res)) {
      const msg = JSON.parse(e.data) as { id?: unknown; error?: { code: number; message: string }; result?: unknown };
      if (msg.id !== undefined && (msg.error || msg.result)) return { status: res.status, ...msg };
    }
    return { status: res.status };
  }
  const text = await res.text();
  return { status: res.status, ...(text ? (JSON.parse(text) as object) : {}) };
}

const call = (args: unknown, name: unknown = 'approval_prompt', id = 7) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: { progressToken: id } } });

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('hostile input never crashes cco and never yields an allow', () => {
  it.each([
    ['tool_name a number', call({ tool_name: 42, input: { command: 'rm -rf /' } })],
    ['input a string', call({ tool_name: 'Bash', input: 'rm -rf /' })],
    ['input an array', call({ tool_name: 'Bash', input: ['rm', '-rf', '/'] })],
    ['input missing', call({ tool_name: 'Bash' })],
    ['empty tool_name', call({ tool_name: '', input: { command: 'rm -rf /' } })],
    ['tool_use_id a number', call({ tool_name: 'Bash', input: { command: 'rm -rf /' }, tool_use_id: 7 })],
    ['arguments an array', call([{ tool_name: 'Bash', input: {} }])],
    ['params.name a number', call({ tool_name: 'Bash', input: {} }, 5)],
    ['an unknown tool', call({ tool_name: 'Bash', input: {} }, 'approve_everything')],
    ['params a string', JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: 'approval_prompt' })],
    [
      `input nested deeper than ${MAX_INPUT_DEPTH}`,
      `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"approval_prompt","arguments":{"tool_name":"Bash","input":{"x":${nested(MAX_INPUT_DEPTH + 1)}}}}}`,
    ],
    [
      'input nested 200,000 deep',
      `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"approval_prompt","arguments":{"tool_name":"Bash","input":{"x":${nested(200_000)}}}}}`,
    ],
  ])('tools/call with %s → JSON-RPC invalid params (-32602), nothing pending', async (_name, body) => {
    const t = await h.start();
    const sid = await rawInitialize(t.server.mcpUrl);
    const r = await rpc(t.server.mcpUrl, sid, body);
    // Params that are not an object never reach the SDK: 400; the rest are answered on the session: 200.
    expect(r.status).toBe(body.includes('"params":"') ? 400 : 200);
    expect(r.error?.code, JSON.stringify(r)).toBe(-32602);
    expect(r.result).toBeUndefined();
    expect(t.broker.snapshot().pending).toHaveLength(0);
    expect(t.broker.snapshot().recent).toHaveLength(0);
    // The server is still answering, the session too.
    expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
    expect((await rpc(t.server.mcpUrl, sid, JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/list' }))).result).toBeDefined();
  });

  it('with an allow-everything policy (the fast path for calls decided at once), too-deep input is still -32602, never an allow', async () => {
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:all' }) });
    // No roots capability: nothing to wait for, so calls decided at once take the fast path.
    const sid = await rawInitialize(t.server.mcpUrl, {}, {});
    const ok = await rpc(t.server.mcpUrl, sid, call({ tool_name: 'Bash', input: { command: 'ls' } }, 'approval_prompt', 8));
    expect(ok.result).toBeDefined();
    const deep = `{"jsonrpc":"2.0","id":9,"method":"tools/call","params":{"name":"approval_prompt","arguments":{"tool_name":"Bash","input":{"x":${nested(MAX_INPUT_DEPTH + 1)}}}}}`;
    const r = await rpc(t.server.mcpUrl, sid, deep);
    expect(r.error?.code, JSON.stringify(r)).toBe(-32602);
    expect(t.broker.snapshot().counts.allowed).toBe(1);
  });

  it('input nested exactly the limit deep is accepted and waits for a person', async () => {
    const t = await h.start();
    const sid = await rawInitialize(t.server.mcpUrl);
    const body = `{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"approval_prompt","arguments":{"tool_name":"Bash","input":{"x":${nested(MAX_INPUT_DEPTH - 1)}}}}}`;
    void rpc(t.server.mcpUrl, sid, body).catch(() => {});
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    nothingAllowed(t);
  });

  it('the SDK client sees the same -32602 as an McpError, not a tool result', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const e = await client.callTool({ name: 'approval_prompt', arguments: { tool_name: 42, input: {} } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(McpError);
    expect((e as McpError).code).toBe(-32602);
    expect((e as McpError).message).toMatch(/tool_name/);
    nothingAllowed(t);
  });

  it.each([
    ['a body over 1 MiB', 413, -32600, (_sid: string) => call({ tool_name: 'Bash', input: { command: 'x'.repeat(1024 * 1024) } }), true],
    ['invalid JSON', 400, -32700, () => '{"jsonrpc":"2.0","id":1,"method":"tools/call",', true],
    ['an unknown session', 404, -32001, () => call({ tool_name: 'Bash', input: { command: 'ls' } }), false],
    ['a whole body nested 300,000 deep', 400, -32700, () => nested(300_000), true],
  ])('%s → HTTP %i with JSON-RPC error %i; nothing pending', async (_name, status, code, body, withSession) => {
    const t = await h.start();
    const sid = withSession ? await rawInitialize(t.server.mcpUrl) : 'no-such-session';
    const r = await rpc(t.server.mcpUrl, sid, body(sid));
    expect(r.status).toBe(status);
    expect(r.error?.code).toBe(code);
    expect(t.broker.snapshot().pending).toHaveLength(0);
    nothingAllowed(t);
    expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
  });
});

describe('enormous and odd inputs stay bounded and escaped on screen', () => {
  const hostile = '\u001b]0;owned\u0007\u001b[2J\u001b[31mrm -rf ~\u202e\u2066txt.exe\u0085\u2028next\r\n\u0000';

  it('a 900 KB command waits normally; its summary in the API is one short line', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const command = `${hostile}${'A'.repeat(900_000)}`;
    const result = client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command } } });
    result.catch(() => {});
    await waitFor(() => t.broker.snapshot().pending.length === 1, 10_000, 'the call to be pending');
    const res = await fetch(`${t.server.url}/api/pending`, { headers: { authorization: `Bearer ${t.token}` } });
    const [p] = ((await res.json()) as { pending: Array<{ summary: string; input: { command: string } }> }).pending;
    expect(p!.input.command).toBe(command);
    expect(p!.summary.length).toBeLessThanOrEqual(200);
    expect(p!.summary).not.toMatch(UNSAFE);
    nothingAllowed(t);
  });

  it('console lines (cco serve, the detail pane) escape control and bidi characters and are bounded', () => {
    const calls: ToolCall[] = [
      { toolName: `Bash${hostile}`, input: { command: `${hostile}${'x'.repeat(500_000)}`, description: hostile }, agent: { client: { name: hostile } } },
      { toolName: 'Write', input: { file_path: `/tmp/${hostile}`, content: `${hostile}\n`.repeat(50_000) } },
      { toolName: 'mcp__x__y', input: { [hostile]: hostile, deep: JSON.parse(nested(60)) as unknown } },
      { toolName: 'Edit', input: { file_path: '/f', old_string: hostile.repeat(10_000), new_string: `${hostile}!`.repeat(10_000), replace_all: false } },
    ];
    for (const c of calls) {
      const e: BrokerEvent = { type: 'request', id: 'c1', call: c, at: 0, deadline: 1, autoDecided: false };
      const line = eventLine(e)!;
      expect(line).not.toMatch(UNSAFE);
      expect(line.length).toBeLessThan(400);
      expect(summarizeInput(c).length).toBeLessThanOrEqual(200);
      // Bounded by the detail's hard caps, and wrapped to the pane's width without cutting.
      const lines = detailLines(c);
      expect(lines.length).toBeLessThanOrEqual(MAX_DETAIL_LINES + 1);
      expect(lines.reduce((sum, l) => sum + l.text.length, 0)).toBeLessThanOrEqual(MAX_DETAIL_CHARS + 200);
      for (const l of wrapDetail(lines, 100)) {
        expect(l.text).not.toMatch(UNSAFE);
        expect(stringWidth(l.text)).toBeLessThanOrEqual(100);
      }
    }
  });

  it('an edit crafted to make the diff explode falls back to old and new text instead of holding the event loop', () => {
    // 20,000 short lines that all differ: the O(N·D) diff would run for many seconds.
    const before = Array.from({ length: 20_000 }, (_, i) => `l${i}`).join('\n');
    const after = Array.from({ length: 20_000 }, (_, i) => (i % 2 ? `l${i}` : `x${i}`)).join('\n');
    const lines = detailLines({ toolName: 'Edit', input: { file_path: '/f', old_string: before, new_string: after, replace_all: false } });
    expect(lines.some((l) => /diff too large to compute quickly/.test(l.text))).toBe(true);
    // Both sides whole: 20,000 lines each, nothing dropped.
    expect(lines.filter((l) => l.tone === 'remove')).toHaveLength(20_000);
    expect(lines.filter((l) => l.tone === 'add')).toHaveLength(20_000);
    expect(isComplete(lines)).toBe(true);
    expect(lines.find((l) => l.tone === 'remove')?.text).toBe('-l0');
    expect(lines.find((l) => l.tone === 'add')?.text).toBe('+x0');
  });
});
