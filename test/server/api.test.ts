import { afterEach, describe, expect, it } from 'vitest';
import type { TestServer } from '../helpers/server.js';
import { askApproval, mcpHeaders, parseResult, rawRequest, sseEvents, testHarness, waitFor, type SseEvent } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

const api = (t: TestServer, path: string, init: RequestInit = {}) =>
  fetch(`${t.server.url}/api${path}`, {
    ...init,
    headers: { authorization: `Bearer ${t.token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
  });

/** One pending call from a real client; returns its id and the client's result promise. */
async function pendingCall(t: TestServer, input: Record<string, unknown> = { command: 'echo hi > out.txt' }) {
  const client = await h.client(t.server.mcpUrl);
  const before = new Set(t.broker.snapshot().pending.map((p) => p.id));
  const result = askApproval(client, 'Bash', input);
  // Tests that leave the call pending never await it; cleanup then closes the client under it.
  result.catch(() => {});
  await waitFor(() => t.broker.snapshot().pending.some((p) => !before.has(p.id)), 5000, 'the call to be pending');
  const id = t.broker.snapshot().pending.find((p) => !before.has(p.id))!.id;
  return { id, result, input };
}

describe('decision API', () => {
  it('GET /api/pending: 401 without (or with a wrong) token; with it, lists the call', async () => {
    const t = await h.start();
    const { id, input } = await pendingCall(t, { command: 'git push --force', description: 'Push' });

    const none = await fetch(`${t.server.url}/api/pending`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
    const wrong = await fetch(`${t.server.url}/api/pending`, { headers: { authorization: 'Bearer not-the-token' } });
    expect(wrong.status).toBe(401);

    const res = await api(t, '/pending');
    expect(res.status).toBe(200);
    const { pending } = (await res.json()) as { pending: Array<Record<string, unknown>> };
    expect(pending).toHaveLength(1);
    expect(pending[0]).toMatchObject({ id, toolName: 'Bash', input, summary: expect.stringContaining('git push --force') });
    expect(t.broker.snapshot().pending).toHaveLength(1);
  });

  it('POST /api/pending/:id/approve with updatedInput → the client gets allow with that input', async () => {
    const t = await h.start();
    const { id, result } = await pendingCall(t, { command: 'rm -rf /tmp/build' });
    const updatedInput = { command: 'rm -rf /tmp/build/cache' };
    const res = await api(t, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify({ updatedInput }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, decision: { behavior: 'allow', updatedInput, edited: true, decidedBy: 'user' } });
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput });
  });

  it('approve with updatedPermissions: validated, passed on to the agent; shared destinations only when confirmed', async () => {
    const t = await h.start();
    const { id, result } = await pendingCall(t, { command: 'npm test' });
    const session = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }], behavior: 'allow', destination: 'session' }];
    for (const bad of [
      [{ type: 'addRules', rules: [], behavior: 'allow', destination: 'session' }],
      [{ type: 'addRules', rules: [{ toolName: 'Bash' }], behavior: 'allow', destination: 'everywhere' }],
      [{ type: 'setMode', mode: 'bypassPermissions', destination: 'session' }],
      'addRules',
    ]) {
      const res = await api(t, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify({ updatedPermissions: bad }) });
      expect(res.status).toBe(400);
      expect(JSON.stringify(await res.json())).toMatch(/updatedPermissions/);
    }
    const project = [{ ...session[0], destination: 'projectSettings' }];
    const refused = await api(t, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify({ updatedPermissions: project }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/confirmShared/);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    const res = await api(t, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify({ updatedPermissions: session }) });
    expect(res.status).toBe(200);
    expect(parseResult(await result)).toMatchObject({ behavior: 'allow', updatedPermissions: session });
  });

  it('POST /api/pending/:id/deny with message → the client gets exactly that message', async () => {
    const t = await h.start();
    const { id, result } = await pendingCall(t);
    const message = 'Write to ./tmp instead; out.txt is tracked.';
    const res = await api(t, `/pending/${id}/deny`, { method: 'POST', body: JSON.stringify({ message }) });
    expect(res.status).toBe(200);
    expect(parseResult(await result)).toEqual({ behavior: 'deny', message });
  });

  it('approve of an unknown id → 404; a second decision on a decided id → 409', async () => {
    const t = await h.start();
    const unknown = await api(t, '/pending/no-such-id/approve', { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: 'not_found' } });

    const { id, result, input } = await pendingCall(t);
    const first = await api(t, `/pending/${id}/approve`, { method: 'POST' });
    expect(first.status).toBe(200);
    const second = await api(t, `/pending/${id}/deny`, { method: 'POST', body: JSON.stringify({ message: 'too late' }) });
    expect(second.status).toBe(409);
    expect(await second.json()).toMatchObject({ error: { code: 'already_decided' } });
    const third = await api(t, `/pending/${id}/approve`, { method: 'POST' });
    expect(third.status).toBe(409);
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: input });
    expect(t.broker.snapshot().counts).toEqual({ allowed: 1, denied: 0, timedOut: 0, cancelled: 0 });
  });

  it('GET /api/events streams a request event, then a decision event, for a call', async () => {
    const t = await h.start();
    const unauthorized = await fetch(`${t.server.url}/api/events`);
    expect(unauthorized.status).toBe(401);

    const ac = new AbortController();
    const res = await api(t, '/events', { signal: ac.signal, headers: { accept: 'text/event-stream' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const seen: SseEvent[] = [];
    const reading = (async () => {
      try {
        for await (const e of sseEvents(res)) seen.push(e);
      } catch {
        // aborted at the end of the test
      }
    })();
    await waitFor(() => seen.some((e) => e.event === 'hello'), 5000, 'the hello event');

    const { id, result } = await pendingCall(t, { command: 'deploy > log' });
    await waitFor(() => seen.some((e) => e.event === 'request'), 5000, 'the request event');
    const decide = await api(t, `/pending/${id}/deny`, { method: 'POST', body: JSON.stringify({ message: 'not now' }) });
    expect(decide.status).toBe(200);
    await waitFor(() => seen.some((e) => e.event === 'decision'), 5000, 'the decision event');
    expect(parseResult(await result)).toEqual({ behavior: 'deny', message: 'not now' });
    ac.abort();
    await reading;

    const events = seen.filter((e) => e.event !== 'hello').map((e) => ({ event: e.event, data: JSON.parse(e.data) as Record<string, unknown> }));
    expect(events.map((e) => e.event)).toEqual(['request', 'decision']);
    expect(events[0]!.data).toMatchObject({ id, toolName: 'Bash', input: { command: 'deploy > log' }, autoDecided: false });
    expect(events[1]!.data).toMatchObject({ id, toolName: 'Bash', decision: { behavior: 'deny', message: 'not now', decidedBy: 'user' } });
  });

  it('a foreign Host header → 403, on the API and on /mcp, and nothing is allowed', async () => {
    const t = await h.start();
    const { id, result } = await pendingCall(t);
    const evil = { host: 'evil.example', authorization: `Bearer ${t.token}`, 'content-type': 'application/json' };

    const approve = await rawRequest(`${t.server.url}/api/pending/${id}/approve`, { method: 'POST', headers: evil, body: '{}' });
    expect(approve.status).toBe(403);
    expect(JSON.parse(approve.body)).toMatchObject({ error: { code: 'forbidden_host' } });
    const list = await rawRequest(`${t.server.url}/api/pending`, { headers: evil });
    expect(list.status).toBe(403);
    const init = await rawRequest(t.server.mcpUrl, {
      method: 'POST',
      headers: { ...mcpHeaders(), host: `evil.example:${t.server.port}` },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(init.status).toBe(403);
    expect(t.server.sessions()).toBe(1);

    // The call is still waiting, undecided; control: the same request with the right Host works.
    expect(t.broker.snapshot().pending.map((p) => p.id)).toEqual([id]);
    expect(t.broker.snapshot().counts.allowed).toBe(0);
    const ok = await rawRequest(`${t.server.url}/api/pending/${id}/deny`, {
      method: 'POST',
      headers: { ...evil, host: `127.0.0.1:${t.server.port}` },
      body: '{"message":"host ok"}',
    });
    expect(ok.status).toBe(200);
    expect(parseResult(await result)).toEqual({ behavior: 'deny', message: 'host ok' });
  });

  it('a foreign Origin → 403 and nothing is allowed', async () => {
    const t = await h.start();
    const { id } = await pendingCall(t);
    const res = await api(t, `/pending/${id}/approve`, { method: 'POST', body: '{}', headers: { origin: 'http://evil.example' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden_origin' } });
    const mcp = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(undefined, { origin: 'http://evil.example' }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(mcp.status).toBe(403);
    expect(t.broker.snapshot().pending.map((p) => p.id)).toEqual([id]);
    expect(t.broker.snapshot().counts.allowed).toBe(0);
    // A loopback Origin passes.
    const local = await api(t, '/pending', { headers: { origin: `http://127.0.0.1:${t.server.port}` } });
    expect(local.status).toBe(200);
  });
});
