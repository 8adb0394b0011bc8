import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { AlertBoard } from '../../src/core/alerts.js';
import { StatusBoard } from '../../src/core/console-status.js';
import { Presence } from '../../src/core/presence.js';
import type { ConsoleApiDeps } from '../../src/server/console-api.js';
import { testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

function deps(presence: Presence): ConsoleApiDeps {
  return {
    instance: 'i',
    version: '0',
    mcpUrl: () => 'http://127.0.0.1:1/mcp',
    homeDir: '/home/me',
    status: new StatusBoard({ agents: 0, defaultAction: 'ask', rules: 0 }),
    alerts: new AlertBoard(),
    pastAsks: () => [],
    readFile: async () => ({ kind: 'absent' }),
    presence,
    alwaysAllow: async () => {
      throw new Error('not here');
    },
  };
}

/** Open the console stream and drop the connection at `when`. */
function openAndDrop(t: TestServer, when: 'sent' | 'headers' | 'first-byte'): Promise<void> {
  const url = new URL(`${t.server.url}/api/console/stream`);
  return new Promise((resolve) => {
    const req = request(url, { headers: { authorization: `Bearer ${t.token}` } }, (res) => {
      if (when === 'headers') {
        req.destroy();
        resolve();
        return;
      }
      res.on('error', () => {});
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', () => resolve());
    req.end();
    if (when === 'sent') {
      setImmediate(() => {
        req.destroy();
        resolve();
      });
    }
  });
}

describe('presence counts the console streams that are open, whatever way they end', () => {
  it('many streams dropped at every stage leave no console counted; then whenAway deny denies at once', async () => {
    let now = 1_000_000;
    const presence = new Presence({ now: () => now }, 60_000);
    const t = await h.start({ console: deps(presence), presence, whenAway: 'deny' });
    const stages = ['sent', 'headers', 'first-byte'] as const;
    await Promise.all(Array.from({ length: 60 }, (_, i) => openAndDrop(t, stages[i % 3]!)));
    await waitFor(() => presence.view().consoles === 0, 5000, 'every dropped stream to be let go');
    now += 1;
    const d = await t.broker.request({ toolName: 'Bash', input: { command: 'ls' } });
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'away' });
  });

  it('a console that stops reading is dropped past the backlog, and no longer counts', async () => {
    const presence = new Presence({ now: () => Date.now() }, 60_000);
    const t = await h.start({ console: deps(presence), presence, whenAway: 'wait' });
    const url = new URL(`${t.server.url}/api/console/stream`);
    const req = request(url, { headers: { authorization: `Bearer ${t.token}` } }, (res) => {
      res.on('error', () => {});
      res.pause();
    });
    // The server drops this reader: its connection then breaks, as expected.
    req.on('error', () => {});
    req.end();
    await waitFor(() => presence.view().consoles === 1, 5000, 'the console to attach');
    // Big waiting calls: 24 MB of events for a reader that takes none, past the 8 MiB backlog (and the socket's buffers).
    const big = 'x'.repeat(200_000);
    const asks = Array.from({ length: 120 }, (_, i) => t.broker.request({ toolName: 'Write', input: { file_path: `/tmp/f${i}`, content: big } }));
    await waitFor(() => presence.view().consoles === 0, 10_000, 'the stalled console to be dropped');
    t.broker.shutdown();
    await Promise.all(asks);
    req.destroy();
  });
});

describe('the console routes behind the decision token and the host guard', () => {
  const paths = [
    '/api/console/stream',
    '/api/console/stream/',
    '//api/console/stream',
    '/api//console/stream',
    '/api/console/./stream',
    '/api/x/../console/stream',
    '/api/%63onsole/stream',
    '/%61pi/console/stream',
    '/api%2Fconsole/stream',
    '/API/console/stream',
    '/api/console/activity',
    '/api/console/always',
    '/api/console/asks',
    '/api/console/disk?path=/etc/passwd',
  ];

  /** Status of a raw request (no URL normalization by the client). */
  function status(t: TestServer, path: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
    const { port } = new URL(t.server.url);
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, method, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
        res.on('error', () => {});
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  }

  it('no path spelling reaches them without the decision token; the /mcp token is not it', async () => {
    const presence = new Presence({ now: () => Date.now() }, 60_000);
    const t = await h.start({ console: deps(presence), presence, mcpToken: 'agent-token' });
    for (const path of paths) {
      for (const method of ['GET', 'POST']) {
        for (const headers of [
          {} as Record<string, string>,
          { authorization: 'Bearer agent-token' },
          { authorization: 'Basic dGVzdC10b2tlbg==' },
          { authorization: 'Bearer' },
        ]) {
          const s = await status(t, path, headers, method);
          expect([401, 403, 404], `${method} ${path} ${JSON.stringify(headers)}: ${s}`).toContain(s);
        }
      }
    }
    expect(presence.view().consoles).toBe(0);
  });

  it('a page on another name (DNS rebinding) or origin is refused even with the token', async () => {
    const presence = new Presence({ now: () => Date.now() }, 60_000);
    const t = await h.start({ console: deps(presence), presence });
    const auth = { authorization: `Bearer ${t.token}` };
    expect(await status(t, '/api/console/activity', { ...auth, host: 'evil.example:8660' }, 'POST')).toBe(403);
    expect(await status(t, '/api/console/activity', { ...auth, origin: 'http://evil.example' }, 'POST')).toBe(403);
    expect(await status(t, '/api/console/activity', { ...auth, origin: 'null' }, 'POST')).toBe(403);
    expect(await status(t, '/api/console/activity', { ...auth, host: '127.0.0.1.evil.example' }, 'POST')).toBe(403);
    expect(presence.view().lastActiveAt).toBeUndefined();
    expect(await status(t, '/api/console/activity', auth, 'POST')).toBe(204);
  });
});

describe('a remote console reconnecting by itself is not a person', () => {
  it('a stream reopened with ?resumed=1 counts as a console but not as a key; a first open is both', async () => {
    let now = 1_000_000;
    const presence = new Presence({ now: () => now }, 60_000);
    const t = await h.start({ console: deps(presence), presence, whenAway: 'deny' });
    const open = (path: string) =>
      new Promise<() => void>((resolve, reject) => {
        const req = request(new URL(`${t.server.url}${path}`), { headers: { authorization: `Bearer ${t.token}` } }, (res) => {
          res.on('error', () => {});
          res.once('data', () => resolve(() => req.destroy()));
        });
        req.on('error', reject);
        req.end();
      });
    const first = await open('/api/console/stream');
    expect(presence.view()).toMatchObject({ consoles: 1, lastActiveAt: 1_000_000, away: false });
    first();
    await waitFor(() => presence.view().consoles === 0, 5000, 'the stream to close');
    // An hour later nobody has pressed a key; the console's link flapped and it reconnected.
    now += 3_600_000;
    const again = await open('/api/console/stream?resumed=1');
    expect(presence.view()).toMatchObject({ consoles: 1, lastActiveAt: 1_000_000, away: true });
    expect(await t.broker.request({ toolName: 'Bash', input: { command: 'ls' } })).toMatchObject({ behavior: 'deny', decidedBy: 'away' });
    again();
  });
});
