// The console under load: `cco watch` in tmux with 10,000 calls in its history while agents send
// 200 auto-decided calls/s. Measures the cco process's CPU and RSS, and how long a key takes to
// show on screen (the help overlay opening and closing).
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ccoHome, CCO, load, serverFile } from '../lib/servers.mjs';
import { memoryMb, percentile } from '../lib/proc.mjs';
import { Tmux, until, watchCommand } from '../lib/tmux.mjs';
import { seedAudit } from './seed.mjs';

const HELP_TEXT = 'Any key closes this help.';

export async function consoleUnderLoad({ full }) {
  const durationMs = full ? 20_000 : 8_000;
  const home = ccoHome([['Bash', '--allow']]);
  seedAudit(home, 10_000);
  const tmux = new Tmux('console');
  try {
    tmux.start(watchCommand(process.execPath, CCO, home), 120, 40);
    await until(() => existsSync(join(home, 'server.json')), 15_000, 20, 'cco watch to start');
    const info = serverFile(home);
    const server = { kind: 'cco watch', port: Number(new URL(info.url).port), path: '/mcp', roots: true, pid: info.pid };
    const running = load(server, { sessions: 32, rate: 200, warmupMs: 1000, durationMs });
    // Keys while the load runs: open the help, wait for it on screen, close it, wait again.
    await new Promise((r) => setTimeout(r, 1500));
    const keys = [];
    const end = Date.now() + durationMs - 1500;
    while (Date.now() < end && keys.length < (full ? 40 : 16)) {
      for (const open of [true, false]) {
        const t0 = performance.now();
        tmux.press('?');
        await until(() => tmux.screen().includes(HELP_TEXT) === open, 5000, 1, open ? 'the help overlay' : 'the help to close');
        keys.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    const r = await running;
    const mem = memoryMb(info.pid);
    keys.sort((a, b) => a - b);
    return {
      callsPerSec: r.callsPerSec,
      callP50: r.p50,
      skipped: r.skipped,
      errors: r.errors,
      cpuPercent: r.cpuPercent,
      rssMb: mem.rss,
      peakRssMb: mem.peak,
      keyP50: percentile(keys, 50),
      keyP90: percentile(keys, 90),
      keys: keys.length,
    };
  } finally {
    tmux.kill();
    rmSync(home, { recursive: true, force: true });
  }
}
