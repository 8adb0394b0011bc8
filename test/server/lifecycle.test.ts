import { afterEach, describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { UserError } from '../../src/core/errors.js';
import { startServer } from '../../src/server/listen.js';
import { askApproval, parseResult, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

describe('server lifecycle', () => {
  it('shutdown with two calls pending → both clients get deny with the shutdown message', async () => {
    const t = await h.start();
    const a = await h.client(t.server.mcpUrl);
    const b = await h.client(`${t.server.url}/mcp/other`);
    // A short client timeout so a lost answer fails this test quickly instead of hanging it.
    const ra = askApproval(a, 'Bash', { command: 'a > x' }, { timeout: 5000 });
    const rb = askApproval(b, 'Write', { file_path: '/tmp/b', content: 'b' }, { timeout: 5000 });
    await waitFor(() => t.broker.snapshot().pending.length === 2, 5000, 'two pending calls');
    t.broker.shutdown('cco stopped for test');
    const closing = Date.now();
    await t.server.close();
    // The answers went out before the close, without sitting out its 3 s cap.
    expect(Date.now() - closing).toBeLessThan(2000);
    expect(parseResult(await ra)).toEqual({ behavior: 'deny', message: 'cco stopped for test' });
    expect(parseResult(await rb)).toEqual({ behavior: 'deny', message: 'cco stopped for test' });
    expect(t.broker.snapshot().counts).toEqual({ allowed: 0, denied: 2, timedOut: 0, cancelled: 0 });
    expect(t.broker.snapshot().recent.map((d) => d.decision.decidedBy)).toEqual(['shutdown', 'shutdown']);
    // The server is really gone.
    await expect(fetch(`${t.server.url}/health`)).rejects.toThrow();
  });

  it('a call arriving after shutdown (server still up) → the same deny, at once', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    t.broker.shutdown('cco stopped for test');
    const late = await askApproval(client, 'Bash', { command: 'late > x' });
    expect(parseResult(late)).toEqual({ behavior: 'deny', message: 'cco stopped for test' });
    expect(t.broker.snapshot().pending).toHaveLength(0);
  });

  it('a port in use → rejects with an error naming the port and --port', async () => {
    const t = await h.start();
    const port = t.server.port;
    const error = await startServer({
      broker: new Broker({ newId: () => 'x', timeoutMs: 1000 }),
      apiToken: 'other-token',
      host: '127.0.0.1',
      port,
      version: '0.0.0-test',
      progressIntervalMs: 30_000,
      sessionIdleMs: 60_000,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain(String(port));
    expect(message).toContain('--port');
    // The running server is unharmed.
    expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
  });
});
