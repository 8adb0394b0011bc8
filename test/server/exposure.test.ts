import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { UserError } from '../../src/core/errors.js';
import { createApp } from '../../src/server/app.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import { allowedHosts, tokenMatches } from '../../src/server/security.js';
import { mcpServerEntry } from '../../src/commands/claude-code.js';
import { claudeRunArgs } from '../../src/commands/run.js';
import { sameRegistration } from '../../src/commands/setup.js';
import { cco, startServe } from '../commands/cco-process.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { askApproval, connectClient, mcpHeaders, parseResult, rawRequest, waitFor } from '../helpers/server.js';

const TOKEN = 'team-token-0123456789abcdef';
const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
});

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

let n = 0;
async function tokenServer(): Promise<{ broker: Broker; server: RunningServer }> {
  const broker = new Broker({ newId: () => `x${++n}`, timeoutMs: 60_000 });
  const server = await startServer({
    broker,
    apiToken: TOKEN,
    mcpToken: TOKEN,
    host: '127.0.0.1',
    port: 0,
    version: '0.0.0-test',
    progressIntervalMs: 30_000,
    sessionIdleMs: 60 * 60_000,
  });
  cleanups.push(async () => {
    broker.shutdown();
    await server.close(500);
  });
  return { broker, server };
}

const noAllow = (broker: Broker) => {
  expect(broker.snapshot().counts.allowed).toBe(0);
  expect(broker.snapshot().recent.filter((d) => d.decision.behavior === 'allow')).toHaveLength(0);
};

describe('network exposure: a configured token guards /mcp; the decision API has its own per-start token', () => {
  it('listening off loopback without a token is refused before anything binds', async () => {
    const error = await startServer({
      broker: new Broker({ newId: () => 'x', timeoutMs: 1000 }),
      apiToken: 'api-only',
      host: '0.0.0.0',
      port: 0,
      version: '0.0.0-test',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/Refusing to listen on 0\.0\.0\.0 without a token.*CCO_TOKEN.*--host 127\.0\.0\.1/);
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer team-token-0123456789abcdeX' }],
    ['a token prefix', { authorization: 'Bearer team-token' }],
    ['another scheme', { authorization: `Basic ${TOKEN}` }],
  ])('/mcp with %s → 401, JSON-RPC error -32001, WWW-Authenticate, no session', async (_name, headers: Record<string, string>) => {
    const { broker, server } = await tokenServer();
    for (const url of [server.mcpUrl, `${server.mcpUrl}/named`]) {
      const res = await fetch(url, { method: 'POST', headers: mcpHeaders(undefined, headers), body: INIT });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="cco"');
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32001, message: expect.stringMatching(/Authorization: Bearer/) } });
    }
    const api = await fetch(`${server.url}/api/pending`, { headers });
    expect(api.status).toBe(401);
    expect(await api.json()).toMatchObject({ error: { code: 'unauthorized' } });
    expect(server.sessions()).toBe(0);
    noAllow(broker);
  });

  it('with the token, a real client works end to end; a session id alone never gets past the token', async () => {
    const { broker, server } = await tokenServer();
    const client = await connectClient(server.mcpUrl, { headers: { authorization: `Bearer ${TOKEN}` } });
    cleanups.push(() => client.close());
    const result = askApproval(client, 'Bash', { command: 'make deploy' });
    await waitFor(() => broker.snapshot().pending.length === 1, 5000, 'a pending call');
    const sid = (client.transport as { sessionId?: string }).sessionId!;

    // Someone who learned the session id but not the token: refused, and the call still waits.
    const stolen = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(sid),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 9,
        method: 'tools/call',
        params: { name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: 'x' } } },
      }),
    });
    expect(stolen.status).toBe(401);
    const id = broker.snapshot().pending[0]!.id;
    expect((await fetch(`${server.url}/api/pending/${id}/approve`, { method: 'POST' })).status).toBe(401);
    noAllow(broker);

    const ok = await fetch(`${server.url}/api/pending/${id}/deny`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: '{"message":"not today"}',
    });
    expect(ok.status).toBe(200);
    expect(parseResult(await result)).toEqual({ behavior: 'deny', message: 'not today' });
  });

  it('the right token with a foreign Host or Origin is still refused (403), and no CORS header is ever sent', async () => {
    const { broker, server } = await tokenServer();
    const auth = { authorization: `Bearer ${TOKEN}` };
    const host = await rawRequest(server.mcpUrl, { method: 'POST', headers: { ...mcpHeaders(), ...auth, host: 'rebind.example' }, body: INIT });
    expect(host.status).toBe(403);
    const origin = await fetch(server.mcpUrl, { method: 'POST', headers: mcpHeaders(undefined, { ...auth, origin: 'http://rebind.example' }), body: INIT });
    expect(origin.status).toBe(403);
    const preflight = await fetch(`${server.url}/api/pending`, {
      method: 'OPTIONS',
      headers: { origin: `http://127.0.0.1:${server.port}`, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-headers')).toBeNull();
    expect(server.sessions()).toBe(0);
    noAllow(broker);
  });
});

describe('Host allowlist', () => {
  it('bound to one address: loopback names, that address and --allow-host names pass; others get 403', async () => {
    const broker = new Broker({ newId: () => 'h1', timeoutMs: 1000 });
    const { app, sessions } = createApp({
      broker,
      apiToken: TOKEN,
      mcpToken: TOKEN,
      host: '192.0.2.10',
      allowedHosts: ['cco.example.com'],
      version: '0',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
    });
    cleanups.push(() => sessions.closeAll());
    const status = async (host: string, origin?: string) => (await app.request('/health', { headers: { host, ...(origin ? { origin } : {}) } })).status;
    expect(await status('192.0.2.10:8660')).toBe(200);
    expect(await status('cco.example.com')).toBe(200);
    expect(await status('CCO.example.com:443', 'https://cco.example.com')).toBe(200);
    expect(await status('localhost:8660')).toBe(200);
    expect(await status('192.0.2.11:8660')).toBe(403);
    expect(await status('cco.example.com.evil.example')).toBe(403);
    expect(await status('cco.example.com', 'https://evil.example')).toBe(403);
    expect(await status('cco.example.com', 'null')).toBe(403);
  });

  it("bound to every interface: this machine's own names and addresses pass", () => {
    const all = allowedHosts('0.0.0.0');
    expect(all.has(hostname().toLowerCase())).toBe(true);
    expect(all.has('127.0.0.1')).toBe(true);
    expect(all.has('evil.example')).toBe(false);
    expect(allowedHosts('::1').has('[::1]')).toBe(true);
  });

  it.each([
    [TOKEN, TOKEN, true],
    [`${TOKEN} `.trim(), TOKEN, true],
    [`${TOKEN}x`, TOKEN, false],
    [TOKEN.slice(0, -1), TOKEN, false],
    ['', TOKEN, false],
    [undefined, TOKEN, false],
  ])('tokenMatches(%j) → %s (hash-then-timingSafeEqual, any length)', (presented, expected, ok) => {
    expect(tokenMatches(presented, expected)).toBe(ok);
  });
});

describe('the token from the command line, CCO_TOKEN or the config', () => {
  it('`cco serve --host 0.0.0.0` with no token exits 1 naming the fix, and binds nothing', async () => {
    const home = tempHome();
    const r = await cco(['serve', '--host', '0.0.0.0', '--port', '0'], home);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Refusing to listen on 0\.0\.0\.0 without a token/);
    expect(() => statSync(join(home, 'server.json'))).toThrow();
  });

  it('a short --token is refused; a config token others can read stops the start with the chmod to run', async () => {
    const home = tempHome();
    const short = await cco(['serve', '--port', '0', '--token', 'short'], home);
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/16 to 512 printable characters/);
    writeFileSync(join(home, 'config.json'), JSON.stringify({ token: TOKEN }));
    chmodSync(join(home, 'config.json'), 0o644);
    const open = await cco(['serve', '--port', '0'], home);
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/holds a token but other users can read it \(mode 644\)\. Run `chmod 600 .*config\.json`/);
  });

  it('config token: /mcp needs it, cco pending uses it from the 0600 server file, cco mcp-config adds the header', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ token: TOKEN }), { mode: 0o600 });
    const s = await startServe(home);
    cleanups.push(() => s.stop());
    expect(s.info).toMatchObject({ mcpToken: TOKEN });
    // The API has a token of its own: the one agents hold cannot approve anything.
    expect(s.info.token).not.toBe(TOKEN);
    const withAgentToken = await fetch(`${s.info.url}/api/pending`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(withAgentToken.status).toBe(401);
    // /health says only that cco is up: no version, no counts for whoever can reach the port.
    expect(await (await fetch(`${s.info.url}/health`)).json()).toEqual({ ok: true, name: 'cco' });
    expect(statSync(s.serverFile).mode & 0o777).toBe(0o600);
    const res = await fetch(s.info.mcpUrl, { method: 'POST', headers: mcpHeaders(), body: INIT });
    expect(res.status).toBe(401);
    const pending = await cco(['pending', '--json'], home);
    expect(pending.code).toBe(0);
    const cfg = await runCli(home, 'mcp-config');
    expect(JSON.parse(cfg.stdout).mcpServers.cco.headers).toEqual({ Authorization: `Bearer ${TOKEN}` });
    const list = await runCli(home, 'config', 'list');
    expect(list.stdout).toMatch(/token\s+\(set\)/);
    expect(list.stdout).not.toContain(TOKEN);
  });
});

describe('Claude Code registration with a token', () => {
  it('the entry carries the Authorization header; a registration without it is not the same; cco run passes a file, not the token', () => {
    const entry = mcpServerEntry('http://127.0.0.1:8660/mcp', 'api', TOKEN);
    expect(entry.headers).toEqual({ 'X-CCO-Agent': 'api', Authorization: `Bearer ${TOKEN}` });
    const got = (headers: string) => `cco:\n  Scope: User config\n  Type: http\n  URL: http://127.0.0.1:8660/mcp\n  Headers:\n${headers}`;
    expect(sameRegistration(got(`    X-CCO-Agent: api\n    Authorization: Bearer ${TOKEN}\n`), entry)).toBe(true);
    expect(sameRegistration(got('    X-CCO-Agent: api\n'), entry)).toBe(false);
    const args = claudeRunArgs('http://127.0.0.1:8660/mcp', 'api', ['-p', 'x'], '/state/run-1.mcp.json');
    expect(args.slice(0, 2)).toEqual(['--mcp-config', '/state/run-1.mcp.json']);
    expect(args.join(' ')).not.toContain(TOKEN);
  });
});
