// Memory over a day's work: RSS of `cco serve` after N audited (auto-decided) calls.
import { load, startServer } from '../lib/servers.mjs';
import { memoryMb } from '../lib/proc.mjs';

export async function memoryAfterCalls({ full }) {
  const calls = full ? 100_000 : 100_000;
  const server = await startServer('cco');
  try {
    const before = memoryMb(server.pid);
    const r = await load(server, { sessions: 16, count: calls });
    // Let the server settle (timers, GC at idle) before reading.
    await new Promise((res) => setTimeout(res, 1000));
    const after = memoryMb(server.pid);
    return { calls: r.calls, errors: r.errors, seconds: r.seconds, startRssMb: before.rss, rssMb: after.rss, peakRssMb: after.peak };
  } finally {
    await server.stop();
  }
}
