/**
 * Named decision tokens on a real server (port 0): who decided reaches the answer, the events and
 * the audit log; a revoked token is refused at once; limits answer 403 naming the limit; the
 * /mcp token and a named token never stand in for each other.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/core/audit.js';
import { agentLabel } from '../../src/core/summary.js';
import { AuditLog } from '../../src/store/audit.js';
import { TokenBook, TokenStore } from '../../src/store/tokens.js';
import { tempHome } from '../helpers/cli.js';
import { askApproval, mcpHeaders, parseResult, sseEvents, testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

/** A server with named tokens from a tokens file in a fresh home, and an audit log there. */
async function start(extra: { mcpToken?: string } = {}) {
  const home = tempHome();
  const store = new TokenStore(join(home, 'tokens.json'));
  const book = new TokenBook(store.file);
  const audit = new AuditLog({ dir: home });
  const t = await h.start({
    ...extra,
    localPerson: 'owner',
    namedTokens: (presented) => book.lookup(presented),
    auditBatch: (events) => audit.appendAll(events.map((e) => auditRecord(e, agentLabel(e.call.agent)))),
  });
  const auditLines = () =>
    readFileSync(audit.file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { t, store, auditLines };
}

const api = (t: TestServer, token: string, path: string, init: RequestInit = {}) =>
  fetch(`${t.server.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const approve = (t: TestServer, token: string, id: string, body: object = {}) =>
  api(t, token, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify(body) });
const deny = (t: TestServer, token: string, id: string, body: object = {}) =>
  api(t, token, `/pending/${id}/deny`, { method: 'POST', body: JSON.stringify(body) });

async function pendingCall(t: TestServer, init?: RequestInit) {
  const client = await h.client(t.server.mcpUrl, init);
  const before = new Set(t.broker.snapshot().pending.map((p) => p.id));
  const result = askApproval(client, 'Bash', { command: 'git push' });
  result.catch(() => {});
  await waitFor(() => t.broker.snapshot().pending.some((p) => !before.has(p.id)), 5000, 'the call to be pending');
  return { id: t.broker.snapshot().pending.find((p) => !before.has(p.id))!.id, result };
}

describe('named decision tokens', () => {
  it('a named token approves; the answer, the audit line and the history name the person; the agent sees only the decision', async () => {
    const { t, store, auditLines } = await start();
    const { token } = await store.add('alice', {});
    const { id, result } = await pendingCall(t);
    const res = await approve(t, token, id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id, decision: { behavior: 'allow', decidedBy: 'user', person: 'alice' } });
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: { command: 'git push' } });
    await waitFor(() => auditLines().some((l) => l.event === 'decision' && l.id === id), 5000, 'the decision line');
    expect(auditLines().find((l) => l.event === 'decision' && l.id === id)).toMatchObject({ behavior: 'allow', decidedBy: 'user', person: 'alice' });
    expect(t.broker.snapshot().recent.find((d) => d.id === id)?.decision.person).toBe('alice');
  });

  it("the server file's token decides as the person at this machine", async () => {
    const { t, auditLines } = await start();
    const { id } = await pendingCall(t);
    expect(await (await deny(t, t.token, id, { message: 'not now' })).json()).toMatchObject({
      decision: { behavior: 'deny', decidedBy: 'user', person: 'owner', message: 'not now' },
    });
    await waitFor(() => auditLines().some((l) => l.event === 'decision' && l.id === id), 5000, 'the decision line');
    expect(auditLines().find((l) => l.event === 'decision' && l.id === id)).toMatchObject({ person: 'owner' });
  });

  it('a revoked token is refused (401) at its next request, without a restart, saying so', async () => {
    const { t, store } = await start();
    const { token } = await store.add('bob', {});
    expect((await api(t, token, '/pending')).status).toBe(200);
    await store.remove('bob');
    const { id } = await pendingCall(t);
    for (const res of [await api(t, token, '/pending'), await approve(t, token, id)]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cco"');
      expect(await res.json()).toEqual({
        error: {
          code: 'unauthorized',
          message: expect.stringMatching(/^This token is not known to this cco \(revoked or mistyped\); make one with `cco token add NAME`/),
        },
      });
    }
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
  });

  it('a deny-only token may deny and read, never approve (403 naming the limit)', async () => {
    const { t, store } = await start();
    const { token } = await store.add('ci-bot', { denyOnly: true });
    const { id, result } = await pendingCall(t);
    expect((await api(t, token, '/pending')).status).toBe(200);
    const refused = await approve(t, token, id);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: {
        code: 'forbidden_by_token',
        message: expect.stringMatching(/^The token "ci-bot" may only deny calls \(it was made with --deny-only\), so it cannot approve\./),
      },
    });
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
    const denied = await deny(t, token, id);
    expect(denied.status).toBe(200);
    expect(await denied.json()).toMatchObject({ decision: { behavior: 'deny', person: 'ci-bot' } });
    expect(parseResult(await result)).toMatchObject({ behavior: 'deny' });
  });

  it('a --no-always token approves, but an approve asking the agent to save a rule is refused (403) and the call keeps waiting', async () => {
    const { t, store } = await start();
    const { token } = await store.add('carol', { noAlways: true });
    const { id, result } = await pendingCall(t);
    const updatedPermissions = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'git push:*' }], behavior: 'allow', destination: 'session' }];
    const refused = await approve(t, token, id, { updatedPermissions });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({
      error: { code: 'forbidden_by_token', message: expect.stringMatching(/^The token "carol" may not save always rules \(it was made with --no-always\)/) },
    });
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
    // An empty list asks for nothing to be saved.
    const ok = await approve(t, token, id, { updatedPermissions: [] });
    expect(ok.status).toBe(200);
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: { command: 'git push' } });
  });

  it('the /mcp token is refused on /api (saying why), and a named token is refused on /mcp', async () => {
    const mcpToken = 'mcp-token-0123456789abcdef';
    const { t, store } = await start({ mcpToken });
    const { token } = await store.add('alice', {});
    const res = await api(t, mcpToken, '/pending');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: 'unauthorized', message: expect.stringMatching(/^This is the agents' \/mcp token: it never opens the decision API/) },
    });
    const init = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(undefined, { authorization: `Bearer ${token}` }),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(init.status).toBe(401);
    // The agent with the right token still gets through, and its call waits for a person.
    const { id } = await pendingCall(t, { headers: { authorization: `Bearer ${mcpToken}` } });
    expect((await approve(t, token, id)).status).toBe(200);
  });

  it('no token, or one with no name behind it: 401', async () => {
    const { t } = await start();
    const none = await fetch(`${t.server.url}/api/pending`);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.stringMatching(/^Missing bearer token/) } });
    expect((await api(t, 'cco_not-a-token', '/pending')).status).toBe(401);
  });

  it('the person is in /api/events decision events', async () => {
    const { t, store } = await start();
    const { token } = await store.add('dave', {});
    const ac = new AbortController();
    const events = await api(t, token, '/events', { signal: ac.signal });
    expect(events.status).toBe(200);
    const stream = sseEvents(events);
    expect((await stream.next()).value?.event).toBe('hello');
    const { id } = await pendingCall(t);
    expect((await deny(t, token, id)).status).toBe(200);
    for (;;) {
      const { value } = await stream.next();
      if (value?.event !== 'decision') continue;
      expect(JSON.parse(value.data)).toMatchObject({ id, decision: { behavior: 'deny', decidedBy: 'user', person: 'dave' } });
      break;
    }
    await stream.return(undefined);
    ac.abort();
  });

  it('a tokens file broken while cco runs refuses named tokens, saying so; the server file token still works', async () => {
    const { t, store } = await start();
    const { token } = await store.add('erin', {});
    const { writeFileSync } = await import('node:fs');
    writeFileSync(store.file, 'not json');
    const res = await api(t, token, '/pending');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: {
        code: 'tokens_file_broken',
        message: expect.stringMatching(/^Named tokens are refused until cco's tokens file is fixed: The tokens file .* is invalid/),
      },
    });
    expect((await api(t, t.token, '/pending')).status).toBe(200);
  });
});
