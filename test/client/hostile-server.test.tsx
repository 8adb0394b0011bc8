import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RemoteSource } from '../../src/client/remote-source.js';
import { CONSOLE_WIRE_FORMAT } from '../../src/core/console-wire.js';
import { UserError } from '../../src/core/errors.js';
import { App } from '../../src/tui/App.js';

/** A server that speaks the console stream as told: a hostile one, or a broken one. */
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function fakeServer(onStream: (res: ServerResponse) => void, urls: string[] = []): Promise<string> {
  const server: Server = createServer((req, res) => {
    urls.push(req.url ?? '');
    if (req.url?.split('?')[0] === '/api/console/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      onStream(res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"no"}}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const ESC_TITLE = '\u001b]0;owned\u0007';
const CLEAR = '\u001b[2J';

function snapshot(over: Record<string, unknown> = {}) {
  const now = Date.now();
  return {
    format: CONSOLE_WIRE_FORMAT,
    instance: 'x',
    server: { version: '9', mcpUrl: `http://127.0.0.1:1/mcp${ESC_TITLE}${CLEAR}`, homeDir: `/home/me${ESC_TITLE}` },
    pending: [{ id: 'p1', call: { toolName: 'Bash', input: { command: 'ls' } }, receivedAt: now, deadline: now + 60_000 }],
    recent: [
      {
        id: 'r1',
        call: { toolName: 'Bash', input: { command: 'pwd' } },
        receivedAt: now - 1000,
        deadline: now + 60_000,
        decision: { behavior: 'allow', decidedBy: `rule:x${ESC_TITLE}${CLEAR}`, at: now - 500 },
      },
    ],
    counts: { allowed: 1, denied: 0, timedOut: 0, cancelled: 0 },
    status: { agents: 1, defaultAction: 'ask', rules: 0 },
    alerts: [{ key: `k${ESC_TITLE}`, message: `alert${ESC_TITLE}` }],
    ...over,
  };
}

const sse = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

describe('a remote console facing a hostile server', () => {
  it('shows no escape sequence the server sent: not in the header URL, nor in who decided a call', async () => {
    const url = await fakeServer((res) => res.write(sse('snapshot', snapshot())));
    const source = new RemoteSource({ endpoint: async () => ({ url, token: 't' }), retryMs: () => 50 });
    cleanups.push(() => source.close());
    const server = await source.start();
    const ui = render(
      <App
        source={source}
        url={server.mcpUrl}
        version="0.0.0"
        onQuit={() => {}}
        decisionGuardMs={0}
        throttleMs={0}
        alerts={source.alerts}
        status={source.status}
      />,
    );
    cleanups.push(ui.unmount);
    const frame = () => ui.lastFrame() ?? '';
    await vi.waitFor(() => expect(frame()).toContain('ls'));
    // The history, where the decider is shown.
    ui.stdin.write('\t');
    await vi.waitFor(() => expect(frame()).toContain('pwd'));
    // The history's detail: who decided it.
    await vi.waitFor(() => expect(frame()).toMatch(/allowed by rule:x/));
    const frames = ui.frames.join('\n');
    expect(frames).not.toContain('\u0007');
    expect(frames).not.toContain('\u001b]');
    expect(frames).not.toContain(CLEAR);
  });
});

describe('a remote console on a slow link', () => {
  it('a snapshot that takes longer than the silence limit to arrive, bytes flowing all along, is not taken for a dead link', async () => {
    const text = sse('snapshot', snapshot({ server: { version: '9', mcpUrl: 'http://127.0.0.1:1/mcp', homeDir: '/home/me' }, alerts: [] }));
    const timers: ReturnType<typeof setInterval>[] = [];
    cleanups.push(() => timers.forEach(clearInterval));
    const url = await fakeServer((res) => {
      // The snapshot in 20 pieces, one every 50 ms: a second in all, the silence limit is 300 ms.
      const size = Math.ceil(text.length / 20);
      let at = 0;
      const t = setInterval(() => {
        res.write(text.slice(at, at + size));
        at += size;
        if (at >= text.length) clearInterval(t);
      }, 50);
      timers.push(t);
    });
    const source = new RemoteSource({ endpoint: async () => ({ url, token: 't' }), retryMs: () => 50, silenceMs: 300 });
    cleanups.push(() => source.close());
    await source.start();
    expect(source.snapshot().pending.map((p) => p.id)).toEqual(['p1']);
  });
});

describe('an address that answers 200 but is not a cco console stream', () => {
  it.each([
    ['an HTML page', (res: ServerResponse) => res.end('<html><body>hello</body></html>')],
    ['a stream that ends at once', (res: ServerResponse) => res.end()],
    ['an event that is not JSON', (res: ServerResponse) => res.end('event: snapshot\ndata: {nope\n\n')],
    ['a ping before any snapshot', (res: ServerResponse) => res.write(sse('ping', {}))],
  ])('%s: the first connection fails with a message the person can act on (exit 2)', async (_what, onStream) => {
    const url = await fakeServer(onStream);
    const source = new RemoteSource({ endpoint: async () => ({ url, token: 't' }), retryMs: () => 50, silenceMs: 2000 });
    cleanups.push(() => source.close());
    const error = await source.start().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).message).toMatch(/did not send the console's snapshot/);
    expect((error as UserError).exitCode).toBe(2);
  });
});

describe('reconnecting', () => {
  it('the console tells the server a reconnect is its own (resumed), so it is not taken for a person at the keys', async () => {
    const urls: string[] = [];
    const url = await fakeServer(
      (res) => res.end(sse('snapshot', snapshot({ server: { version: '9', mcpUrl: 'http://127.0.0.1:1/mcp', homeDir: '/home/me' }, alerts: [] }))),
      urls,
    );
    const source = new RemoteSource({ endpoint: async () => ({ url, token: 't' }), retryMs: () => 20 });
    cleanups.push(() => source.close());
    await source.start();
    await vi.waitFor(() => expect(urls.length).toBeGreaterThanOrEqual(2));
    expect(urls[0]).toBe('/api/console/stream');
    expect(urls[1]).toBe('/api/console/stream?resumed=1');
  });
});
