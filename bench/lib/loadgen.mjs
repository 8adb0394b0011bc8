// The load generator, run as its own process so its CPU is not the server's:
//   node bench/lib/loadgen.mjs '{"port":8660,"sessions":16,"warmupMs":1000,"durationMs":3000,"serverPid":123}'
// Opens `sessions` MCP sessions (one per simulated agent) and has each send tools/call after
// tools/call. Modes: closed loop for `durationMs` (default), `rate` calls/s in total, or `count`
// calls in total. Prints one JSON line: calls/s, latency percentiles (ms), server CPU ms per call.
// With "fresh":true every call is a fresh session, as each `claude -p` start is: a new connection,
// initialize, notifications/initialized, one tools/call (answering roots/list if asked), close;
// the latencies and CPU figures are then per session.
import { Session } from './mcp-client.mjs';
import { cpuMs, percentile } from './proc.mjs';

const o = JSON.parse(process.argv[2]);
const open = (i) => Session.open({ port: o.port, path: o.path ?? '/mcp', roots: o.roots ? `/tmp/bench-agent-${i}` : undefined });

/** A stand-in for a session that opens a fresh one for every call. */
const freshEach = (i) => ({
  async call() {
    const s = await open(i);
    try {
      return await s.call();
    } finally {
      s.close();
    }
  },
  close() {},
});
const sessions = await Promise.all(Array.from({ length: o.sessions }, (_, i) => (o.fresh ? freshEach(i) : open(i))));

let measuring = false;
let stop = false;
const latencies = [];
let errors = 0;
let firstError;
let sent = 0;

async function one(s) {
  const t0 = performance.now();
  try {
    const text = await s.call();
    if (!text.includes('"allow"')) throw new Error(`not an allow: ${text}`);
    if (measuring) latencies.push(performance.now() - t0);
  } catch (e) {
    errors++;
    firstError ??= String(e?.message ?? e);
  }
}

async function closedLoop(s) {
  while (!stop) {
    if (o.count !== undefined && sent >= o.count) break;
    sent++;
    await one(s);
  }
}

/** Open loop at `rate` calls/s across all sessions, each to the next free session; skipped when all are busy. */
let skipped = 0;
async function paced() {
  const free = [...sessions];
  const started = performance.now();
  let n = 0;
  const inflight = new Set();
  while (!stop) {
    const due = Math.floor(((performance.now() - started) / 1000) * o.rate);
    for (; n < due; n++) {
      const s = free.shift();
      if (!s) {
        if (measuring) skipped++;
        continue;
      }
      const p = one(s).finally(() => {
        free.push(s);
        inflight.delete(p);
      });
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  await Promise.all(inflight);
}

const run = () => (o.rate ? paced() : Promise.all(sessions.map(closedLoop)));

// Warm-up: same traffic, not measured.
if (o.warmupMs) {
  const warm = run();
  await new Promise((r) => setTimeout(r, o.warmupMs));
  stop = true;
  await warm;
  stop = false;
  sent = 0;
}

measuring = true;
const cpu0 = o.serverPid ? cpuMs(o.serverPid) : 0;
const t0 = performance.now();
const work = run();
if (o.count === undefined) {
  await new Promise((r) => setTimeout(r, o.durationMs));
  stop = true;
}
await work;
const seconds = (performance.now() - t0) / 1000;
const cpu = o.serverPid ? cpuMs(o.serverPid) - cpu0 : NaN;
measuring = false;
for (const s of sessions) s.close();

latencies.sort((a, b) => a - b);
process.stdout.write(
  JSON.stringify({
    sessions: o.sessions,
    calls: latencies.length,
    errors,
    firstError,
    skipped,
    seconds,
    callsPerSec: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p90: percentile(latencies, 90),
    p99: percentile(latencies, 99),
    cpuMsPerCall: cpu / Math.max(1, latencies.length),
    cpuPercent: (cpu / (seconds * 1000)) * 100,
  }) + '\n',
);
process.exit(0);
