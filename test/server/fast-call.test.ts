/**
 * Calls a rule decides at once skip the SDK's per-request machinery (src/server/fast-call.ts).
 * What the client sees must not change: each request here goes to a server with the shortcut and
 * to one without, and the answers must match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/core/types.js';
import { readSse } from '../../src/client/sse.js';
import { askApproval, mcpHeaders, parseResult, testHarness, type TestServer } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

const policy: Policy = (call) =>
  call.toolName === 'Bash'
    ? { action: 'allow', decidedBy: 'rule:r1' }
    : call.toolName === 'Write'
      ? { action: 'deny', decidedBy: 'rule:r2', message: 'No writes here.' }
      : { action: 'ask', decidedBy: 'default' };

/** The handshake of a client without roots (nothing to wait for), over raw fetch. */
async function session(t: TestServer): Promise<string> {
  const init = await fetch(t.server.mcpUrl, {
    method: 'POST',
    headers: mcpHeaders(),
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'claude-code', version: '2.1.328' } },
    }),
  });
  await init.text();
  const sid = init.headers.get('mcp-session-id')!;
  const ack = await fetch(t.server.mcpUrl, {
    method: 'POST',
    headers: mcpHeaders(sid),
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(ack.status).toBe(202);
  return sid;
}

async function answer(t: TestServer, sid: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(t.server.mcpUrl, { method: 'POST', headers: { ...mcpHeaders(sid), ...headers }, body: JSON.stringify(body) });
  const type = res.headers.get('content-type') ?? '';
  const messages: unknown[] = [];
  if (type.startsWith('text/event-stream') && res.body) {
    for await (const e of readSse(res.body)) messages.push(JSON.parse(e.data));
  } else {
    const text = await res.text();
    if (text) messages.push(JSON.parse(text));
  }
  // The whole header map, but for what differs between any two answers (the date, this session's
  // id) and the framing (the shortcut sends a length, the SDK streams chunks), checked apart.
  const seen: Record<string, string> = {};
  res.headers.forEach((value, name) => (seen[name] = value));
  const session = seen['mcp-session-id'] === sid;
  const framedByLength = seen['content-length'] !== undefined;
  if (!framedByLength && type.startsWith('text/event-stream')) expect(seen['transfer-encoding']).toBe('chunked');
  for (const name of ['date', 'mcp-session-id', 'content-length', 'transfer-encoding']) delete seen[name];
  return { status: res.status, type, headers: seen, session, messages, framedByLength };
}

const call = (id: unknown, args: unknown, meta: Record<string, unknown> | undefined = { progressToken: 7 }) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'approval_prompt', arguments: args, ...(meta ? { _meta: meta } : {}) },
});

const bash = { tool_name: 'Bash', input: { command: 'npm test', description: 'Run tests' }, tool_use_id: 'toolu_1' };

describe('auto-decided calls answered without the SDK round', () => {
  it.each([
    ['an allow, as Claude Code sends it', call(2, bash, { 'claudecode/toolUseId': 'toolu_1', progressToken: 2 }), {}, true],
    ['a deny with its message', call(3, { tool_name: 'Write', input: { file_path: '/tmp/x', content: 'y' } }), {}, true],
    ['a string id, no _meta', call('a-1', bash, undefined), {}, true],
    ['an empty tool name (the SDK answers a tool error)', call(4, { ...bash, tool_name: '' }), {}, false],
    ['input that is an array', call(5, { tool_name: 'Bash', input: ['x'] }), {}, false],
    ['a tool_use_id that is a number', call(6, { ...bash, tool_use_id: 9 }), {}, false],
    ['another tool', { ...call(7, bash), params: { name: 'other', arguments: bash } }, {}, false],
    ['a fractional id', call(1.5, bash), {}, false],
    ['an unknown _meta key', call(8, bash, { progressToken: 8, 'x/y': 1 }), {}, false],
    ['an unsupported protocol version header', call(9, bash), { 'mcp-protocol-version': '1999-01-01' }, false],
    ['Accept without text/event-stream', call(10, bash), { accept: 'application/json' }, false],
    ['a text/plain body', call(11, bash), { 'content-type': 'text/plain' }, false],
    ['a batch', [call(12, bash)], {}, false],
  ])('%s: the same answer both ways', async (_name, body, headers, shortcut) => {
    const fast = await h.start({ policy, fastCalls: true });
    const sdk = await h.start({ policy, fastCalls: false });
    const a = await answer(fast, await session(fast), body, headers);
    const b = await answer(sdk, await session(sdk), body, headers);
    expect(a.messages.length).toBeGreaterThan(0);
    expect({ ...a, framedByLength: undefined }).toEqual({ ...b, framedByLength: undefined });
    // The shortcut writes the whole stream at once (Content-Length); the SDK streams it in chunks.
    if (a.type.startsWith('text/event-stream')) expect(a.framedByLength).toBe(shortcut);
    else expect(shortcut).toBe(false);
  });

  it('is audited like any call: a request and a decision event, decided by the rule', async () => {
    const t = await h.start({ policy });
    const events: string[] = [];
    t.broker.onEvent((e) => events.push(e.type === 'request' ? `request auto=${e.autoDecided}` : `decision ${e.decision.decidedBy}`));
    const sid = await session(t);
    const r = await answer(t, sid, call(2, bash));
    expect(r.framedByLength).toBe(true);
    expect(events).toEqual(['request auto=true', 'decision rule:r1']);
    const [decided] = t.broker.snapshot().recent;
    expect(decided?.call).toMatchObject({ toolName: 'Bash', toolUseId: 'toolu_1', agent: { sessionId: sid, client: { name: 'claude-code' } } });
  });

  it('a call that waits still goes through the SDK: progress, then the decision', async () => {
    const t = await h.start({ policy, progressIntervalMs: 50 });
    const client = await h.client(t.server.mcpUrl);
    const progress: number[] = [];
    const pending = askApproval(client, 'Read', { file_path: '/etc/hosts' }, { onprogress: (p) => progress.push(p.progress) });
    await expect.poll(() => progress.length).toBeGreaterThan(0);
    const [p] = t.broker.snapshot().pending;
    t.broker.decide(p!.id, { behavior: 'allow' });
    expect(parseResult(await pending)).toEqual({ behavior: 'allow', updatedInput: { file_path: '/etc/hosts' } });
    // And the SDK client takes the shortcut's answers as well.
    expect(parseResult(await askApproval(client, 'Bash', { command: 'ls' }))).toEqual({ behavior: 'allow', updatedInput: { command: 'ls' } });
    expect(parseResult(await askApproval(client, 'Write', { file_path: '/x' }))).toEqual({ behavior: 'deny', message: 'No writes here.' });
  });
});

describe('a call id reused while its call waits', () => {
  it('is refused, so the waiting call’s decision never answers another call', async () => {
    const { rawInitialize, waitFor } = await import('../helpers/server.js');
    const t = await h.start({ policy: () => ({ action: 'ask', decidedBy: 'default' }) });
    const sid = await rawInitialize(t.server.mcpUrl, {}, {});
    const call = (command: string) =>
      fetch(t.server.mcpUrl, {
        method: 'POST',
        headers: mcpHeaders(sid),
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 7,
          method: 'tools/call',
          params: { name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command } } },
        }),
      });
    const first = call('rm -rf /important');
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    const second = await call('ls');
    expect(second.status).toBe(400);
    expect(await second.text()).toMatch(/already in use/);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect(await (await first).text()).toContain('allow');
    // Once answered, the id may be used again.
    const again = call('ls');
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'no' });
    expect(await (await again).text()).toContain('deny');
  });
});
