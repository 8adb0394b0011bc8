/**
 * A session's handshake, its GET stream, the roots question and calls decided at once are served
 * without the SDK's per-session objects (src/server/lite-session.ts); the SDK takes a session over
 * when it needs more. The client must not see a difference: each exchange here runs against a
 * server with the lite route and one without (fastCalls: false), and the answers must match.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import { readSse } from '../../src/client/sse.js';
import { mcpHeaders, testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
const open: Array<AbortController> = [];
afterEach(async () => {
  for (const a of open.splice(0)) a.abort();
  await h.cleanup();
});

const policy = toPolicy(
  compileRules(
    [
      { id: 'r1', pattern: 'Bash(npm test)', action: 'allow' },
      { id: 'r2', pattern: 'Edit(./src/**)', action: 'allow' },
      { id: 'r3', pattern: 'Write', action: 'deny', message: 'No writes here.' },
    ],
    { homeDir: '/home/u', defaultAction: 'ask' },
  ),
);
const both = async () => [await h.start({ policy }), await h.start({ policy, fastCalls: false })] as const;

const init = (capabilities: Record<string, unknown> = {}, protocolVersion = '2025-11-25', extra: Record<string, unknown> = {}) => ({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion, capabilities, clientInfo: { name: 'claude-code', title: 'Claude Code', version: '2.1.328' }, ...extra },
});
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: number, tool: string, input: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'approval_prompt', arguments: { tool_name: tool, input, tool_use_id: `toolu_${id}` }, _meta: { progressToken: id } },
});

interface Seen {
  status: number;
  headers: Record<string, string>;
  session: boolean;
  messages: unknown[];
}

/** What a client sees of one answer: status, the header map (but for what differs between any two answers), the messages. */
async function seen(res: Response, sid: string | undefined): Promise<Seen> {
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const session = sid === undefined ? headers['mcp-session-id'] !== undefined : headers['mcp-session-id'] === sid;
  for (const k of ['date', 'mcp-session-id', 'content-length', 'transfer-encoding']) delete headers[k];
  const messages: unknown[] = [];
  if ((res.headers.get('content-type') ?? '').startsWith('text/event-stream') && res.body) {
    for await (const e of readSse(res.body)) messages.push(JSON.parse(e.data));
  } else {
    const text = await res.text();
    if (text) messages.push(JSON.parse(text));
  }
  return { status: res.status, headers, session, messages };
}

const post = (t: TestServer, body: unknown, sid?: string, headers: Record<string, string> = {}) =>
  fetch(t.server.mcpUrl, { method: 'POST', headers: { ...mcpHeaders(sid), ...headers }, body: JSON.stringify(body) });

/** initialize + initialized on a raw client; the session id. */
async function handshake(t: TestServer, capabilities: Record<string, unknown> = {}): Promise<string> {
  const res = await post(t, init(capabilities));
  await res.text();
  const sid = res.headers.get('mcp-session-id')!;
  expect((await post(t, initialized, sid)).status).toBe(202);
  return sid;
}

/** A stream's events, read one at a time. */
function events(res: Response) {
  const it = readSse(res.body!)[Symbol.asyncIterator]();
  return async () => {
    const n = await it.next();
    return n.done ? undefined : (JSON.parse(n.value.data) as Record<string, unknown>);
  };
}

describe('the handshake, answered the same with or without the SDK', () => {
  it.each([
    ['initialize as Claude Code sends it', init({ roots: { listChanged: true }, elicitation: {} })],
    ['an older protocol version', init({}, '2025-03-26')],
    ['an unknown protocol version (the latest is offered)', init({}, '2099-01-01')],
    [
      'initialize without clientInfo (the SDK refuses it)',
      { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {} } },
    ],
    ['initialize with an unknown top-level key', { ...init(), extra: 1 }],
    ['initialize in a batch', [init()]],
  ])('%s', async (_name, body) => {
    const [lite, sdk] = await both();
    expect(await seen(await post(lite, body), undefined)).toEqual(await seen(await post(sdk, body), undefined));
  });

  it.each([
    ['notifications/initialized', initialized],
    ['tools/list', { jsonrpc: '2.0', id: 1, method: 'tools/list' }],
    ['tools/list with a cursor and _meta', { jsonrpc: '2.0', id: 'l', method: 'tools/list', params: { cursor: 'x', _meta: {} } }],
    ['ping', { jsonrpc: '2.0', id: 2, method: 'ping' }],
    ['roots/list_changed', { jsonrpc: '2.0', method: 'notifications/roots/list_changed' }],
    ['an unknown method', { jsonrpc: '2.0', id: 3, method: 'resources/list' }],
    ['tools/list with params that are a string', { jsonrpc: '2.0', id: 4, method: 'tools/list', params: 'x' }],
    ['a response nobody asked for', { jsonrpc: '2.0', id: 77, result: { roots: [] } }],
    ['a call decided by a rule', call(5, 'Bash', { command: 'npm test' })],
    ['a call denied by a rule', call(6, 'Write', { file_path: '/tmp/x', content: 'y' })],
  ])('after initialize: %s', async (_name, body) => {
    const [lite, sdk] = await both();
    const a = await seen(await post(lite, body, await handshake(lite)), undefined);
    const b = await seen(await post(sdk, body, await handshake(sdk)), undefined);
    expect(a).toEqual(b);
  });

  it('the GET stream has the same headers, and DELETE ends the session the same way', async () => {
    const [lite, sdk] = await both();
    const results = [];
    for (const t of [lite, sdk]) {
      const sid = await handshake(t);
      const abort = new AbortController();
      open.push(abort);
      const get = await fetch(t.server.mcpUrl, { headers: { ...mcpHeaders(sid), accept: 'text/event-stream' }, signal: abort.signal });
      const headers: Record<string, string> = {};
      get.headers.forEach((v, k) => (headers[k] = v));
      expect(headers['mcp-session-id']).toBe(sid);
      delete headers.date;
      delete headers['mcp-session-id'];
      const second = await fetch(t.server.mcpUrl, { headers: { ...mcpHeaders(sid), accept: 'text/event-stream' } });
      const del = await fetch(t.server.mcpUrl, { method: 'DELETE', headers: mcpHeaders(sid) });
      const after = await post(t, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, sid);
      results.push({ status: get.status, headers, second: second.status, del: del.status, after: after.status });
      await second.text();
      await after.text();
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toMatchObject({ status: 200, second: 409, del: 200, after: 404 });
  });
});

describe('roots on the lite route', () => {
  it('asked on the GET stream right after initialized; the first call waits for them and a relative rule applies', async () => {
    const [lite, sdk] = await both();
    for (const t of [lite, sdk]) {
      const sid = await handshake(t, { roots: { listChanged: true } });
      const abort = new AbortController();
      open.push(abort);
      const get = await fetch(t.server.mcpUrl, { headers: { ...mcpHeaders(sid), accept: 'text/event-stream' }, signal: abort.signal });
      const next = events(get);
      const ask = await next();
      expect(ask).toEqual({ method: 'roots/list', jsonrpc: '2.0', id: 0 });
      const edit = { file_path: '/work/app/src/a.ts', old_string: 'a', new_string: 'b', replace_all: false };
      const answer = post(t, call(1, 'Edit', edit), sid);
      expect((await post(t, { jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file:///work/app' }] } }, sid)).status).toBe(202);
      const a = await seen(await answer, sid);
      expect(a.messages[0]).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: JSON.stringify({ behavior: 'allow', updatedInput: edit }) }] } });
      expect(t.broker.snapshot().recent[0]!.call.agent).toMatchObject({ cwd: '/work/app', sessionId: sid, client: { name: 'claude-code' } });
    }
  });

  it('with no GET stream, asked on the call’s own stream, then the answer on that stream: the same events both ways', async () => {
    const [lite, sdk] = await both();
    const runs = [];
    for (const t of [lite, sdk]) {
      const sid = await handshake(t, { roots: { listChanged: true } });
      const res = await post(t, call(1, 'Bash', { command: 'npm test' }), sid);
      const next = events(res);
      const ask = await next();
      expect((await post(t, { jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file:///work/app' }] } }, sid)).status).toBe(202);
      const result = await next();
      runs.push({ status: res.status, type: res.headers.get('content-type'), ask, result, end: await next() });
      expect(t.broker.snapshot().recent[0]!.call.agent?.cwd).toBe('/work/app');
    }
    expect(runs[0]).toEqual(runs[1]);
  });

  it('a call that must wait for a person after asking on its own stream: the SDK takes over, progress and the decision on the same stream', async () => {
    const t = await h.start({ policy, progressIntervalMs: 50 });
    const sid = await handshake(t, { roots: { listChanged: true } });
    const res = await post(t, call(1, 'Read', { file_path: '/etc/hosts' }), sid);
    const next = events(res);
    expect(await next()).toEqual({ method: 'roots/list', jsonrpc: '2.0', id: 0 });
    await post(t, { jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file:///work/app' }] } }, sid);
    const progress = await next();
    expect(progress).toMatchObject({ method: 'notifications/progress', params: { progressToken: 1, progress: 1 } });
    const [p] = t.broker.snapshot().pending;
    expect(p!.call.agent).toMatchObject({ cwd: '/work/app', sessionId: sid, client: { name: 'claude-code', version: '2.1.328' } });
    t.broker.decide(p!.id, { behavior: 'deny', message: 'not now' });
    let last = await next();
    while (last?.method === 'notifications/progress') last = await next();
    expect(last).toMatchObject({ id: 1, result: { content: [{ type: 'text', text: JSON.stringify({ behavior: 'deny', message: 'not now' }) }] } });
    expect(await next()).toBeUndefined();
    // The session goes on under the SDK with its id, client and cwd: tools/list, and calls at once.
    const list = await seen(await post(t, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, sid), sid);
    expect(list).toMatchObject({ status: 200, session: true, messages: [{ id: 2, result: { tools: [{ name: 'approval_prompt' }] } }] });
    const edit = { file_path: '/work/app/src/a.ts', old_string: 'a', new_string: 'b', replace_all: false };
    const again = await seen(await post(t, call(3, 'Edit', edit), sid), sid);
    expect(again.messages[0]).toMatchObject({ id: 3, result: { content: [{ text: JSON.stringify({ behavior: 'allow', updatedInput: edit }) }] } });
  });

  it('a waiting call whose client goes away while the SDK holds it is cancelled, never allowed', async () => {
    const t = await h.start({ policy });
    const sid = await handshake(t, { roots: { listChanged: true } });
    const abort = new AbortController();
    const res = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(sid),
      body: JSON.stringify(call(1, 'Read', { file_path: '/etc/shadow' })),
      signal: abort.signal,
    });
    const next = events(res);
    await next();
    await post(t, { jsonrpc: '2.0', id: 0, result: { roots: [] } }, sid);
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to wait');
    abort.abort();
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave the queue');
    expect(t.broker.snapshot().recent[0]!.decision).toMatchObject({ behavior: 'deny' });
  });

  it('a client that never answers roots: the call goes on after the short wait without a cwd (relative allow rules do not match)', async () => {
    const t = await h.start({ policy });
    const sid = await handshake(t, { roots: {} });
    const edit = { file_path: '/work/app/src/a.ts', old_string: 'a', new_string: 'b', replace_all: false };
    const res = await post(t, call(1, 'Edit', edit), sid);
    const next = events(res);
    expect(await next()).toMatchObject({ method: 'roots/list' });
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to wait for a person');
    expect(t.broker.snapshot().pending[0]!.call.agent?.cwd).toBeUndefined();
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'no' });
    let last = await next();
    while (last?.method === 'notifications/progress') last = await next();
    expect(last).toMatchObject({ id: 1, result: { content: [{ text: JSON.stringify({ behavior: 'deny', message: 'no' }) }] } });
    // The answer comes late, after the SDK took the session over: it still counts for the next calls.
    expect((await post(t, { jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file:///work/app' }] } }, sid)).status).toBe(202);
    const again = await seen(await post(t, call(2, 'Edit', edit), sid), sid);
    expect(again.messages[0]).toMatchObject({ id: 2, result: { content: [{ text: JSON.stringify({ behavior: 'allow', updatedInput: edit }) }] } });
  });

  it('hostile roots answers: an error, a misfit, a root on another host, all leave the cwd unknown', async () => {
    const t = await h.start({ policy });
    for (const answer of [
      { jsonrpc: '2.0', id: 0, error: { code: -1, message: 'no' } },
      { jsonrpc: '2.0', id: 0, result: { roots: 'x' } },
      { jsonrpc: '2.0', id: 0, result: { roots: [{ uri: 'file://evil/work/app' }] } },
    ]) {
      const sid = await handshake(t, { roots: {} });
      const res = await post(t, call(1, 'Bash', { command: 'npm test' }), sid);
      const next = events(res);
      await next();
      expect((await post(t, answer, sid)).status).toBe(202);
      expect(await next()).toMatchObject({ id: 1, result: {} });
      expect(t.broker.snapshot().recent[0]!.call.agent?.cwd).toBeUndefined();
    }
  });
});
