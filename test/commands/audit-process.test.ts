/**
 * The audit log with the real binary: decisions survive `kill -9`, the call that was waiting is
 * logged as interrupted after a restart, `cco log --follow` shows decisions live, and named
 * agents are told apart everywhere.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { localPerson } from '../../src/store/tokens.js';
import { askApproval, connectClient, parseResult, waitFor } from '../helpers/server.js';
import { BIN, cco, pendingId, startServe, type Served } from './cco-process.js';

const homes: string[] = [];
const served: Served[] = [];
let clients: Client[] = [];
async function newHome(config?: object): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'cco-audit-'));
  homes.push(home);
  if (config) await writeFile(join(home, 'config.json'), JSON.stringify(config));
  return home;
}
async function serve(home: string) {
  const s = await startServe(home);
  served.push(s);
  return s;
}
async function client(url: string, init?: RequestInit) {
  const c = await connectClient(url, init);
  clients.push(c);
  return c;
}
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  clients = [];
  await Promise.all(served.splice(0).map((s) => s.stop()));
});
afterAll(() => Promise.all(homes.map((h) => rm(h, { recursive: true, force: true }))));

const logJson = async (home: string, ...args: string[]) => {
  const r = await cco(['log', '--json', ...args], home);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};

describe('audit log, real process', () => {
  it('kill -9 while a call waits: answered decisions are in the log, the waiting call is interrupted after restart', async () => {
    const home = await newHome({ rules: [{ id: 'r1', pattern: 'Bash(npm test)', action: 'allow' }] });
    const s = await serve(home);
    const c = await client(s.info.mcpUrl);
    expect(parseResult(await askApproval(c, 'Bash', { command: 'npm test' }))).toMatchObject({ behavior: 'allow' });
    const approved = askApproval(c, 'Bash', { command: 'echo a > x' });
    const id1 = await pendingId(s.serverFile, 'echo a > x');
    await (await ApiClient.fromServerFile(s.serverFile)).request('POST', `/api/pending/${id1}/approve`);
    expect(parseResult(await approved)).toMatchObject({ behavior: 'allow' });
    const denied = askApproval(c, 'Bash', { command: 'echo b > y' });
    const id2 = await pendingId(s.serverFile, 'echo b > y');
    expect((await cco(['deny', id2, '-m', 'not now'], home)).code).toBe(0);
    expect(parseResult(await denied)).toEqual({ behavior: 'deny', message: 'not now' });
    void askApproval(c, 'Bash', { command: 'echo c > z' }).catch(() => 'failed');
    const id3 = await pendingId(s.serverFile, 'echo c > z');

    s.child.kill('SIGKILL');
    expect((await s.exited).signal).toBe('SIGKILL');
    const before = await logJson(home);
    expect(before.map((r) => [r.input, r.decision, r.decidedBy])).toEqual([
      [{ command: 'npm test' }, 'allow', 'rule:r1'],
      [{ command: 'echo a > x' }, 'allow', 'user'],
      [{ command: 'echo b > y' }, 'deny', 'user'],
      [{ command: 'echo c > z' }, 'pending', undefined],
    ]);

    const s2 = await serve(home);
    const after = await logJson(home);
    expect(after.find((r) => r.id === id3)).toMatchObject({ decision: 'deny', decidedBy: 'interrupted' });
    expect(after.filter((r) => r.decidedBy === 'interrupted')).toHaveLength(1);
    expect((await logJson(home, '--decision', 'interrupted')).map((r) => r.id)).toEqual([id3]);
    expect((await cco(['log', '--decision', 'interrupted'], home)).stdout).toMatch(new RegExp(`${id3}\\s+.*denied\\s+interrupted`));
    // Restarting again does not interrupt it twice.
    await s2.stop();
    await serve(home);
    expect((await logJson(home)).filter((r) => r.decidedBy === 'interrupted')).toHaveLength(1);
  });

  it('cco log --follow prints a new decision within a second', async () => {
    const home = await newHome();
    const s = await serve(home);
    const child = spawn(process.execPath, [BIN, 'log', '--follow'], {
      env: { ...process.env, CCO_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor(() => out.includes('following decisions'), 10_000, 'follow to connect');
      const c = await client(s.info.mcpUrl);
      const call = askApproval(c, 'Bash', { command: 'echo followed > f' });
      const id = await pendingId(s.serverFile, 'echo followed > f');
      // The event stream is open once the server counts a listener; then a decision shows within a second.
      await (await ApiClient.fromServerFile(s.serverFile)).request('POST', `/api/pending/${id}/approve`);
      const decidedAt = Date.now();
      await waitFor(() => out.includes(id), 1000, 'the decision in --follow output');
      expect(Date.now() - decidedAt).toBeLessThan(1000);
      expect(out).toMatch(new RegExp(`${id}\\s+test-agent#\\w+\\s+Bash\\s+allowed\\s+${localPerson()}\\s+\\S+\\s+echo followed > f`));
      await call;
      // Rows keep the header's columns, though they arrive after it.
      const lines = out.split('\n');
      const header = lines.find((l) => l.startsWith('TIME'))!;
      const row = lines.find((l) => l.includes(id))!;
      expect(row.indexOf('allowed')).toBe(header.indexOf('DECISION'));
      expect(row.indexOf('echo followed')).toBe(header.indexOf('SUMMARY'));
      // When the server stops, --follow says so, waits, and goes on with the next server (tail -F).
      await s.stop();
      await waitFor(() => out.includes('the server stopped; waiting for it to start again'), 10_000, 'the stop notice');
      expect(child.exitCode).toBeNull();
      const s2 = await serve(home);
      await waitFor(() => out.split('following decisions').length === 3, 10_000, 'follow to reconnect');
      const c2 = await client(s2.info.mcpUrl);
      const again = askApproval(c2, 'Bash', { command: 'echo again > g' });
      const id2 = await pendingId(s2.serverFile, 'echo again > g');
      await (await ApiClient.fromServerFile(s2.serverFile)).request('POST', `/api/pending/${id2}/deny`, { message: 'no' });
      await waitFor(() => out.includes(id2), 5000, 'a decision of the restarted server');
      await again;
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('cco log --follow waits for a server without piling up timers or warnings', async () => {
    const home = await newHome();
    const child = spawn(process.execPath, [BIN, 'log', '--follow'], {
      env: { ...process.env, CCO_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await waitFor(() => err.includes('no server is running'), 10_000, 'the waiting notice');
      // Each retry (every 0.5 s) used to leave a listener on the stop signal: Node warned at the 11th.
      await new Promise((r) => setTimeout(r, 6500));
      expect(err).not.toMatch(/MaxListenersExceeded|memory leak/);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGTERM');
    }
  }, 20_000);

  it('cco log --follow --json prints what cco log --json prints for the same call', async () => {
    const home = await newHome({ rules: [{ id: 'r1', pattern: 'Bash(npm test)', action: 'allow' }] });
    const s = await serve(home);
    const child = spawn(process.execPath, [BIN, 'log', '--follow', '--json'], {
      env: { ...process.env, CCO_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    try {
      await waitFor(() => err.includes('following decisions'), 10_000, 'follow to connect');
      const c = await client(s.info.mcpUrl);
      await askApproval(c, 'Bash', { command: 'npm test' });
      const asked = askApproval(c, 'Bash', { command: 'echo x > y' });
      const id = await pendingId(s.serverFile, 'echo x > y');
      await (await ApiClient.fromServerFile(s.serverFile)).request('POST', `/api/pending/${id}/approve`, { updatedInput: { command: 'echo z > y' } });
      await asked;
      await waitFor(() => out.trim().split('\n').length === 2, 5000, 'two JSON lines');
      const followed = out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const logged = await logJson(home);
      expect(followed).toEqual(logged);
      expect(logged[1]).toMatchObject({ edited: true, updatedInput: { command: 'echo z > y' }, autoDecided: false });
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('agents named by /mcp/<name> and X-CCO-Agent are told apart in pending --json, the audit file and an --agent rule', async () => {
    const home = await newHome({ rules: [{ id: 'r1', pattern: 'Bash(make:*)', action: 'allow', agent: 'frontend' }] });
    const s = await serve(home);
    const frontend = await client(`${s.info.url}/mcp/frontend`);
    const backend = await client(s.info.mcpUrl, { headers: { 'X-CCO-Agent': 'backend' } });
    expect(parseResult(await askApproval(frontend, 'Bash', { command: 'make all' }))).toMatchObject({ behavior: 'allow' });
    const bMake = askApproval(backend, 'Bash', { command: 'make all' });
    const fTouch = askApproval(frontend, 'Bash', { command: 'touch f' });
    const bTouch = askApproval(backend, 'Bash', { command: 'touch b' });
    await pendingId(s.serverFile, 'touch f');
    await pendingId(s.serverFile, 'touch b');
    await pendingId(s.serverFile, 'make all');
    const pending = JSON.parse((await cco(['pending', '--json'], home)).stdout).pending as Array<{
      id: string;
      input: { command: string };
      agent: { name?: string };
    }>;
    expect(pending.map((p) => [p.agent.name, p.input.command]).sort()).toEqual([
      ['backend', 'make all'],
      ['backend', 'touch b'],
      ['frontend', 'touch f'],
    ]);
    for (const p of pending) expect((await cco(['deny', p.id], home)).code).toBe(0);
    await Promise.all([bMake, fTouch, bTouch]);
    const lines = readFileSync(join(home, 'audit.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const decisions = lines.filter((l) => l.event === 'decision').map((l) => [l.agent, (l.input as { command: string }).command, l.decidedBy]);
    expect(decisions).toEqual(
      expect.arrayContaining([
        ['frontend', 'make all', 'rule:r1'],
        ['backend', 'make all', 'user'],
        ['frontend', 'touch f', 'user'],
        ['backend', 'touch b', 'user'],
      ]),
    );
    expect(lines.every((l) => typeof l.sessionId === 'string' && (l.client as { name: string }).name === 'test-agent')).toBe(true);
    expect((await logJson(home, '--agent', 'backend')).map((r) => (r.input as { command: string }).command).sort()).toEqual(['make all', 'touch b']);
  });
});
