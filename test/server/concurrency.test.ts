import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Policy } from '../../src/core/types.js';
import { askApproval, parseResult, sessionIdOf, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

const SESSIONS = 20;
const CALLS_PER_SESSION = 10;
const AUTO_CALLS = 300;

/** A small seeded PRNG (mulberry32), so a failing order can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

const policy: Policy = (call) => (call.toolName === 'AutoTool' ? { action: 'allow', decidedBy: 'rule:auto' } : { action: 'ask', decidedBy: 'default' });

type Expected = Record<string, unknown>;

describe('many agents at once', () => {
  it('200 pending calls over 20 sessions, decided in random order amid auto-allowed traffic: none lost, none crossed', async () => {
    const seed = Number(process.env.CCO_TEST_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const t = await h.start({ policy });
    const clients: Client[] = await Promise.all(Array.from({ length: SESSIONS }, () => h.client(t.server.mcpUrl)));
    const autoClient = await h.client(t.server.mcpUrl);
    const sessionOf = new Map<string, string>(); // command → session id it was sent on

    const auto: Array<{ input: Expected; result: Promise<unknown> }> = [];
    const fireAuto = (n: number) => {
      for (let k = 0; k < n; k++) {
        const input = { command: `auto-${auto.length}`, n: auto.length };
        auto.push({ input, result: askApproval(autoClient, 'AutoTool', input) });
      }
    };

    // Phase 1: the 200 asked calls arrive, interleaved with the first third of the auto traffic.
    const asked = new Map<string, { input: Expected; result: Promise<unknown> }>();
    for (let s = 0; s < SESSIONS; s++) {
      for (let i = 0; i < CALLS_PER_SESSION; i++) {
        const command = `echo ${s}-${i}`;
        const input = { command, description: `session ${s} call ${i}` };
        sessionOf.set(command, sessionIdOf(clients[s]!)!);
        asked.set(command, { input, result: askApproval(clients[s]!, 'Bash', input) });
      }
      fireAuto(AUTO_CALLS / 3 / SESSIONS);
    }
    await waitFor(() => t.broker.snapshot().pending.length === SESSIONS * CALLS_PER_SESSION, 10_000, 'all 200 calls pending');

    // Every pending call carries the session it came in on.
    const pending = t.broker.snapshot().pending;
    const idOf = new Map<string, string>();
    for (const p of pending) {
      const command = p.call.input.command as string;
      expect(idOf.has(command), `duplicate pending call for ${command}`).toBe(false);
      idOf.set(command, p.id);
      expect(p.call.toolName).toBe('Bash');
      expect(p.call.agent?.sessionId).toBe(sessionOf.get(command));
    }
    expect([...idOf.keys()].sort()).toEqual([...asked.keys()].sort());

    // Phase 2: decide in random order, a mix of allow / edited allow / deny, with auto traffic in between.
    const order = [...asked.keys()];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const expected = new Map<string, Expected>();
    const autoPerChunk = (AUTO_CALLS - auto.length) / (order.length / 10);
    for (let c = 0; c < order.length; c += 10) {
      for (const command of order.slice(c, c + 10)) {
        const { input } = asked.get(command)!;
        const kind = Math.floor(random() * 3);
        if (kind === 0) {
          t.broker.decide(idOf.get(command)!, { behavior: 'allow' });
          expected.set(command, { behavior: 'allow', updatedInput: input });
        } else if (kind === 1) {
          const updatedInput = { ...input, command: `${command} # edited for ${command}` };
          t.broker.decide(idOf.get(command)!, { behavior: 'allow', updatedInput });
          expected.set(command, { behavior: 'allow', updatedInput });
        } else {
          const message = `no to ${command} (${idOf.get(command)})`;
          t.broker.decide(idOf.get(command)!, { behavior: 'deny', message });
          expected.set(command, { behavior: 'deny', message });
        }
      }
      const before = auto.length;
      fireAuto(autoPerChunk);
      // Let at least one of these auto calls make the whole round trip before the next decisions.
      await Promise.race(auto.slice(before).map((a) => a.result));
    }
    expect(auto).toHaveLength(AUTO_CALLS);

    const results = await Promise.all([...asked].map(async ([command, { result }]) => [command, parseResult(await result)] as const));
    for (const [command, payload] of results) {
      expect(payload, `call ${command} (seed ${seed})`).toEqual(expected.get(command));
    }
    const autoResults = await Promise.all(auto.map(async ({ result }) => parseResult(await result)));
    autoResults.forEach((payload, k) => {
      expect(payload, `auto call ${k} (seed ${seed})`).toEqual({ behavior: 'allow', updatedInput: auto[k]!.input });
    });

    const kinds = [...expected.values()];
    const allows = kinds.filter((e) => e.behavior === 'allow').length;
    const snap = t.broker.snapshot();
    expect(snap.pending).toHaveLength(0);
    expect(snap.counts).toEqual({ allowed: allows + AUTO_CALLS, denied: kinds.length - allows, timedOut: 0, cancelled: 0 });
    expect(snap.recent.filter((d) => d.decision.decidedBy === 'rule:auto')).toHaveLength(AUTO_CALLS);
    expect(snap.recent.filter((d) => d.decision.decidedBy === 'user')).toHaveLength(SESSIONS * CALLS_PER_SESSION);
  });
});
