// Start-up: wall time of short commands against `node -e 0`, runs interleaved, medians.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { ccoHome, CCO } from '../lib/servers.mjs';
import { median } from '../lib/proc.mjs';
import { seedAudit } from './seed.mjs';

export async function startup({ full, compare = [] }) {
  const n = full ? 40 : 15;
  const home = ccoHome([['Bash(npm test:*)', '--allow'], ['Read(./src/**)', '--allow'], ['WebFetch(domain:example.com)', '--deny']]);
  seedAudit(home, 10_000);
  const env = { ...process.env, CCO_HOME: home };
  const cases = [
    { name: 'node -e 0', args: ['-e', '0'] },
    { name: 'cco --help', args: [CCO, '--help'] },
    { name: 'cco rules list', args: [CCO, 'rules', 'list'] },
    { name: 'cco log --limit 10', args: [CCO, 'log', '--limit', '10'] },
    ...compare.flatMap((c) => [
      { name: `${c.label}: cco --help`, args: [c.bin, '--help'] },
      { name: `${c.label}: cco rules list`, args: [c.bin, 'rules', 'list'] },
    ]),
  ];
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  try {
    for (let i = 0; i < n + 2; i++) {
      for (const c of cases) {
        const t0 = performance.now();
        const r = spawnSync(process.execPath, c.args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
        const ms = performance.now() - t0;
        if (r.status !== 0) throw new Error(`${c.name} exited ${r.status}: ${r.stderr}`);
        if (i >= 2) times[c.name].push(ms);
      }
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  const base = median(times['node -e 0']);
  return cases.map((c) => ({ name: c.name, ms: median(times[c.name]), ratio: median(times[c.name]) / base }));
}
