// One traffic process of the soak (bench/soak.mjs starts it): auto-allowed calls at a fixed rate
// from its own sessions, each answer checked against its own input. Prints one JSON line at the end.
//   node bench/soak-auto.mjs <mcpUrl> <ratePerSecond> <seconds> <sessions> <prefix>
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [mcpUrl, rateText, secondsText, sessionsText, prefix] = process.argv.slice(2);
const RATE = Number(rateText);
const SECONDS = Number(secondsText);
const SESSIONS = Number(sessionsText);
const MAX_IN_FLIGHT = 300;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const clients = [];
for (let s = 0; s < SESSIONS; s++) {
  const c = new Client({ name: 'soak-auto', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${mcpUrl}/${prefix}-${s}`)));
  clients.push(c);
}

const r = { sent: 0, allowed: 0, crossed: 0, errors: 0, skipped: 0, firstError: undefined, latencies: [] };
let inflight = 0;
const start = Date.now();
const end = start + SECONDS * 1000;
const maxTicks = SECONDS * 20 + 20;
for (let tick = 0; tick < maxTicks && Date.now() < end; tick++) {
  // Send what the clock says is due, so a late tick catches up instead of lowering the rate.
  const due = Math.floor(((Date.now() - start) * RATE) / 1000) - r.sent - r.skipped;
  for (let i = 0; i < due; i++) {
    if (inflight >= MAX_IN_FLIGHT) {
      r.skipped++;
      continue;
    }
    const id = r.sent++;
    const input = { command: `echo soak-auto ${prefix} ${id}` };
    const t0 = performance.now();
    inflight++;
    clients[id % SESSIONS]
      .callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input } }, undefined, {
        // Claude Code's own limit for an SSE-answered call that sends no progress: 300 s idle.
        timeout: 300_000,
      })
      .then(
        (res) => {
          const d = JSON.parse(res.content[0].text);
          if (d.behavior === 'allow' && d.updatedInput?.command === input.command) r.allowed++;
          else r.crossed++;
          r.latencies.push(Math.round((performance.now() - t0) * 10) / 10);
        },
        (e) => {
          r.errors++;
          r.firstError ??= `${e?.message ?? e} ${e?.cause?.message ?? ''}`;
        },
      )
      .finally(() => inflight--);
  }
  await sleep(Math.max(1, start + (tick + 1) * 50 - Date.now()));
}
for (let i = 0; i < 6200 && inflight > 0; i++) await sleep(50);
r.seconds = (Date.now() - start) / 1000;
await Promise.allSettled(clients.map((c) => c.close()));
process.stdout.write(`${JSON.stringify(r)}\n`);
process.exit(0);
