// Auto-decided calls: the two floors and cco (an allow rule matches every call) under the same
// load, at 1, 16 and 64 concurrent sessions. Servers run one after another, each in its own
// process; a full run repeats the rounds and keeps the median of each figure.
import { eachServerRound, load } from '../lib/servers.mjs';
import { median, memoryMb } from '../lib/proc.mjs';

export const LEVELS = [1, 16, 64];

/** kinds: e.g. ['http', 'sdk', 'cco'] or with {kind:'cco', label:'cco-before', bin} for a baseline. */
export async function throughput({ full, kinds, log }) {
  const rounds = full ? 3 : 1;
  const warmupMs = full ? 2000 : 1000;
  const durationMs = full ? 8000 : 3000;
  const results = {};
  await eachServerRound(kinds, rounds, async (server, label) => {
    for (const sessions of LEVELS) {
      const r = await load(server, { sessions, warmupMs, durationMs });
      log(
        `  ${label.padEnd(10)} ${String(sessions).padStart(2)} sessions: ${r.callsPerSec.toFixed(0)} calls/s, p50 ${r.p50.toFixed(2)} ms, ${r.cpuMsPerCall.toFixed(3)} CPU ms/call`,
      );
      ((results[label] ??= {})[sessions] ??= []).push(r);
    }
    (results[label].rss ??= []).push(memoryMb(server.pid).peak);
  });
  const out = {};
  for (const [label, byLevel] of Object.entries(results)) {
    out[label] = { peakRssMb: median(byLevel.rss) };
    for (const n of LEVELS) {
      const rs = byLevel[n];
      out[label][n] = Object.fromEntries(['callsPerSec', 'p50', 'p90', 'p99', 'cpuMsPerCall'].map((f) => [f, median(rs.map((r) => r[f]))]));
    }
  }
  return out;
}
