// `npm run bench` (quick, under 3 minutes) and `npm run bench -- --full`: every benchmark of
// cco side by side with its floors, printed as one table. Needs a built dist/ (`npm run build`),
// Linux (/proc) and tmux. Options:
//   --full                 longer runs, repeated rounds, medians
//   --only=a,b             sections: load, sessions, reaction, rules, startup, console, memory
//   --seed=PATH            also measure the seed (toolprint/cco-mcp) built to one file at PATH
//                          (or CCO_SEED=PATH; BENCHMARKS.md says how to build it) for fresh sessions
//   --compare=NAME=PATH,…  also measure other builds' bin/cco.js side by side (load and start-up),
//                          e.g. --compare=before=/tmp/cco-before/bin/cco.js
//   --json=FILE            write the raw results to FILE
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/servers.mjs';
import { LEVELS, throughput } from './sections/throughput.mjs';
import { reactionApi, reactionTmux } from './sections/reaction.mjs';
import { startup } from './sections/startup.mjs';
import { consoleUnderLoad } from './sections/console.mjs';
import { memoryAfterCalls } from './sections/memory.mjs';
import { freshSessions } from './sections/sessions.mjs';

const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const full = process.argv.includes('--full');
const only = arg('only')?.split(',');
const compare = (arg('compare') ?? '')
  .split(',')
  .filter(Boolean)
  .map((spec) => ({ label: spec.slice(0, spec.indexOf('=')), bin: spec.slice(spec.indexOf('=') + 1) }));
const want = (s) => !only || only.includes(s);
const seed = arg('seed') ?? process.env.CCO_SEED;
if (seed && !existsSync(seed)) {
  console.error(`--seed: no file at ${seed}. Build the seed first (BENCHMARKS.md, "The seed").`);
  process.exit(1);
}
const log = (line) => process.stderr.write(`${line}\n`);

if (!existsSync(join(ROOT, 'dist/cli.js'))) {
  console.error('dist/cli.js is missing: run `npm run build` first.');
  process.exit(1);
}

const started = Date.now();
const results = { mode: full ? 'full' : 'quick', node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model };
const step = async (name, fn) => {
  if (!want(name)) return;
  log(`${name}…`);
  results[name] = await fn();
};

await step('load', () => throughput({ full, log, kinds: ['http', 'sdk', ...compare.map((c) => ({ kind: 'cco', ...c })), 'cco'] }));
await step('sessions', () =>
  freshSessions({
    full,
    log,
    kinds: ['http', 'sdk', ...(seed ? [{ kind: 'seed', label: 'seed', bin: seed }] : []), ...compare.map((c) => ({ kind: 'cco', ...c })), 'cco'],
  }),
);
await step('reaction', async () => ({ api: await reactionApi({ full }), tmux: await reactionTmux({ full }) }));
await step('rules', () => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'bench/rules.mjs'), '--json'], { encoding: 'utf8' })));
await step('startup', () => startup({ full, compare }));
await step('console', () => consoleUnderLoad({ full }));
await step('memory', () => memoryAfterCalls({ full }));
results.seconds = (Date.now() - started) / 1000;

// ---- the table ----
const rows = [];
const f = (v, d = 2) => (v === undefined || Number.isNaN(v) ? '' : v.toFixed(d));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '');
const row = (measure, http, sdk, ccoValue, target = '', extra = {}) => rows.push({ measure, http, sdk, cco: ccoValue, target, ...extra });
const section = (title) => rows.push({ title });

if (results.load) {
  const L = results.load;
  section('auto-decided calls (allow rule), Streamable HTTP, one session per agent');
  for (const n of LEVELS) {
    const g = (k, field) => L[k]?.[n]?.[field];
    const line = (name, field, d, target) =>
      row(`${name} @${n}`, f(g('http', field), d), f(g('sdk', field), d), f(g('cco', field), d), target, {
        ...Object.fromEntries(compare.map((c) => [c.label, f(g(c.label, field), d)])),
        vsHttp: ratio(g('cco', field), g('http', field)),
        vsSdk: ratio(g('cco', field), g('sdk', field)),
      });
    line('calls/s', 'callsPerSec', 0, n === 16 ? '≥ 2.5× sdk' : '');
    line('p50 ms', 'p50', 2);
    line('p90 ms', 'p90', 2);
    line('p99 ms', 'p99', 2);
    line('server CPU ms/call', 'cpuMsPerCall', 3, '≤ 0.150');
  }
  row('peak RSS MB (after 64)', f(L.http?.peakRssMb, 0), f(L.sdk?.peakRssMb, 0), f(L.cco?.peakRssMb, 0), '≤ 120', {
    ...Object.fromEntries(compare.map((c) => [c.label, f(L[c.label]?.peakRssMb, 0)])),
    vsHttp: ratio(L.cco?.peakRssMb, L.http?.peakRssMb),
    vsSdk: ratio(L.cco?.peakRssMb, L.sdk?.peakRssMb),
  });
}
if (results.sessions) {
  const S = results.sessions;
  section(`fresh sessions: connect, initialize, initialized, one call (roots asked), close; median of ${S.cco?.rounds ?? 0} rounds`);
  const line = (name, field, d, target) =>
    row(name, f(S.http?.[field], d), f(S.sdk?.[field], d), f(S.cco?.[field], d), target, {
      seed: f(S.seed?.[field], d),
      ...Object.fromEntries(compare.map((c) => [c.label, f(S[c.label]?.[field], d)])),
      vsHttp: ratio(S.cco?.[field], S.http?.[field]),
      vsSdk: ratio(S.cco?.[field], S.sdk?.[field]),
      vsSeed: ratio(S.cco?.[field], S.seed?.[field]),
    });
  line('sessions/s', 'callsPerSec', 0);
  line('p50 ms per session', 'p50', 2);
  line('server CPU ms/session', 'cpuMsPerCall', 3, '≤ 0.5× seed');
}
if (results.reaction) {
  const R = results.reaction;
  section(`reaction: decision → result at the client (n=${R.api.total.n} API, ${R.tmux.total.n} tmux)`);
  row('API approve → result p50 ms', '', '', f(R.api.total.p50), '≤ 5');
  row('API approve → result p90 ms', '', '', f(R.api.total.p90));
  row('  API call round trip p50 ms', '', '', f(R.api.apiCall.p50));
  row('key a in tmux → result p50 ms', '', '', f(R.tmux.total.p50), '≤ 50');
  row('key a in tmux → result p90 ms', '', '', f(R.tmux.total.p90));
  row('  of which tmux send-keys p50 ms', '', '', f(R.tmux.sendKeys?.p50));
}
if (results.rules) {
  section('rule evaluation (worst call shape per size), µs');
  for (const n of [12, 102, 1002]) {
    for (const parser of [false, true]) {
      const worst = results.rules.rows.filter((r) => r.rules === n && r.parser === parser).sort((a, b) => b.p50 - a.p50)[0];
      if (worst) row(`${n} rules p50 (${worst.call})`, '', '', f(worst.p50), n === 1002 ? (parser ? '≤ 50' : '≤ 10') : '');
    }
  }
  const slowest = [...results.rules.adversarial].sort((a, b) => b.ms - a.ms)[0];
  if (slowest) row(`hostile command, slowest decision ms (${slowest.shape}, ${slowest.action})`, '', '', f(slowest.ms), '≤ 50');
}
if (results.startup) {
  section('start-up: median wall ms (ratio to node -e 0); mean CPU ms (ratio)');
  for (const s of results.startup) {
    row(s.name, '', '', `${f(s.ms, 0)} (${f(s.ratio)}×); ${f(s.cpuMs, 0)} (${f(s.cpuRatio)}×)`, /^cco (--help|rules|log|status)/.test(s.name) ? '≤ 1.5×' : '');
  }
}
if (results.console) {
  const C = results.console;
  section('cco watch in tmux, 10,000 calls in history, 200 calls/s offered');
  row('calls/s reached', '', '', f(C.callsPerSec, 0), '200');
  row('call p50 ms', '', '', f(C.callP50));
  row('CPU % of a core', '', '', f(C.cpuPercent, 0), '≤ 50');
  row('RSS MB', '', '', f(C.rssMb, 0));
  row(`key → screen p50 ms (n=${C.keys})`, '', '', f(C.keyP50, 0), '≤ 100');
  row('key → screen p90 ms', '', '', f(C.keyP90, 0));
}
if (results.memory) {
  const M = results.memory;
  section(`memory: cco serve after ${M.calls.toLocaleString('en')} audited calls`);
  row('RSS MB at start', '', '', f(M.startRssMb, 0));
  row('RSS MB after', '', '', f(M.rssMb, 0), '≤ 150');
  row('peak RSS MB', '', '', f(M.peakRssMb, 0));
}

const cols = [
  ['measure', 'measure'],
  ['http', 'floor http'],
  ['sdk', 'floor sdk'],
  ...(results.sessions?.seed ? [['seed', 'seed']] : []),
  ...compare.map((c) => [c.label, c.label]),
  ['cco', 'cco'],
  ['vsHttp', 'cco/http'],
  ['vsSdk', 'cco/sdk'],
  ...(results.sessions?.seed ? [['vsSeed', 'cco/seed']] : []),
  ['target', 'target'],
];
const widths = cols.map(([k, h]) => Math.max(h.length, ...rows.filter((r) => !r.title).map((r) => String(r[k] ?? '').length)));
const fmt = (cells) =>
  cells
    .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
const out = [
  `cco benchmarks (${results.mode}): node ${process.version}, ${results.cpus} × ${results.cpuModel}, ${results.seconds.toFixed(0)} s`,
  fmt(cols.map(([, h]) => h)),
];
for (const r of rows) out.push(r.title ? `-- ${r.title}` : fmt(cols.map(([k]) => String(r[k] ?? ''))));
console.log(out.join('\n'));

const jsonFile = arg('json');
if (jsonFile) writeFileSync(jsonFile, JSON.stringify(results, null, 2));
