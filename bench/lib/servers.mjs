// Start the servers under test as child processes, so their CPU and memory are their own.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname;
export const CCO = join(ROOT, 'bin/cco.js');

/** A fresh cco state folder (config, audit log, server file). */
export function ccoHome(rules = []) {
  const home = mkdtempSync(join(tmpdir(), 'cco-bench-home-'));
  for (const args of rules) cco(home, ['rules', 'add', ...args]);
  return home;
}

export function cco(home, args) {
  return execFileSync(process.execPath, [CCO, ...args], { env: { ...process.env, CCO_HOME: home }, encoding: 'utf8' });
}

export function serverFile(home) {
  return JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'));
}

/** Spawn `args` (after node) and wait for a line giving the port. */
function spawnListening(args, env, portOf) {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d) => {
      out += d;
      const port = portOf(out);
      if (port) {
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve({ pid: child.pid, port, child, stop: () => stopChild(child) });
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited ${code}: ${err}`)));
  });
}

function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', resolve);
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  });
}

/** A port nothing listens on now (for servers that cannot be told to take any port and say which). */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.once('error', reject);
  });
}

/**
 * The seed (toolprint/cco-mcp, the project cco rebuilds), built to one file: see BENCHMARKS.md.
 * Stateless Streamable HTTP, an approve rule for Bash; its info log goes to a pipe we drain.
 */
async function startSeed(bin, nodeArgs) {
  const home = mkdtempSync(join(tmpdir(), 'cco-bench-seed-'));
  const config = join(home, 'config.json');
  const rule = { id: 'bash', name: 'bash', priority: 1, match: { tool: { type: 'builtin', toolName: 'Bash' } }, action: 'approve' };
  writeFileSync(
    config,
    JSON.stringify({ approvals: { enabled: true, rules: [rule], defaultAction: 'review', timeout: { duration: 300000, defaultAction: 'deny' } } }),
  );
  const port = await freePort();
  const env = { ...process.env, HOME: home, PORT: String(port), HOST: '127.0.0.1', NODE_ENV: 'production', CCO_CONFIG_PATH: config };
  const s = await spawnListening([...nodeArgs, bin], env, (out) => (/"port":(\d+)/.exec(out) ? port : undefined));
  return { ...s, kind: 'seed', path: '/mcp', roots: true, stop: async () => (await s.stop(), rmSync(home, { recursive: true, force: true })) };
}

/**
 * kind: 'http' (bare node:http), 'sdk' (bare SDK), 'cco' (cco serve with an allow rule for Bash),
 * 'seed' (the seed's build at `bin`).
 */
export async function startServer(kind, { nodeArgs = [], home, bin = CCO } = {}) {
  if (kind === 'seed') return startSeed(bin, nodeArgs);
  if (kind === 'http' || kind === 'sdk') {
    const s = await spawnListening([...nodeArgs, join(ROOT, `bench/servers/floor-${kind}.mjs`)], process.env, (out) => /listening (\d+)/.exec(out)?.[1]);
    return { ...s, kind, path: '/mcp', roots: false };
  }
  const dir = home ?? ccoHome([['Bash', '--allow']]);
  // cco serve prints a line per decided call: to a file, as with `cco serve > serve.log`, so a
  // slow reader on a pipe does not hold the server up. Its server file says where it listens.
  const out = openSync(join(dir, 'serve.out'), 'w');
  const child = spawn(process.execPath, [...nodeArgs, bin, 'serve', '--port', '0'], {
    env: { ...process.env, CCO_HOME: dir },
    stdio: ['ignore', out, 'pipe'],
  });
  closeSync(out);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`cco serve exited ${code}: ${err}`))));
  const info = await Promise.race([exited, waitFor(() => existsSync(join(dir, 'server.json')) && serverFile(dir))]);
  return {
    pid: child.pid,
    port: Number(new URL(info.url).port),
    child,
    kind,
    path: '/mcp',
    roots: true,
    home: dir,
    stop: async () => {
      await stopChild(child);
      if (!home) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitFor(check, timeoutMs = 15_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = check();
      if (v) return v;
    } catch {
      // Not complete yet.
    }
    if (Date.now() > end) throw new Error('timed out waiting for the server to start');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Run the load generator in its own process; resolves with its JSON result. */
export function load(server, opts) {
  const args = { port: server.port, path: server.path, roots: server.roots, serverPid: server.pid, ...opts };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/lib/loadgen.mjs'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => {
      try {
        const r = JSON.parse(out);
        if (r.errors > 0) process.stderr.write(`  ${server.kind}: ${r.errors} errors, first: ${r.firstError}\n`);
        resolve(r);
      } catch {
        reject(new Error(`load generator exited ${code}: ${out}`));
      }
    });
  });
}

/**
 * Interleaved rounds over server kinds (`'cco'`, or `{kind, label, bin}` for another build): each
 * round starts every kind's server in turn, hands it to `measure(server, label)`, and stops it.
 */
export async function eachServerRound(kinds, rounds, measure) {
  for (let round = 0; round < rounds; round++) {
    for (const k of kinds) {
      const spec = typeof k === 'string' ? { kind: k, label: k } : k;
      const server = await startServer(spec.kind, spec.bin ? { bin: spec.bin } : {});
      try {
        await measure(server, spec.label);
      } finally {
        await server.stop();
      }
    }
  }
}
