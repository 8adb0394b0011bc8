import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AlertBoard } from '../../src/core/alerts.js';
import { auditRecord, type AuditRecord } from '../../src/core/audit.js';
import { decidingAs } from '../../src/core/people.js';
import { agentLabel } from '../../src/core/summary.js';
import { TokenBook, TokenStore } from '../../src/store/tokens.js';
import { startNotify } from '../../src/app/notify.js';
import { resolveSettings } from '../../src/store/settings.js';
import { systemClock } from '../../src/core/clock.js';
import { Presence } from '../../src/core/presence.js';
import { StatusBoard } from '../../src/core/console-status.js';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import { NotPendingError } from '../../src/core/errors.js';
import { RemoteSource, type Endpoint } from '../../src/client/remote-source.js';
import { alwaysAllow } from '../../src/commands/always-allow.js';
import type { ConsoleApiDeps } from '../../src/server/console-api.js';
import { readDiskFile } from '../../src/store/disk-file.js';
import { SettingsStore } from '../../src/store/settings.js';
import { App } from '../../src/tui/App.js';
import type { ConsoleSource } from '../../src/core/console-source.js';
import type { Broker } from '../../src/core/broker.js';
import { askApproval, parseResult, testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) c();
  await h.cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cco-remote-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What `cco serve` gives the console routes, over a real settings file. */
function consoleDeps(
  dir: string,
  broker: () => Broker,
  presence: Presence,
): ConsoleApiDeps & { alertBoard: AlertBoard; statusBoard: StatusBoard; store: SettingsStore } {
  const store = new SettingsStore(join(dir, 'config.json'));
  const statusBoard = new StatusBoard({ agents: 0, defaultAction: 'ask', rules: 0 });
  const alertBoard = new AlertBoard();
  return {
    instance: 'test',
    version: '0.0.0-test',
    mcpUrl: () => 'http://127.0.0.1:8660/mcp',
    homeDir: '/home/me',
    status: statusBoard,
    alerts: alertBoard,
    alertBoard,
    statusBoard,
    store,
    pastAsks: () => [],
    readFile: readDiskFile,
    presence,
    alwaysAllow: async (grant) => {
      const { rule, allowed } = await alwaysAllow(grant, {
        store,
        broker: broker(),
        policyOf: (s) => toPolicy(compileRules(s.rules, { homeDir: '/home/me', defaultAction: s.defaultAction })),
      });
      return { id: rule.id, allowed };
    },
  };
}

async function serverWithConsole(opts: { port?: number; dir?: string; whenAway?: 'wait' | 'deny'; tokens?: boolean } = {}) {
  const dir = opts.dir ?? tempDir();
  const held: { t?: TestServer } = {};
  const presence = new Presence(systemClock, 15 * 60_000);
  const deps = consoleDeps(dir, () => held.t!.broker, presence);
  const store = new TokenStore(join(dir, 'tokens.json'));
  const book = new TokenBook(store.file);
  const audited: AuditRecord[] = [];
  const t = (held.t = await h.start({
    console: deps,
    presence,
    whenAway: opts.whenAway ?? 'wait',
    localPerson: 'owner',
    namedTokens: (presented) => book.lookup(presented),
    audit: (e) => audited.push(auditRecord(e, agentLabel(e.call.agent))),
    ...(opts.port !== undefined ? { port: opts.port } : {}),
  }));
  return { t, deps, dir, presence, tokens: store, audited };
}

async function remote(endpoint: () => Promise<Endpoint>, opts: { retryMs?: () => number; silenceMs?: number } = {}) {
  const source = new RemoteSource({ endpoint, retryMs: opts.retryMs ?? (() => 20), ...(opts.silenceMs ? { silenceMs: opts.silenceMs } : {}) });
  cleanups.push(() => source.close());
  const server = await source.start();
  return { source, server };
}

function mount(source: ConsoleSource, extra: Partial<Parameters<typeof App>[0]> = {}) {
  const ui = render(<App source={source} url="http://127.0.0.1:8660/mcp" version="0.0.0" onQuit={() => {}} decisionGuardMs={0} throttleMs={0} {...extra} />);
  cleanups.push(ui.unmount);
  const frame = () => ui.lastFrame() ?? '';
  return { ui, frame };
}

const endpointOf = (t: TestServer) => async () => ({ url: t.server.url, token: t.token });

describe('cco watch --connect: consoles on a running cco', () => {
  it('two remote consoles and one in-process see the call; `a` in one reaches the agent once and the call leaves all three', async () => {
    const { t } = await serverWithConsole();
    const one = await remote(endpointOf(t));
    const two = await remote(endpointOf(t));
    const a = mount(one.source, { alerts: one.source.alerts, status: one.source.status });
    const b = mount(two.source, { alerts: two.source.alerts, status: two.source.status });
    const local = mount(t.broker);

    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'git push origin main' });
    for (const c of [a, b, local]) await vi.waitFor(() => expect(c.frame()).toContain('git push origin main'), { timeout: 5000 });
    const id = t.broker.snapshot().pending[0]!.id;

    a.ui.stdin.write('a');
    expect(parseResult(await result)).toMatchObject({ behavior: 'allow' });
    await waitFor(() => one.source.snapshot().pending.length === 0 && two.source.snapshot().pending.length === 0, 5000, 'the call to leave both remote queues');
    expect(t.broker.snapshot().pending).toHaveLength(0);
    // Everyone's history has it, decided by a person, once.
    for (const s of [one.source, two.source]) {
      expect(s.snapshot().recent.filter((d) => d.id === id)).toHaveLength(1);
      expect(s.snapshot().recent[0]).toMatchObject({ id, decision: { behavior: 'allow', decidedBy: 'user' } });
      expect(s.snapshot().counts).toMatchObject({ allowed: 1, denied: 0 });
    }
    await vi.waitFor(() => expect(b.frame()).not.toContain('› ' + id));
    expect(t.broker.snapshot().counts.allowed).toBe(1);
  });

  it('the first answer wins: a second console deciding the same call is told it was already decided', async () => {
    const { t } = await serverWithConsole();
    const one = await remote(endpointOf(t));
    const two = await remote(endpointOf(t));
    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'rm -rf build' });
    await waitFor(() => one.source.snapshot().pending.length === 1 && two.source.snapshot().pending.length === 1, 5000, 'both to see it');
    const id = one.source.snapshot().pending[0]!.id;
    const answers = await Promise.allSettled([one.source.decide(id, { behavior: 'deny', message: 'not now' }), two.source.decide(id, { behavior: 'allow' })]);
    expect(answers.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = answers.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(NotPendingError);
    const winner = (answers.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{ behavior: string }>).value.behavior;
    expect(parseResult(await result).behavior).toBe(winner);
  });

  it('deny with a message and an interrupt go through as the console sent them', async () => {
    const { t } = await serverWithConsole();
    const one = await remote(endpointOf(t));
    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'curl x | sh' });
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the call');
    const id = one.source.snapshot().pending[0]!.id;
    const d = await one.source.decide(id, { behavior: 'deny', message: 'Use the vendored script.', interrupt: true });
    expect(d).toMatchObject({ behavior: 'deny', message: 'Use the vendored script.', interrupt: true, decidedBy: 'user' });
    expect(parseResult(await result)).toMatchObject({ behavior: 'deny', message: 'Use the vendored script.', interrupt: true });
  });

  it('a lost server empties the queue and says so; decisions are refused; the console reconnects to the restarted server and shows only its calls', async () => {
    const dir = tempDir();
    const first = await serverWithConsole({ dir });
    const port = Number(new URL(first.t.server.url).port);
    let current = first.t;
    const one = await remote(async () => ({ url: current.server.url, token: current.token }));
    const view = mount(one.source, { alerts: one.source.alerts, status: one.source.status });
    const client = await h.client(current.server.mcpUrl);
    const old = askApproval(client, 'Bash', { command: 'make deploy' });
    old.catch(() => {});
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the call');
    const oldId = one.source.snapshot().pending[0]!.id;

    await current.close();
    await vi.waitFor(() => expect(view.frame()).toContain('Disconnected from cco'), { timeout: 5000 });
    expect(one.source.snapshot().pending).toHaveLength(0);
    expect(one.source.isConnected()).toBe(false);
    await expect(one.source.decide(oldId, { behavior: 'allow' })).rejects.toThrow(/not connected/);

    const second = await serverWithConsole({ port, dir });
    current = second.t;
    await waitFor(() => one.source.isConnected(), 10_000, 'the console to reconnect');
    await vi.waitFor(() => expect(view.frame()).not.toContain('Disconnected'), { timeout: 5000 });
    // Nothing was decided by the reconnect, and the new server's queue is what shows.
    expect(second.t.broker.snapshot().counts).toMatchObject({ allowed: 0, denied: 0 });
    const client2 = await h.client(current.server.mcpUrl);
    const fresh = askApproval(client2, 'Bash', { command: 'make test' });
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the new call');
    expect(one.source.snapshot().pending[0]!.call.input).toEqual({ command: 'make test' });
    await one.source.decide(one.source.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect(parseResult(await fresh)).toMatchObject({ behavior: 'allow' });
  });

  it('a wrong token: the first connection fails with a clear message and exit code 2', async () => {
    const { t } = await serverWithConsole();
    const source = new RemoteSource({ endpoint: async () => ({ url: t.server.url, token: 'not-the-token' }) });
    cleanups.push(() => source.close());
    const error = await source.start().then(
      () => undefined,
      (e: unknown) => e as { message: string; exitCode?: number; code?: number },
    );
    expect(error?.message).toMatch(/refused the token \(HTTP 401\)/);
    expect(error?.message).toContain('CCO_API_TOKEN');
  });

  it('nothing listening: the first connection fails saying so', async () => {
    const source = new RemoteSource({ endpoint: async () => ({ url: 'http://127.0.0.1:1', token: 't' }) });
    cleanups.push(() => source.close());
    await expect(source.start()).rejects.toThrow(/Nothing answers at http:\/\/127\.0\.0\.1:1/);
  });

  it('a silent stream (a dead tunnel) is taken for lost', async () => {
    const { t } = await serverWithConsole();
    const client = await h.client(t.server.mcpUrl);
    void askApproval(client, 'Bash', { command: 'make deploy' }).catch(() => {});
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call');
    // The server pings every 10 s; the console gives up on a stream silent for 300 ms.
    const one = await remote(endpointOf(t), { silenceMs: 300, retryMs: () => 60_000 });
    const id = one.source.snapshot().pending[0]!.id;
    await waitFor(() => !one.source.isConnected(), 5000, 'the silent stream to count as lost');
    expect(one.source.alerts.snapshot()[0]?.message).toMatch(/nothing heard for/);
    // The call still waits on the server, but this console can no longer decide it: it does not show it.
    expect(t.broker.snapshot().pending).toHaveLength(1);
    expect(one.source.snapshot().pending).toHaveLength(0);
    await expect(one.source.decide(id, { behavior: 'allow' })).rejects.toThrow(/not connected/);
    expect(t.broker.snapshot().pending).toHaveLength(1);
  });

  it("the header and banners are the server's: agents, rules, and its alerts", async () => {
    const { t, deps } = await serverWithConsole();
    const one = await remote(endpointOf(t));
    deps.statusBoard.set({ agents: 3, rules: 5 });
    deps.alertBoard.set('config', 'config.json: line 3: not JSON');
    await waitFor(() => one.source.status.snapshot().agents === 3 && one.source.alerts.snapshot().length === 1, 5000, 'the status');
    expect(one.source.status.snapshot()).toMatchObject({ agents: 3, rules: 5 });
    expect(one.source.alerts.snapshot()[0]?.message).toBe('config.json: line 3: not JSON');
    deps.alertBoard.clear('config');
    await waitFor(() => one.source.alerts.snapshot().length === 0, 5000, 'the alert to clear');
  });

  it('A (always allow) from a remote console saves the rule on the server and allows the call with it', async () => {
    const { t, deps } = await serverWithConsole();
    const one = await remote(endpointOf(t));
    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'npm test' });
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the call');
    const id = one.source.snapshot().pending[0]!.id;
    const saved = await one.source.alwaysAllow({ pattern: 'Bash(npm test:*)', fields: {}, forMs: 3_600_000, scope: 'every agent, 1h', callId: id });
    expect(deps.store.read().rules).toEqual([expect.objectContaining({ id: saved.id, pattern: 'Bash(npm test:*)', action: 'allow' })]);
    await one.source.decide(id, { behavior: 'allow', savedRule: `${saved.id} for 1h` });
    expect(parseResult(await result)).toMatchObject({ behavior: 'allow' });
    expect(t.broker.snapshot().recent[0]?.decision.savedRule).toBe(`${saved.id} for 1h`);
  });

  it('the file a waiting Write replaces is read on the server; no other file is', async () => {
    const { t, dir } = await serverWithConsole();
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'old text\n');
    const one = await remote(endpointOf(t));
    const client = await h.client(t.server.mcpUrl);
    void askApproval(client, 'Write', { file_path: file, content: 'new text\n' }).catch(() => {});
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the Write');
    expect(await one.source.readFile(file)).toEqual({ kind: 'text', text: 'old text\n' });
    await expect(one.source.readFile(join(dir, 'config.json'))).rejects.toThrow(/No waiting Write names this file/);
    await expect(one.source.readFile('/etc/passwd')).rejects.toThrow(/No waiting Write names this file/);
  });
});

describe('people: who decided, seen from every console', () => {
  it('alice and bob on remote consoles, the owner in-process: alice allows; the agent gets it once, both other queues lose it with "alice", and the audit line names her', async () => {
    const { t, tokens, audited } = await serverWithConsole();
    const alice = (await tokens.add('alice', {})).token;
    const bob = (await tokens.add('bob', {})).token;
    const one = await remote(async () => ({ url: t.server.url, token: alice }));
    const two = await remote(async () => ({ url: t.server.url, token: bob }));
    const a = mount(one.source, { alerts: one.source.alerts, status: one.source.status });
    const b = mount(two.source, { alerts: two.source.alerts, status: two.source.status });
    const local = mount(decidingAs(t.broker, 'owner'));

    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Bash', { command: 'git push origin main' });
    for (const c of [a, b, local]) await vi.waitFor(() => expect(c.frame()).toContain('git push origin main'), { timeout: 5000 });
    const id = t.broker.snapshot().pending[0]!.id;
    a.ui.stdin.write('a');
    expect(parseResult(await result)).toMatchObject({ behavior: 'allow' });
    await waitFor(() => two.source.snapshot().recent[0]?.id === id, 5000, "the decision in bob's history");
    expect(two.source.snapshot().pending).toHaveLength(0);
    expect(two.source.snapshot().recent[0]?.decision).toMatchObject({ behavior: 'allow', decidedBy: 'user', person: 'alice' });
    expect(t.broker.snapshot().recent[0]?.decision.person).toBe('alice');
    // Both other consoles show who decided in their history.
    for (const c of [b, local]) await vi.waitFor(() => expect(c.frame()).toMatch(/✓ Bash .* alice/), { timeout: 5000 });
    // Where the call was under the cursor, the footer says who took it; alice's own says what she did.
    for (const c of [b, local]) await vi.waitFor(() => expect(c.frame()).toContain(`${id} left the queue: it was allowed (alice).`), { timeout: 5000 });
    await vi.waitFor(() => expect(a.frame()).toContain(`Allowed ${id}.`), { timeout: 5000 });
    expect(a.frame()).not.toContain('left the queue');
    expect(audited.filter((r) => r.event === 'decision' && r.id === id)).toEqual([expect.objectContaining({ person: 'alice', behavior: 'allow' })]);
  });

  it('a deny-only token: a and A in its console are refused with the limit named, d denies; a no-always token may allow but not save', async () => {
    const { t, tokens, deps } = await serverWithConsole();
    const bot = (await tokens.add('ci-bot', { denyOnly: true })).token;
    const carol = (await tokens.add('carol', { noAlways: true })).token;
    const one = await remote(async () => ({ url: t.server.url, token: bot }));
    const two = await remote(async () => ({ url: t.server.url, token: carol }));
    const client = await h.client(t.server.mcpUrl);
    const first = askApproval(client, 'Bash', { command: 'npm publish' });
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the call');
    const id = one.source.snapshot().pending[0]!.id;
    await expect(one.source.decide(id, { behavior: 'allow' })).rejects.toThrow(/may only deny calls/);
    const grant = { pattern: 'Bash(npm publish:*)', fields: {}, scope: 'every agent, 1h', callId: id };
    await expect(one.source.alwaysAllow(grant)).rejects.toThrow(/may only deny calls/);
    await expect(two.source.alwaysAllow(grant)).rejects.toThrow(/may not save always rules/);
    expect(deps.store.readFile().rules ?? []).toEqual([]);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    await one.source.decide(id, { behavior: 'deny', message: 'Not from CI.' });
    expect(parseResult(await first)).toMatchObject({ behavior: 'deny', message: 'Not from CI.' });
    const second = askApproval(client, 'Bash', { command: 'npm test' });
    const npmTest = () => two.source.snapshot().pending.find((p) => p.call.input.command === 'npm test');
    await waitFor(() => npmTest() !== undefined, 5000, 'the second call');
    await two.source.decide(npmTest()!.id, { behavior: 'allow' });
    expect(parseResult(await second)).toMatchObject({ behavior: 'allow' });
  });

  it('a revoked token: its open stream ends within seconds, its reconnects are refused saying why, and a new console cannot start', async () => {
    const { t, tokens } = await serverWithConsole();
    const dave = (await tokens.add('dave', {})).token;
    const source = new RemoteSource({ endpoint: async () => ({ url: t.server.url, token: dave }), retryMs: () => 50 });
    cleanups.push(() => source.close());
    await source.start();
    await tokens.remove('dave');
    await waitFor(() => !source.isConnected(), 10_000, 'the revoked stream to end');
    await waitFor(() => /not known to this cco/.test(source.alerts.snapshot()[0]?.message ?? ''), 5000, 'the refusal in the banner');
    expect(source.snapshot().pending).toHaveLength(0);
    const again = new RemoteSource({ endpoint: async () => ({ url: t.server.url, token: dave }) });
    cleanups.push(() => again.close());
    await expect(again.start()).rejects.toThrow(/refused the token \(HTTP 401\).*not known to this cco \(revoked or mistyped\)/);
  });
});

describe('notices in the remote console', () => {
  it("a burst of calls waiting on the server gives one desktop notice in the console's terminal; calls leave the planner when decided or when the connection is lost", async () => {
    const { t } = await serverWithConsole();
    const one = await remote(endpointOf(t), { silenceMs: 60_000 });
    const seen: string[] = [];
    one.source.watchCalls({ waiting: (p) => seen.push(`+${p.id}`), left: (id) => seen.push(`-${id}`) });
    const written: string[] = [];
    const notify = startNotify({
      feed: { waiting: () => one.source.snapshot().pending, subscribe: (on) => one.source.watchCalls(on) },
      settings: () => ({ ...resolveSettings({}).notify, desktop: 'osc9', desktopAfterMs: 0 }),
      log: () => {},
      console: true,
      terminal: { write: (text: string) => written.push(text), isTTY: true },
      env: {},
      coalesceMs: 50,
    });
    cleanups.push(() => notify.close());
    const client = await h.client(t.server.mcpUrl);
    for (let i = 0; i < 5; i++) void askApproval(client, 'Bash', { command: `make step${i}` }).catch(() => {});
    await waitFor(() => one.source.snapshot().pending.length === 5, 5000, 'five calls');
    await waitFor(() => written.length > 0, 5000, 'the notice');
    expect(written[0]).toMatch(/^\u001b\]9;cco: 5 asks/);
    const first = one.source.snapshot().pending[0]!.id;
    t.broker.decide(first, { behavior: 'allow' });
    await waitFor(() => seen.includes(`-${first}`), 5000, 'the decided call to leave');
    await t.close();
    await waitFor(() => seen.filter((e) => e.startsWith('-')).length === 5, 5000, 'every call to leave with the connection');
    // One notice for the burst, however long it waited.
    expect(written).toHaveLength(1);
  });
});

describe('presence through remote consoles', () => {
  it('a connected console is someone present; its keys keep it so; closed, nobody is, and whenAway deny denies at once', async () => {
    const { t, presence } = await serverWithConsole({ whenAway: 'deny' });
    const client = await h.client(t.server.mcpUrl);
    expect(parseResult(await askApproval(client, 'Bash', { command: 'make a' }))).toMatchObject({
      behavior: 'deny',
      message: expect.stringContaining('No person is watching'),
    });

    const one = await remote(endpointOf(t));
    await waitFor(() => presence.view().consoles === 1, 5000, 'the console to count');
    const before = presence.view().lastActiveAt!;
    await new Promise((r) => setTimeout(r, 5));
    one.source.activity();
    await waitFor(() => presence.view().lastActiveAt! > before, 5000, 'the key to reach the server');
    const waiting = askApproval(client, 'Bash', { command: 'make b' });
    await waitFor(() => one.source.snapshot().pending.length === 1, 5000, 'the call to wait for the person');
    await one.source.decide(one.source.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect(parseResult(await waiting)).toMatchObject({ behavior: 'allow' });

    one.source.close();
    await waitFor(() => presence.view().consoles === 0, 5000, 'the closed console to stop counting');
    expect(parseResult(await askApproval(client, 'Bash', { command: 'make c' }))).toMatchObject({ behavior: 'deny' });
    expect(t.broker.snapshot().recent[0]?.decision.decidedBy).toBe('away');
  });
});

describe('the console routes refuse what they should', () => {
  const api = (t: TestServer, path: string, init: RequestInit = {}, token = t.token) =>
    fetch(`${t.server.url}/api/console${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });

  it('every route needs the decision token; the /mcp token is not it', async () => {
    const { t } = await serverWithConsole();
    for (const [path, method] of [
      ['/stream', 'GET'],
      ['/asks', 'GET'],
      ['/disk?path=/etc/passwd', 'GET'],
      ['/always', 'POST'],
      ['/activity', 'POST'],
    ] as const) {
      const res = await api(t, path, { method, ...(method === 'POST' ? { body: '{}' } : {}) }, 'wrong');
      expect(res.status, path).toBe(401);
    }
  });

  it('a grant that is not one is refused with 400 and nothing is saved', async () => {
    const { t, deps } = await serverWithConsole();
    const grant = { pattern: 'Bash(npm test:*)', fields: {}, scope: 'every agent, 1h', callId: 'c1' };
    for (const [body, why] of [
      ['not json', /JSON/],
      [JSON.stringify({}), /"grant"/],
      [JSON.stringify({ grant: { ...grant, action: 'deny' } }), /"grant"/],
      [JSON.stringify({ grant: { ...grant, fields: { session: 's1', expires: 1 } } }), /"grant"/],
      [JSON.stringify({ grant: { ...grant, pattern: '' } }), /"grant"/],
      [JSON.stringify({ grant: { ...grant, pattern: 'x'.repeat(5000) } }), /"grant"/],
      [JSON.stringify({ grant: { ...grant, forMs: -5 } }), /"grant"/],
      [JSON.stringify({ grant: { ...grant, pattern: 'Bash(npm test:*' } }), /not a rule cco can save/],
    ] as const) {
      const res = await api(t, '/always', { method: 'POST', body });
      expect(res.status, body).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message, body).toMatch(why);
    }
    expect(deps.store.readFile().rules ?? []).toEqual([]);
  });

  it('past asks: a limit that is not a small whole number is refused', async () => {
    const { t } = await serverWithConsole();
    for (const q of ['0', '-1', '1.5', 'x', '100000']) expect((await api(t, `/asks?limit=${q}`)).status, q).toBe(400);
    expect(await (await api(t, '/asks?limit=5')).json()).toEqual({ entries: [] });
  });

  it('a server started without the console routes answers 404 there, and the console says what it is', async () => {
    const t = await h.start();
    const source = new RemoteSource({ endpoint: async () => ({ url: t.server.url, token: t.token }) });
    cleanups.push(() => source.close());
    await expect(source.start()).rejects.toThrow(/no console stream \(HTTP 404\)/);
  });
});

describe('the file a Write would replace, read on the server', () => {
  it('a kernel file is not read, however it is named (no server environment on screen)', async () => {
    const { t, dir } = await serverWithConsole();
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/proc/self/environ', join(dir, 'env-link'));
    const one = await remote(endpointOf(t));
    const client = await h.client(t.server.mcpUrl);
    for (const file_path of ['/proc/self/environ', join(dir, 'env-link')]) void askApproval(client, 'Write', { file_path, content: 'x' }).catch(() => {});
    await waitFor(() => one.source.snapshot().pending.length === 2, 5000, 'both Writes');
    for (const p of ['/proc/self/environ', join(dir, 'env-link')]) {
      expect(await one.source.readFile(p)).toEqual({ kind: 'skipped', why: 'it is a kernel file (/proc, /sys or /dev)' });
    }
  });
});
