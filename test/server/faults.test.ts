/**
 * Faults at the HTTP edge: clients that stop reading, sessions left behind, an events reader that
 * falls behind. (A client that disconnects mid-wait: cancel.test.ts; a config broken while running:
 * commands/hot-reload.test.ts; an unwritable audit folder: store/audit.test.ts; SIGTERM during a
 * burst: commands/faults-process.test.ts.)
 */
import { request, type IncomingMessage } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { startServer } from '../../src/server/listen.js';
import type { TestServer } from '../helpers/server.js';
import { askApproval, connectClient, mcpHeaders, parseResult, rawInitialize, sessionIdOf, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
  await h.cleanup();
});

const nothingAllowed = (t: Pick<TestServer, 'broker'>) => expect(t.broker.snapshot().counts.allowed).toBe(0);

/** A request whose response is never read: the socket is paused as soon as headers arrive. */
function unreadRequest(url: string, headers: Record<string, string>, body?: string) {
  const u = new URL(url);
  let response: IncomingMessage | undefined;
  const req = request({ host: u.hostname, port: u.port, path: u.pathname, method: body === undefined ? 'GET' : 'POST', headers, agent: false }, (res) => {
    res.pause();
    response = res;
  });
  req.on('error', () => {});
  if (body !== undefined) req.write(body);
  req.end();
  return { req, response: () => response };
}

function gc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('faults', () => {
  it('a client that never reads its stream, flooded with progress: others are served, and when it goes its call is cancelled, not allowed', async () => {
    const t = await h.start({ progressIntervalMs: 2 });
    const sid = await rawInitialize(t.server.mcpUrl);
    const stuck = unreadRequest(
      t.server.mcpUrl,
      mcpHeaders(sid),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 5,
        method: 'tools/call',
        params: { name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: 'stuck' } }, _meta: { progressToken: 5 } },
      }),
    );
    await waitFor(() => t.broker.snapshot().pending.length === 1 && stuck.response() !== undefined, 5000, 'the stuck call to be pending');
    const stuckId = t.broker.snapshot().pending[0]!.id;

    // Meanwhile another agent is served as usual.
    const other = await h.client(t.server.mcpUrl);
    const answer = askApproval(other, 'Bash', { command: 'other' });
    await waitFor(() => t.broker.snapshot().pending.length === 2, 5000, 'the other call');
    const otherId = t.broker.snapshot().pending.find((p) => p.id !== stuckId)!.id;
    t.broker.decide(otherId, { behavior: 'deny', message: 'served' });
    expect(parseResult(await answer)).toEqual({ behavior: 'deny', message: 'served' });

    stuck.req.destroy();
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the stuck call to leave the queue');
    expect(t.broker.snapshot().counts).toEqual({ allowed: 0, denied: 1, timedOut: 0, cancelled: 1 });
    expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
  });

  it('an /api/events reader that stops reading is dropped once it falls 64 KiB behind, instead of growing without end', async () => {
    const broker = new Broker({
      newId: (() => {
        let i = 0;
        return () => `e${++i}`;
      })(),
      timeoutMs: 60_000,
      policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }),
    });
    const server = await startServer({
      broker,
      apiToken: 'tok',
      host: '127.0.0.1',
      port: 0,
      version: '0',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
      eventBacklogBytes: 64 * 1024,
    });
    cleanups.push(() => server.close(500));
    const reader = unreadRequest(`${server.url}/api/events`, { authorization: 'Bearer tok' });
    await waitFor(() => reader.response() !== undefined, 5000, 'the events stream');
    // 40 MB of events: far more than socket buffers hold, so the server's queue must overflow.
    const big = 'x'.repeat(10_000);
    for (let i = 0; i < 2000; i++) await broker.request({ toolName: 'Bash', input: { command: `echo ${i}`, pad: big } });
    const res = reader.response()!;
    let bytes = 0;
    res.on('data', (d: Buffer) => (bytes += d.length));
    const ended = new Promise<void>((r) => res.once('end', () => r()));
    res.resume();
    await ended;
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThan(40_000_000);
    // New events still flow to a new reader.
    const again = await fetch(`${server.url}/api/events`, { headers: { authorization: 'Bearer tok' } });
    expect(again.status).toBe(200);
    await again.body?.cancel();
  });

  it('1,000 abandoned sessions are reaped and their memory returned; a live client (GET stream open) and a session with a waiting call are never reaped', async () => {
    const collect = gc();
    const idleMs = 60 * 60_000;
    const t = await h.start({ sessionIdleMs: idleMs });
    const live = await h.client(t.server.mcpUrl);
    const waitingSid = await rawInitialize(t.server.mcpUrl);
    const waiting = unreadRequest(
      t.server.mcpUrl,
      mcpHeaders(waitingSid),
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: 'waits' } } },
      }),
    );
    cleanups.push(async () => waiting.req.destroy());
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the waiting call');
    // Warm up (first-use allocations of the HTTP stack on both sides), then take the baseline.
    await Promise.all(Array.from({ length: 50 }, () => rawInitialize(t.server.mcpUrl)));
    t.server.reap(Date.now() + idleMs + 1000);
    await waitFor(() => t.server.sessions() === 2, 15_000, 'the warm-up sessions to be reaped');
    const heap = () => {
      collect();
      collect();
      return process.memoryUsage().heapUsed;
    };
    const base = heap();

    const abandoned: string[] = [];
    for (let i = 0; i < 1000; i += 50) abandoned.push(...(await Promise.all(Array.from({ length: 50 }, () => rawInitialize(t.server.mcpUrl)))));
    expect(t.server.sessions()).toBe(1002);
    const peak = heap();

    // Not yet idle long enough: nothing goes. An hour later (the clock passed in), the abandoned go.
    expect(t.server.reap(Date.now() + idleMs - 60_000)).toBe(0);
    expect(t.server.reap(Date.now() + idleMs + 1000)).toBe(1000);
    await waitFor(() => t.server.sessions() === 2, 15_000, 'the abandoned sessions to be reaped');
    // A session served on the lite route holds a few KB (one the SDK holds, about 30 KB).
    expect(peak - base).toBeGreaterThan(1_000_000);
    // What the sessions took is returned once their closing has settled: a second thousand,
    // reaped the same way, leaves the heap where the first left it (a fixed ~2 MB of the HTTP
    // stacks' first use remains after the first round, whatever the number of sessions).
    const settled = async (target: number) => {
      let now = heap();
      for (let i = 0; i < 50 && now >= target; i++) {
        await new Promise((r) => setTimeout(r, 100));
        now = heap();
      }
      return now;
    };
    const afterFirst = await settled(base + (peak - base) * 0.6);
    expect(afterFirst - base).toBeLessThan((peak - base) * 0.6);
    for (let i = 0; i < 1000; i += 50) await Promise.all(Array.from({ length: 50 }, () => rawInitialize(t.server.mcpUrl)));
    expect(t.server.reap(Date.now() + idleMs + 1000)).toBe(1000);
    await waitFor(() => t.server.sessions() === 2, 15_000, 'the second thousand to be reaped');
    const afterSecond = await settled(afterFirst + (peak - base) * 0.2);
    expect(afterSecond - afterFirst).toBeLessThan((peak - base) * 0.2);

    // A reaped session gets 404 -32001 (the client starts a new session); the live ones still work.
    const gone = await fetch(t.server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(abandoned[0]),
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { code: number } }).error.code).toBe(-32001);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    const r = askApproval(live, 'Bash', { command: 'still here' });
    await waitFor(() => t.broker.snapshot().pending.length === 2, 5000, 'the live client call');
    t.broker.decide(t.broker.snapshot().pending.find((p) => p.call.input.command === 'still here')!.id, { behavior: 'deny', message: 'ok' });
    expect(parseResult(await r)).toEqual({ behavior: 'deny', message: 'ok' });
    expect(sessionIdOf(live)).toBeDefined();
    nothingAllowed(t);
  });

  it('sessions are capped: a new one replaces the longest-idle session; when all are in use it gets 503 and nothing is cut', async () => {
    const broker = new Broker({
      newId: (() => {
        let i = 0;
        return () => `m${++i}`;
      })(),
      timeoutMs: 60_000,
    });
    const server = await startServer({
      broker,
      apiToken: 'tok',
      host: '127.0.0.1',
      port: 0,
      version: '0',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
      maxSessions: 3,
    });
    cleanups.push(async () => {
      broker.shutdown();
      await server.close(500);
    });
    const idle = [await rawInitialize(server.mcpUrl), await rawInitialize(server.mcpUrl), await rawInitialize(server.mcpUrl)];
    const fourth = await rawInitialize(server.mcpUrl);
    expect(server.sessions()).toBe(3);
    const first = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(idle[0]),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(first.status).toBe(404);

    // Every remaining session holds a waiting call: a new one is refused, and they keep waiting.
    const holders = [idle[1]!, idle[2]!, fourth].map((sid, i) =>
      unreadRequest(
        server.mcpUrl,
        mcpHeaders(sid),
        JSON.stringify({
          jsonrpc: '2.0',
          id: 1,
          method: 'tools/call',
          params: { name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: `hold ${i}` } } },
        }),
      ),
    );
    cleanups.push(async () => holders.forEach((hd) => hd.req.destroy()));
    await waitFor(() => broker.snapshot().pending.length === 3, 5000, 'three waiting calls');
    const refused = await fetch(server.mcpUrl, {
      method: 'POST',
      headers: mcpHeaders(),
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '1' } },
      }),
    });
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: number; message: string } }).error).toMatchObject({
      code: -32000,
      message: expect.stringMatching(/Too many sessions/),
    });
    expect(server.sessions()).toBe(3);
    expect(broker.snapshot().pending).toHaveLength(3);
    nothingAllowed({ broker });
  });

  it('waiting calls are capped: past the cap a new call is denied at once, saying why; the waiting ones are untouched', async () => {
    const broker = new Broker({
      newId: (() => {
        let i = 0;
        return () => `w${++i}`;
      })(),
      timeoutMs: 60_000,
      maxPending: 3,
    });
    const waits = [1, 2, 3].map((i) => broker.request({ toolName: 'Bash', input: { command: `wait ${i}` } }));
    const fourth = await broker.request({ toolName: 'Bash', input: { command: 'one too many' } });
    expect(fourth).toMatchObject({ behavior: 'deny', decidedBy: 'error', message: expect.stringMatching(/already has 3 calls waiting.*cco pending/) });
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['wait 1', 'wait 2', 'wait 3']);
    broker.decide('w1', { behavior: 'deny', message: 'no' });
    expect(await waits[0]).toMatchObject({ behavior: 'deny', message: 'no' });
    // Room again: the next call waits.
    void broker.request({ toolName: 'Bash', input: { command: 'fits now' } });
    expect(broker.snapshot().pending).toHaveLength(3);
    broker.shutdown();
    await Promise.all(waits);
    nothingAllowed({ broker });
  });
});

describe('request deadline and connection cap', () => {
  it('a body that trickles in is answered 408 and its connection closed; a waiting call is not cut by the deadline', async () => {
    const { connect } = await import('node:net');
    let i = 0;
    const broker = new Broker({ newId: () => `d${++i}`, timeoutMs: 60_000 });
    const server = await startServer({
      broker,
      apiToken: 'tok',
      host: '127.0.0.1',
      port: 0,
      version: '0',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
      requestDeadlineMs: 300,
    });
    cleanups.push(() => server.close(500));
    const u = new URL(server.url);

    // A waiting call, held well past the deadline, still gets its answer.
    const client = await connectClient(server.mcpUrl);
    cleanups.push(() => client.close());
    const answer = askApproval(client, 'Bash', { command: 'npm test' });
    await waitFor(() => broker.snapshot().pending.length === 1, 5000, 'the call to wait');
    await new Promise((r) => setTimeout(r, 1000));
    broker.decide(broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'late but whole' });
    expect(parseResult(await answer)).toEqual({ behavior: 'deny', message: 'late but whole' });

    // A POST that never finishes its body.
    const socket = connect(Number(u.port), u.hostname);
    let got = '';
    socket.on('data', (d) => (got += d.toString()));
    const closed = new Promise<void>((r) => socket.on('close', () => r()));
    socket.write(`POST /mcp HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"jsonrpc"`);
    await closed;
    expect(got).toMatch(/^HTTP\/1\.1 408/);
    expect(broker.snapshot().counts.allowed).toBe(0);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  });
});
