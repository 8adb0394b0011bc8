// Profile the hot path: `cco serve` (an allow rule for every Bash call) under load from
// 16 sessions, with node --cpu-prof; prints where the server's time goes.
//   node bench/profile.mjs [--sessions=16] [--seconds=5] [--kind=cco|sdk|http|seed] [--bin=PATH] [--fresh]
// --fresh: every call is a fresh session (connect, initialize, initialized, one call, close), so
// the figures are per session; --kind=seed needs --bin=the seed's build (BENCHMARKS.md).
// The .cpuprofile stays in a temp folder (its path is printed) for Chrome DevTools.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CCO, load, startServer } from './lib/servers.mjs';

const arg = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const dir = mkdtempSync(join(tmpdir(), 'cco-profile-'));
const server = await startServer(arg('kind', 'cco'), { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`], bin: arg('bin', CCO) });
const fresh = process.argv.includes('--fresh');
const r = await load(server, { sessions: Number(arg('sessions', 16)), warmupMs: 1000, durationMs: Number(arg('seconds', 5)) * 1000, fresh });
await server.stop();
const unit = fresh ? 'session' : 'call';
console.log(`${r.callsPerSec.toFixed(0)} ${unit}s/s, ${r.cpuMsPerCall.toFixed(3)} server CPU ms/${unit}, p50 ${r.p50.toFixed(2)} ms`);

const file = join(
  dir,
  readdirSync(dir).find((f) => f.endsWith('.cpuprofile')),
);
const p = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const selfTime = new Map();
let total = 0;
p.samples.forEach((id, i) => {
  selfTime.set(id, (selfTime.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  total += p.timeDeltas[i] ?? 0;
});
const name = (n) => {
  const cf = n.callFrame;
  const where = cf.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/');
  return `${cf.functionName || '(anonymous)'} ${where}${cf.url ? `:${cf.lineNumber + 1}` : ''}`;
};
const self = new Map();
const inclusive = new Map();
for (const [id, t] of selfTime) {
  self.set(name(byId.get(id)), (self.get(name(byId.get(id))) ?? 0) + t);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const k = name(byId.get(cur));
    if (!seen.has(k)) inclusive.set(k, (inclusive.get(k) ?? 0) + t);
    seen.add(k);
  }
}
const top = (m, n) =>
  [...m]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`\nself time (share of samples, idle included):\n${top(self, 25)}`);
console.log(`\ninclusive time:\n${top(inclusive, 40)}`);
console.log(`\nprofile: ${file}`);
