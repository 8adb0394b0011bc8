// Soak: the real `cco serve` (built binary) under hours-like load, compressed into minutes.
//   npm run soak                       # 6 minutes, real 30 s progress interval
//   npm run soak -- --minutes 1 --progress 2s   # a quick run
// 1,000 calls wait for a person across 100 sessions for the whole run, with keep-alive progress,
// while other sessions send auto-allowed calls at a fixed rate. Then every waiting call is
// decided through the API. Checks: 0 lost, 0 crossed, every wait survived; reports peak RSS.
// Loopback only; every loop is bounded in count and time; the script stops by itself.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const { values: flags } = parseArgs({
  options: {
    minutes: { type: 'string', default: '6' },
    pending: { type: 'string', default: '1000' },
    sessions: { type: 'string', default: '100' },
    rate: { type: 'string', default: '200' },
    'auto-sessions': { type: 'string', default: '10' },
    progress: { type: 'string', default: '30s' },
  },
});
const MINUTES = Number(flags.minutes);
const PENDING = Number(flags.pending);
const SESSIONS = Number(flags.sessions);
const RATE = Number(flags.rate);
const AUTO_SESSIONS = Number(flags['auto-sessions']);
const PROGRESS = flags.progress;
const progressMs = Number.parseFloat(PROGRESS) * (PROGRESS.endsWith('ms') ? 1 : PROGRESS.endsWith('m') ? 60_000 : 1000);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin/cco.js');

const home = mkdtempSync(join(tmpdir(), 'cco-soak-'));
writeFileSync(
  join(home, 'config.json'),
  JSON.stringify({ rules: [{ id: 'r1', pattern: 'Bash(echo soak-auto:*)', action: 'allow' }], timeout: '2h', retentionSize: '1GB' }),
  { mode: 0o600 },
);

const log = (m) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function procStatus(pid, key) {
  try {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
/** User + system CPU time of a process, in ms. */
function cpuMs(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return undefined;
  }
}
const mb = (b) => (b === undefined ? 'n/a' : `${(b / 1024 / 1024).toFixed(1)} MB`);

// --- start cco -----------------------------------------------------------------------------
const { PORT: _p, CCO_TOKEN: _t, ...env } = process.env;
const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--progress-interval', PROGRESS], {
  env: { ...env, CCO_HOME: home, NO_COLOR: '1' },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
child.stderr.on('data', (d) => (stderr += d));
let info;
for (let i = 0; i < 200 && !info; i++) {
  await sleep(50);
  try {
    const s = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'));
    if (s.pid === child.pid) info = s;
  } catch {
    // Not written yet, or half written: read it again.
  }
}
if (!info) throw new Error(`cco serve did not start:\n${stderr}`);
const api = (path, init = {}) =>
  fetch(`${info.url}${path}`, { ...init, headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json', ...init.headers } });
log(`cco ${info.version} pid ${child.pid} at ${info.mcpUrl}; progress every ${PROGRESS}; node ${process.version}`);

async function connect(name) {
  const client = new Client({ name: 'soak', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${info.mcpUrl}/${name}`)));
  return client;
}
const parse = (r) => JSON.parse(r.content[0].text);

// --- 1,000 waiting calls over 100 sessions -------------------------------------------------
const waiting = [];
const start = Date.now();
const perSession = Math.ceil(PENDING / SESSIONS);
const waitClients = [];
for (let s = 0; s < SESSIONS; s++) waitClients.push(await connect(`wait-${s}`));
for (let s = 0; s < SESSIONS; s++) {
  for (let k = 0; k < perSession && waiting.length < PENDING; k++) {
    const nonce = `w${s}-${k}-${Math.random().toString(36).slice(2, 10)}`;
    const input = { command: `rm -rf /tmp/soak/${nonce}`, description: nonce };
    const w = { nonce, input, progress: 0, startedAt: Date.now(), lastProgress: Date.now(), maxGap: 0, outcome: undefined };
    w.promise = waitClients[s]
      .callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input, tool_use_id: `toolu_${nonce}` } }, undefined, {
        // Like Claude Code: the wait survives only while progress keeps arriving.
        timeout: Math.max(60_000, progressMs * 2 + 5000),
        resetTimeoutOnProgress: true,
        onprogress: () => {
          const now = Date.now();
          w.maxGap = Math.max(w.maxGap, now - w.lastProgress);
          w.lastProgress = now;
          w.progress++;
        },
      })
      .then(
        (r) => (w.outcome = { result: parse(r), at: Date.now() }),
        (e) => (w.outcome = { error: String(e?.message ?? e), at: Date.now() }),
      );
    waiting.push(w);
  }
}
for (let i = 0; i < 600; i++) {
  const health = await (await fetch(`${info.url}/health`)).json();
  if (health.pending >= PENDING) break;
  await sleep(100);
}
const rssAfterPending = procStatus(child.pid, 'VmRSS');
log(`${waiting.length} calls waiting over ${SESSIONS} sessions after ${Date.now() - start} ms; cco RSS ${mb(rssAfterPending)}`);

// --- auto-decided traffic at RATE/s from other sessions, for MINUTES ------------------------
// In separate processes, so the clients' own work does not slow the waiting clients (or the count).
const WORKERS = 2;
const samples = [];
const loopStart = Date.now();
const cpuAtLoopStart = cpuMs(child.pid);
const workers = Array.from({ length: WORKERS }, (_, i) => {
  const w = spawn(
    process.execPath,
    [join(ROOT, 'bench/soak-auto.mjs'), info.mcpUrl, String(RATE / WORKERS), String(MINUTES * 60), String(Math.max(1, AUTO_SESSIONS / WORKERS)), `auto${i}`],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  w.stdout.on('data', (d) => (out += d));
  return new Promise((resolve) => w.on('close', () => resolve(JSON.parse(out.trim().split('\n').at(-1) || '{}'))));
});
const endAt = loopStart + MINUTES * 60_000;
let running = true;
void Promise.all(workers).then(() => (running = false));
for (let i = 0; i < MINUTES * 12 + 60 && running; i++) {
  samples.push({ t: Date.now() - start, rss: procStatus(child.pid, 'VmRSS') });
  if (i % 6 === 5) {
    const minProgress = Math.min(...waiting.map((w) => w.progress));
    log(`waiting calls still open ${waiting.filter((w) => !w.outcome).length}, fewest progress ${minProgress}; cco RSS ${mb(samples.at(-1)?.rss)}`);
  }
  await sleep(Math.min(5000, Math.max(100, endAt - Date.now())));
}
const results = await Promise.all(workers);
const auto = { sent: 0, allowed: 0, crossed: 0, errors: 0, skipped: 0, latencies: [], firstError: undefined };
for (const r of results) {
  for (const k of ['sent', 'allowed', 'crossed', 'errors', 'skipped']) auto[k] += r[k] ?? 0;
  auto.latencies.push(...(r.latencies ?? []));
  auto.firstError ??= r.firstError;
}
const elapsedAuto = Math.max(...results.map((r) => r.seconds ?? 0));
const cpuDuringLoop = cpuMs(child.pid) - cpuAtLoopStart;

// --- decide every waiting call through the API ----------------------------------------------
const listed = (await (await api('/api/pending')).json()).pending;
const byNonce = new Map(waiting.map((w) => [w.nonce, w]));
const decideStart = Date.now();
let apiErrors = 0;
for (let i = 0; i < listed.length; i += 50) {
  await Promise.all(
    listed.slice(i, i + 50).map(async (p, j) => {
      const nonce = p.input.description;
      const allow = (i + j) % 2 === 0;
      const res = allow
        ? await api(`/api/pending/${p.id}/approve`, { method: 'POST', body: JSON.stringify({ updatedInput: { ...p.input, decided: nonce } }) })
        : await api(`/api/pending/${p.id}/deny`, { method: 'POST', body: JSON.stringify({ message: `denied ${nonce}` }) });
      if (res.status !== 200) apiErrors++;
      await res.arrayBuffer();
      if (byNonce.get(nonce)) byNonce.get(nonce).expect = allow ? 'allow' : 'deny';
    }),
  );
}
await Promise.race([Promise.all(waiting.map((w) => w.promise)), sleep(60_000)]);
const decideMs = Date.now() - decideStart;

// --- check ------------------------------------------------------------------------------------
let lost = 0;
let crossed = 0;
let died = 0;
for (const w of waiting) {
  if (!w.outcome) lost++;
  else if (w.outcome.error) died++;
  else {
    const d = w.outcome.result;
    const ok =
      w.expect === 'allow'
        ? d.behavior === 'allow' && d.updatedInput?.decided === w.nonce && d.updatedInput?.command === w.input.command
        : w.expect === 'deny' && d.behavior === 'deny' && d.message === `denied ${w.nonce}`;
    if (!ok) crossed++;
  }
}
const peak = procStatus(child.pid, 'VmHWM');
const rssEnd = procStatus(child.pid, 'VmRSS');
child.kill('SIGTERM');
await Promise.race([new Promise((r) => child.once('exit', r)), sleep(10_000)]);
await Promise.allSettled(waitClients.map((c) => c.close()));

const lat = auto.latencies.sort((a, b) => a - b);
const pct = (q) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(q * lat.length))].toFixed(1) : 'n/a');
const minProgress = Math.min(...waiting.map((w) => w.progress));
const maxGap = Math.max(...waiting.map((w) => w.maxGap));
const rssSeries = samples.filter((_, i) => i % 12 === 0).map((s) => `${Math.round(s.t / 1000)}s ${mb(s.rss)}`);
const result = {
  waitingCalls: waiting.length,
  sessions: SESSIONS,
  waitedSeconds: Math.round((decideStart - start) / 1000),
  progressInterval: PROGRESS,
  fewestProgressPerCall: minProgress,
  longestProgressGapMs: maxGap,
  decidedViaApi: listed.length,
  apiErrors,
  decideAllMs: decideMs,
  lost,
  crossed,
  waitsThatDied: died,
  autoCallsSent: auto.sent,
  autoAllowed: auto.allowed,
  autoCrossed: auto.crossed,
  autoErrors: auto.errors,
  autoSkippedClientBehind: auto.skipped,
  autoFirstError: auto.firstError,
  autoRatePerSecond: Math.round(auto.sent / elapsedAuto),
  ccoCpuSecondsDuringTraffic: Math.round(cpuDuringLoop / 100) / 10,
  ccoCpuMsPerAutoCall: Math.round((cpuDuringLoop / Math.max(1, auto.sent)) * 100) / 100,
  machineLoadAverage: (await import('node:os'))
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' '),
  autoLatencyMs: { p50: pct(0.5), p99: pct(0.99), max: lat.length ? lat.at(-1).toFixed(1) : 'n/a' },
  rssAfterPending: mb(rssAfterPending),
  rssEnd: mb(rssEnd),
  peakRss: mb(peak),
  rssEveryMinute: rssSeries,
  exitCode: child.exitCode,
};
console.log(JSON.stringify(result, null, 2));
rmSync(home, { recursive: true, force: true });
const pass =
  lost === 0 &&
  crossed === 0 &&
  died === 0 &&
  apiErrors === 0 &&
  listed.length === waiting.length &&
  auto.crossed === 0 &&
  auto.errors === 0 &&
  auto.allowed === auto.sent &&
  // Progress kept every wait alive: no gap came near Claude Code's 300 s idle limit (timers run
  // late on a busy machine, so the gap is checked against that limit, not the interval).
  waiting.every((w) => w.outcome && (w.progress > 0 || w.outcome.at - w.startedAt < progressMs * 2)) &&
  maxGap < Math.min(300_000, progressMs * 10);
console.log(pass ? 'SOAK PASSED' : 'SOAK FAILED');
process.exit(pass ? 0 : 1);
