/**
 * Faults with the real binary: SIGTERM in the middle of a burst of calls. Every call ends with
 * its own answer or a deny that says cco stopped (or, for a call that arrived as the socket
 * closed, a connection error, which Claude Code treats as a refusal); none is allowed wrongly,
 * the audit log has a decision for every request, and the server file is removed.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { askApproval, connectClient, parseResult } from '../helpers/server.js';
import { startServe } from './cco-process.js';

const homes: string[] = [];
afterAll(() => Promise.all(homes.map((h) => rm(h, { recursive: true, force: true }))));

describe('SIGTERM during a burst', () => {
  it('waiting calls get the stop message, auto-allowed calls their own answer, nothing else; exit 0, audit complete', async () => {
    const home = await mkdtemp(join(tmpdir(), 'cco-faults-'));
    homes.push(home);
    await writeFile(join(home, 'config.json'), JSON.stringify({ rules: [{ id: 'r1', pattern: 'Bash(echo burst:*)', action: 'allow' }] }));
    const s = await startServe(home);
    const clients: Client[] = [];
    try {
      for (let i = 0; i < 4; i++) clients.push(await connectClient(`${s.info.mcpUrl}/agent-${i}`));
      type Outcome = { input: Record<string, unknown>; auto: boolean; decision?: Record<string, unknown>; error?: string };
      const outcomes: Array<Promise<Outcome>> = [];
      const send = (i: number, auto: boolean) => {
        const input = { command: auto ? `echo burst ${i}` : `deploy ${i}` };
        outcomes.push(
          askApproval(clients[i % clients.length]!, 'Bash', input, { timeout: 15_000 }).then(
            (r) => ({ input, auto, decision: parseResult(r) }),
            (e: unknown) => ({ input, auto, error: String(e) }),
          ),
        );
      };
      for (let i = 0; i < 12; i++) send(i, false);
      const health = async () => ((await (await fetch(`${s.info.url}/health`)).json()) as { pending: number }).pending;
      let pending = 0;
      for (let i = 0; i < 100 && pending < 12; i++) {
        pending = await health();
        if (pending < 12) await new Promise((r) => setTimeout(r, 20));
      }
      expect(pending).toBe(12);

      // The burst: auto-allowed calls keep coming while the signal lands.
      let n = 100;
      const burst = setInterval(() => {
        for (let k = 0; k < 5; k++) send(n++, true);
      }, 2);
      await new Promise((r) => setTimeout(r, 150));
      s.child.kill('SIGTERM');
      const exit = await s.exited;
      clearInterval(burst);
      const all = await Promise.all(outcomes);

      expect(exit).toEqual({ code: 0, signal: null });
      expect(existsSync(s.serverFile)).toBe(false);
      const waited = all.filter((o) => !o.auto);
      for (const o of waited) {
        expect(o.decision, JSON.stringify(o)).toEqual({
          behavior: 'deny',
          message: 'cco stopped (SIGTERM) before anyone decided this call, so it was denied. Retry when cco is running again.',
        });
      }
      const auto = all.filter((o) => o.auto);
      expect(auto.filter((o) => o.decision).length).toBeGreaterThan(0);
      for (const o of auto) {
        if (o.decision) {
          // Either its own allow, or the stop message: never another call's answer.
          if (o.decision.behavior === 'allow') expect(o.decision.updatedInput).toEqual(o.input);
          else expect(o.decision.message).toMatch(/cco stopped \(SIGTERM\)/);
        } else {
          expect(o.error).toMatch(/fetch failed|ECONNREFUSED|ECONNRESET|socket|closed|terminated|timed out|-32001/i);
        }
      }

      // Every request in the audit log has its decision.
      const lines = readFileSync(join(home, 'audit.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; event: string; behavior?: string });
      const requested = new Set(lines.filter((l) => l.event === 'request').map((l) => l.id));
      const decided = new Map(lines.filter((l) => l.event === 'decision').map((l) => [l.id, l.behavior]));
      expect(requested.size).toBeGreaterThanOrEqual(12);
      for (const id of requested) expect(decided.has(id), `decision for ${id}`).toBe(true);
      const allowedInLog = [...decided.values()].filter((b) => b === 'allow').length;
      // An allow whose answer was cut by the closing socket is logged but never reached the agent.
      expect(allowedInLog).toBeGreaterThanOrEqual(auto.filter((o) => o.decision?.behavior === 'allow').length);
      expect(allowedInLog).toBeLessThanOrEqual(auto.length);
    } finally {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await s.stop();
    }
  });
});
