import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readServerFile } from '../../src/store/server-file.js';
import { BIN } from './cco-process.js';

// `cco … | head -1`: the reader goes away after one line. Node's default is an uncaught EPIPE
// with a stack trace (and, for `cco serve`, a dead server and a stale server file).

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'cco-pipe-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

function env(): NodeJS.ProcessEnv {
  const { PORT: _p, CCO_CONFIG_PATH: _c, CCO_DEBUG: _d, ...rest } = process.env;
  return { ...rest, CCO_HOME: home, NO_COLOR: '1' };
}

/** Run `node cco <args> | head -1` in a shell; cco's own exit code and stderr. */
function throughHead(args: string): Promise<{ code: number; stderr: string; out: string }> {
  return new Promise((resolve, reject) => {
    const script = `node ${JSON.stringify(BIN)} ${args} 2>"$ERR" | head -1; echo "cco-exit:\${PIPESTATUS[0]}"`;
    const err = join(home, `stderr-${Math.random()}`);
    const child = spawn('bash', ['-c', script], { env: { ...env(), ERR: err }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', async () => {
      const { readFileSync } = await import('node:fs');
      const code = Number(/cco-exit:(\d+)/.exec(out)?.[1] ?? -1);
      resolve({ code, stderr: existsSync(err) ? readFileSync(err, 'utf8') : '', out });
    });
  });
}

describe('a reader that goes away', () => {
  it('cco doctor | head -1 ends without a stack trace, every time', async () => {
    for (let i = 0; i < 6; i++) {
      const { code, stderr, out } = await throughHead('doctor');
      expect(out.split('\n')[0]).toMatch(/server/);
      expect(stderr).not.toMatch(/EPIPE|at .*\(node:|Unhandled|unexpected error/);
      // doctor's own verdict (no server is running here), not a crash.
      expect(code).toBe(1);
    }
  }, 60_000);

  it('cco rules list --help | head -1 exits 0 quietly', async () => {
    const { code, stderr } = await throughHead('rules list --help');
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 20_000);

  it('cco serve | head -1 keeps serving, and stops cleanly later', async () => {
    const script = `node ${JSON.stringify(BIN)} serve --port 0 2>"$HOME_DIR/serve.err" | { head -1; : >"$HOME_DIR/head.done"; }`;
    const shell = spawn('bash', ['-c', script], { env: { ...env(), HOME_DIR: home }, stdio: ['ignore', 'pipe', 'ignore'] });
    let first = '';
    shell.stdout.on('data', (d: Buffer) => (first += d.toString()));
    const serverFile = join(home, 'server.json');
    let info = await readServerFile(serverFile);
    const start = Date.now();
    while (!info) {
      if (Date.now() - start > 10_000) throw new Error('no server file');
      await new Promise((r) => setTimeout(r, 20));
      info = await readServerFile(serverFile);
    }
    while (!existsSync(join(home, 'head.done'))) await new Promise((r) => setTimeout(r, 20));
    expect(first).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+\/mcp/);
    // The banner's later lines hit the closed pipe; the server must still answer.
    const health = await fetch(new URL('/health', info.url));
    expect(health.ok).toBe(true);
    process.kill(info.pid, 'SIGTERM');
    const gone = Date.now();
    while (existsSync(serverFile)) {
      if (Date.now() - gone > 10_000) throw new Error('server file left behind');
      await new Promise((r) => setTimeout(r, 20));
    }
    const { readFileSync } = await import('node:fs');
    // Its stop line went to the closed pipe: no crash on the way out.
    expect(readFileSync(join(home, 'serve.err'), 'utf8')).not.toMatch(/EPIPE|at .*\(node:/);
    await new Promise<void>((r) => (shell.exitCode !== null ? r() : shell.on('close', () => r())));
  }, 30_000);
});
