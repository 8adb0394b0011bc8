// Reaction latency: a call waits for a person; the decision is made (by the decision API, or by
// the key `a` sent to `cco watch` in tmux) and we time until the answer reaches the MCP client.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { HttpConnection, Session } from '../lib/mcp-client.mjs';
import { ccoHome, CCO, serverFile, startServer } from '../lib/servers.mjs';
import { percentile } from '../lib/proc.mjs';
import { Tmux, until, watchCommand } from '../lib/tmux.mjs';

const sorted = (xs) => [...xs].sort((a, b) => a - b);
const summary = (xs) => ({ n: xs.length, p50: percentile(sorted(xs), 50), p90: percentile(sorted(xs), 90) });

/** The decision API over one keep-alive connection, so the client's own cost stays out of the figure. */
async function apiClient(info) {
  const conn = await HttpConnection.open(Number(new URL(info.url).port));
  const headers = { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' };
  return {
    async call(method, path, body) {
      const r = await conn.request(method, `/api${path}`, headers, body ? JSON.stringify(body) : '');
      return r.messages[0];
    },
    close: () => conn.close(),
  };
}

/** Decision API: POST /api/pending/:id/approve → allow at the client. */
export async function reactionApi({ full }) {
  const n = full ? 50 : 20;
  const server = await startServer('cco', { home: ccoHome() });
  try {
    const info = serverFile(server.home);
    const api = await apiClient(info);
    const session = await Session.open({ port: server.port, roots: '/tmp/bench-agent' });
    const total = [];
    const viaApi = [];
    for (let i = 0; i < n + 3; i++) {
      const answer = session.call({ command: `echo reaction-${i} > out.txt` });
      const id = await until(async () => (await api.call('GET', '/pending')).pending[0]?.id, 10_000, 1, 'a pending call');
      const t0 = performance.now();
      await api.call('POST', `/pending/${id}/approve`);
      const t1 = performance.now();
      const text = await answer;
      const t2 = performance.now();
      if (!text.includes('"allow"')) throw new Error(`expected an allow, got ${text}`);
      if (i >= 3) {
        total.push(t2 - t0);
        viaApi.push(t1 - t0);
      }
    }
    session.close();
    api.close();
    return { total: summary(total), apiCall: summary(viaApi) };
  } finally {
    await server.stop();
    rmSync(server.home, { recursive: true, force: true });
  }
}

/** Key `a` sent to `cco watch` in tmux → allow at the client. */
export async function reactionTmux({ full }) {
  const n = full ? 40 : 20;
  const home = ccoHome();
  const tmux = new Tmux('reaction');
  try {
    tmux.start(watchCommand(process.execPath, CCO, home));
    await until(() => existsSync(join(home, 'server.json')), 15_000, 20, 'cco watch to start');
    const info = serverFile(home);
    const session = await Session.open({ port: Number(new URL(info.url).port), roots: '/tmp/bench-agent' });
    const total = [];
    const sendKeys = [];
    for (let i = 0; i < n + 2; i++) {
      const marker = `reaction-${i}-x`;
      const answer = session.call({ command: `echo ${marker} > out.txt` });
      await until(() => tmux.screen().includes(marker), 10_000, 5, `the call on screen (${marker})`);
      // The console ignores a decision key for 300 ms after the selected call changes.
      await new Promise((r) => setTimeout(r, 400));
      const t0 = performance.now();
      tmux.press('a');
      const pressed = performance.now();
      const text = await answer;
      const t1 = performance.now();
      if (!text.includes('"allow"')) throw new Error(`expected an allow, got ${text}`);
      if (i >= 2) {
        total.push(t1 - t0);
        sendKeys.push(pressed - t0);
      }
    }
    session.close();
    // `tmux send-keys` runs a tmux client process: part of the figure, though not cco's.
    return { total: summary(total), sendKeys: summary(sendKeys) };
  } finally {
    tmux.kill();
    rmSync(home, { recursive: true, force: true });
  }
}
