/**
 * Named tokens against a hostile holder, on a real server (port 0): a limited token finds no other
 * route to an allow or a saved rule, a name cannot pass for the person at the machine or for cco
 * itself in the audit log, and a tokens file others could write is not trusted.
 */
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/core/audit.js';
import { agentLabel } from '../../src/core/summary.js';
import { AuditLog } from '../../src/store/audit.js';
import { TokenBook, TokenStore, newToken, tokenHash } from '../../src/store/tokens.js';
import { tempHome } from '../helpers/cli.js';
import { askApproval, sseEvents, testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

async function start() {
  const home = tempHome();
  const store = new TokenStore(join(home, 'tokens.json'));
  const book = new TokenBook(store.file);
  const audit = new AuditLog({ dir: home });
  const seen = { lookups: 0 };
  const t = await h.start({
    localPerson: 'owner',
    namedTokens: (presented) => {
      seen.lookups++;
      return book.lookup(presented);
    },
    auditBatch: (events) => audit.appendAll(events.map((e) => auditRecord(e, agentLabel(e.call.agent)))),
  });
  return { t, store, seen };
}

const api = (t: TestServer, token: string, path: string, init: RequestInit = {}) =>
  fetch(`${t.server.url}/api${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const approve = (t: TestServer, token: string, id: string, body: object = {}) =>
  api(t, token, `/pending/${id}/approve`, { method: 'POST', body: JSON.stringify(body) });

async function pendingCall(t: TestServer) {
  const client = await h.client(t.server.mcpUrl);
  const before = new Set(t.broker.snapshot().pending.map((p) => p.id));
  const result = askApproval(client, 'Bash', { command: 'git push' });
  result.catch(() => {});
  await waitFor(() => t.broker.snapshot().pending.some((p) => !before.has(p.id)), 5000, 'the call to be pending');
  return { id: t.broker.snapshot().pending.find((p) => !before.has(p.id))!.id, result };
}

/** A tokens file written by hand: `name` holds `token`. */
function handWritten(file: string, name: string, token: string) {
  writeFileSync(file, JSON.stringify({ version: 1, tokens: [{ name, sha256: tokenHash(token), created: new Date().toISOString(), limits: {} }] }), {
    mode: 0o600,
  });
}

describe('a limited token finds no other way to allow', () => {
  it('deny-only: no approve with an edited input, with updatedPermissions, in a different case of the path, or with a trailing slash', async () => {
    const { t, store } = await start();
    const { token } = await store.add('ci-bot', { denyOnly: true });
    const { id } = await pendingCall(t);
    const tries = [
      approve(t, token, id, { updatedInput: { command: 'echo hi' } }),
      approve(t, token, id, { updatedPermissions: [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }] }),
      api(t, token, `/pending/${id}/approve/`, { method: 'POST', body: '{}' }),
      api(t, token, `/pending/${id}/APPROVE`, { method: 'POST', body: '{}' }),
      api(t, token, `/pending/${encodeURIComponent(id)}/%61pprove`, { method: 'POST', body: '{}' }),
    ];
    for (const res of await Promise.all(tries)) expect([403, 404]).toContain(res.status);
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
  });

  it('--no-always: an approve claiming a saved rule ("savedRule") is refused, so the audit log cannot say a rule was saved', async () => {
    const { t, store } = await start();
    const { token } = await store.add('carol', { noAlways: true });
    const { id } = await pendingCall(t);
    const res = await approve(t, token, id, { savedRule: 'r7 forever' });
    expect(res.status).toBe(403);
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
    expect((await approve(t, token, id)).status).toBe(200);
  });
});

describe('a name cannot pass for someone else', () => {
  it('an approve body naming another person or decider is not believed: the token says who decided', async () => {
    const { t, store } = await start();
    const { token } = await store.add('alice', {});
    const { id } = await pendingCall(t);
    const res = await approve(t, token, id, { person: 'owner', decidedBy: 'rule:r1' });
    expect(await res.json()).toMatchObject({ decision: { behavior: 'allow', decidedBy: 'user', person: 'alice' } });
  });

  it.each(['default', 'timeout', 'user', 'you', 'local', 'shutdown', 'error', 'guard', 'away', 'elsewhere', 'cancelled', 'interrupted', 'Timeout', 'rule'])(
    '`cco token add %s` is refused: the name is what cco writes for its own decisions',
    async (name) => {
      const store = new TokenStore(join(tempHome(), 'tokens.json'));
      await expect(store.add(name, {})).rejects.toThrow(/is cco's own word/);
    },
  );

  it("a named token under the local person's name (a hand-edited file) does not decide as them", async () => {
    const { t, store } = await start();
    const token = newToken();
    handWritten(store.file, 'Owner', token);
    const { id } = await pendingCall(t);
    const res = await approve(t, token, id);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'reserved_name' } });
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
  });
});

describe('the tokens file', () => {
  it('a FIFO in its place refuses named tokens instead of blocking the server', async () => {
    const { t, store } = await start();
    const { token } = await store.add('alice', {});
    const { execFileSync } = await import('node:child_process');
    const { rmSync } = await import('node:fs');
    rmSync(store.file);
    execFileSync('mkfifo', ['-m', '600', store.file]);
    const res = await api(t, token, '/pending');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'tokens_file_broken', message: expect.stringMatching(/not a plain file/) } });
    expect((await api(t, t.token, '/pending')).status).toBe(200);
  });

  it('made writable by others while cco runs, its tokens are refused until it is private again', async () => {
    const { t, store } = await start();
    const { token } = await store.add('alice', {});
    expect((await api(t, token, '/pending')).status).toBe(200);
    chmodSync(store.file, 0o666);
    const res = await api(t, token, '/pending');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { code: 'tokens_file_broken', message: expect.stringMatching(/can be written by other users/) } });
    chmodSync(store.file, 0o600);
    expect((await api(t, token, '/pending')).status).toBe(200);
  });

  it('a change that keeps the size and the times still takes effect (a revoked name made again)', async () => {
    const { t, store } = await start();
    const old = newToken();
    handWritten(store.file, 'alice', old);
    expect((await api(t, old, '/pending')).status).toBe(200);
    const { statSync, utimesSync } = await import('node:fs');
    const st = statSync(store.file);
    const text = readFileSync(store.file, 'utf8');
    const fresh = newToken();
    // Same length, same inode, same mtime: only the content says it changed.
    writeFileSync(store.file, text.replace(tokenHash(old), tokenHash(fresh)));
    utimesSync(store.file, st.atime, st.mtime);
    expect((await api(t, old, '/pending')).status).toBe(401);
    expect((await api(t, fresh, '/pending')).status).toBe(200);
  });

  it('revoking a token ends its open /api/events stream', async () => {
    const { t, store } = await start();
    const { token } = await store.add('dave', {});
    const res = await api(t, token, '/events');
    const stream = sseEvents(res);
    expect((await stream.next()).value?.event).toBe('hello');
    await store.remove('dave');
    for (;;) {
      const { done } = await stream.next();
      if (done) break;
    }
    expect((await api(t, token, '/pending')).status).toBe(401);
  }, 15_000);
});

describe('revocation during a request', () => {
  it('a token revoked while its approve body is still arriving allows nothing', async () => {
    const { t, store, seen } = await start();
    const { token } = await store.add('mallory', {});
    const { id } = await pendingCall(t);
    const { request } = await import('node:http');
    const url = new URL(`${t.server.url}/api/pending/${id}/approve`);
    const req = request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': '2' } });
    const answer = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
    });
    req.write('{');
    // Once the headers have passed the door (the token was looked up), the token goes.
    const before = seen.lookups;
    await waitFor(() => seen.lookups > before, 5000, 'the token to be looked up');
    await store.remove('mallory');
    req.end('}');
    expect(await answer).toBe(401);
    expect(t.broker.snapshot().pending.map((p) => p.id)).toContain(id);
  });
});
