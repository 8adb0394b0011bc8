// Fresh sessions: every call is a new session, as every `claude -p` start, hook-only run and
// reconnect is (a new connection, initialize, notifications/initialized, one tools/call with the
// roots/list exchange when the server asks, then the connection closed). The floors, cco and,
// when given its build, the seed run in interleaved rounds; the median of each figure is kept.
import { eachServerRound, load } from '../lib/servers.mjs';
import { median } from '../lib/proc.mjs';

/** kinds: e.g. ['http', 'sdk', 'cco', {kind: 'seed', label: 'seed', bin}]. */
export async function freshSessions({ full, kinds, log }) {
  const rounds = full ? 5 : 3;
  const durationMs = full ? 5000 : 2000;
  const results = {};
  await eachServerRound(kinds, rounds, async (server, label) => {
    const r = await load(server, { sessions: 4, warmupMs: 500, durationMs, fresh: true });
    log(`  ${label.padEnd(10)} fresh sessions: ${r.callsPerSec.toFixed(0)}/s, p50 ${r.p50.toFixed(2)} ms, ${r.cpuMsPerCall.toFixed(3)} CPU ms/session`);
    (results[label] ??= []).push(r);
  });
  return Object.fromEntries(
    Object.entries(results).map(([label, rs]) => [
      label,
      { rounds: rs.length, ...Object.fromEntries(['callsPerSec', 'p50', 'cpuMsPerCall'].map((f) => [f, median(rs.map((r) => r[f]))])) },
    ]),
  );
}
