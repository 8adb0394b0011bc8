// Start-up: wall time of short commands against `node -e 0`, runs interleaved, medians.
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { ccoHome, CCO } from '../lib/servers.mjs';
import { median } from '../lib/proc.mjs';
import { seedAudit } from './seed.mjs';

const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU time (user + system, ms) of this process's children that have exited and been waited for. */
function childrenCpuMs() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / ticks;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

export async function startup({ full, compare = [] }) {
  const n = full ? 40 : 15;
  const home = ccoHome([
    ['Bash(npm test:*)', '--allow'],
    ['Read(./src/**)', '--allow'],
    ['WebFetch(domain:example.com)', '--deny'],
  ]);
  // `cco log` reads the last calls from the end of the log: its start-up must not grow with it.
  seedAudit(home, 100_000);
  const env = { ...process.env, CCO_HOME: home };
  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'cco --help', args: [CCO, '--help'] },
    { name: 'cco rules list', args: [CCO, 'rules', 'list'] },
    // A status line runs it every few seconds (no server here: the start-up without the request).
    { name: 'cco status --tmux', args: [CCO, 'status', '--tmux'] },
    { name: 'cco log --limit 10 (100,000 calls)', args: [CCO, 'log', '--limit', '10'] },
    { name: 'cco log (last 100 of 100,000 calls)', args: [CCO, 'log'] },
    ...compare.flatMap((c) => [
      { name: `${c.label}: cco --help`, args: [c.bin, '--help'] },
      { name: `${c.label}: cco rules list`, args: [c.bin, 'rules', 'list'] },
    ]),
  ];
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  const cpu = Object.fromEntries(cases.map((c) => [c.name, []]));
  try {
    for (let i = 0; i < n + 2; i++) {
      for (const c of cases) {
        const c0 = childrenCpuMs();
        const t0 = performance.now();
        const r = spawnSync(process.execPath, c.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        const ms = performance.now() - t0;
        if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
        if (i >= 2) {
          times[c.name].push(ms);
          cpu[c.name].push(childrenCpuMs() - c0);
        }
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  // Wall time is what a person waits; CPU time (10 ms ticks, so a mean) moves less with the load
  // other processes put on the machine.
  const base = median(times['node -e 0']);
  const baseCpu = mean(cpu['node -e 0']);
  return cases.map((c) => ({
    name: c.name,
    ms: median(times[c.name]),
    ratio: median(times[c.name]) / base,
    cpuMs: mean(cpu[c.name]),
    cpuRatio: mean(cpu[c.name]) / baseCpu,
  }));
}
