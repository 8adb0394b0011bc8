import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/core/audit.js';
import { escapeText } from '../../src/core/escape.js';
import { replayLine, replayRule } from '../../src/core/replay.js';
import type { AgentInfo, DecidedBy, ToolCall } from '../../src/core/types.js';
import { AuditLog } from '../../src/store/audit.js';
import { recentAsks } from '../../src/store/audit-read.js';

const HOME = '/home/u';
const AUG2 = Date.parse('2026-08-02T09:00:00Z');
const A: AgentInfo = { name: 'api', sessionId: 's1', cwd: '/repo' };
const B: AgentInfo = { name: 'web', sessionId: 's2', cwd: '/other' };

type Seed = [command: string, agent: AgentInfo, asked: boolean, behavior: 'allow' | 'deny', by: DecidedBy];

/**
 * A known log: 10 asks of `git push` (3 with --force, 2 of those denied), 5 of `npm test` (one
 * from agent web), and auto-decided calls that are no asks.
 */
const SEEDS: Seed[] = [
  ...Array.from({ length: 7 }, (): Seed => ['git push origin main', A, true, 'allow', 'user']),
  ['git push --force origin main', A, true, 'deny', 'user'],
  ['git push --force origin main', A, true, 'deny', 'timeout'],
  ['git push --force origin dev', A, true, 'allow', 'user'],
  ...Array.from({ length: 4 }, (): Seed => ['npm test', A, true, 'allow', 'user']),
  ['npm test', B, true, 'allow', 'user'],
  ...Array.from({ length: 6 }, (): Seed => ['git push origin main', A, false, 'allow', 'rule:r1']),
];

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

function seedLog(): string {
  dir = mkdtempSync(join(tmpdir(), 'cco-replay-'));
  let now = AUG2;
  const log = new AuditLog({ dir, now: () => now });
  SEEDS.forEach(([command, agent, asked, behavior, by], i) => {
    const call: ToolCall = { toolName: 'Bash', input: { command }, agent };
    const id = `c${i}`;
    log.append(auditRecord({ type: 'request', id, call, at: now, deadline: now + 60_000, autoDecided: !asked }, agent.name ?? ''));
    now += 1000;
    log.append(
      auditRecord(
        {
          type: 'decision',
          id,
          call,
          decision: { behavior, decidedBy: by, at: now, ...(behavior === 'deny' ? { message: 'no' } : { updatedInput: call.input }) },
          waitMs: 1000,
        },
        agent.name ?? '',
      ),
    );
    now += 1000;
  });
  log.close();
  return dir;
}

describe('replay: a candidate rule against the audit log', () => {
  it.each<[string, Partial<Parameters<typeof replayRule>[0]>, number, number]>([
    ['Bash(git push:*)', {}, 10, 2],
    ['Bash(git push --force:*)', {}, 3, 2],
    ['Bash(git push origin main)', {}, 7, 0],
    ['Bash(npm test:*)', {}, 5, 0],
    ['Bash(npm test:*)', { agent: 'api' }, 4, 0],
    ['Bash(npm test:*)', { session: 's2' }, 1, 0],
    ['Bash(npm test:*)', { cwd: '/repo' }, 4, 0],
    ['Bash(npm test:*)', { expires: AUG2 - 1 }, 5, 0],
    ['Read', {}, 0, 0],
  ])('%s %j would have allowed %i asks, %i of them denied', (pattern, scope, allowed, denied) => {
    const entries = recentAsks(seedLog(), 200);
    expect(entries).toHaveLength(15);
    const r = replayRule({ id: 'x', pattern, action: 'allow', ...scope }, entries, { homeDir: HOME });
    expect(r.asks).toBe(15);
    expect(r.allowed).toBe(allowed);
    expect(r.denied).toHaveLength(denied);
  });

  it('counts only the last N asks, and says so in one line with the newest denial', () => {
    const entries = recentAsks(seedLog(), 200);
    expect(replayLine(replayRule({ id: 'x', pattern: 'Bash(git push:*)', action: 'allow' }, entries, { homeDir: HOME }), escapeText)).toBe(
      'would have allowed 10 of the last 15 asks, 2 of which you denied: `git push --force origin main` (2 Aug), and 1 more',
    );
    const last6 = recentAsks(dir as string, 6);
    expect(last6).toHaveLength(6);
    const r = replayRule({ id: 'x', pattern: 'Bash(git push:*)', action: 'allow' }, last6, { homeDir: HOME });
    expect([r.asks, r.allowed, r.denied.length]).toEqual([6, 1, 0]);
    expect(replayLine(r, escapeText)).toBe('would have allowed 1 of the last 6 asks, none of which you denied');
    expect(replayLine({ asks: 0, allowed: 0, denied: [] }, escapeText)).toMatch(/no past asks/);
  });

  it('agent text in the line goes through the escaping function', () => {
    const line = replayLine({ asks: 1, allowed: 1, denied: [{ id: 'c', at: AUG2, text: 'rm \u001b[2J x' }] }, escapeText);
    expect(line).not.toContain('\u001b');
  });
});

describe('expired rules in the audit log', () => {
  it('expiredBetween finds the rules that ended since the last look; their lines do not disturb readers of calls', async () => {
    const { expiredBetween, ruleExpiredRecord } = await import('../../src/core/audit.js');
    const rules = [
      { id: 'r1', pattern: 'Bash(npm test:*)', action: 'allow' as const, session: 's1', expires: AUG2 + 1000 },
      { id: 'r2', pattern: 'Bash', action: 'allow' as const, expires: AUG2 + 9000 },
      { id: 'r3', pattern: 'Read', action: 'allow' as const },
    ];
    expect(expiredBetween(rules, AUG2, AUG2 + 5000).map((r) => r.id)).toEqual(['r1']);
    expect(expiredBetween(rules, AUG2 + 1000, AUG2 + 5000)).toEqual([]);
    expect(expiredBetween(rules, AUG2 + 5000, AUG2 + 9000).map((r) => r.id)).toEqual(['r2']);
    const d = seedLog();
    const log = new AuditLog({ dir: d });
    log.append(ruleExpiredRecord(rules[0]!, AUG2 + 5000));
    log.close();
    const warnings: string[] = [];
    expect(recentAsks(d, 200, (m) => warnings.push(m))).toHaveLength(15);
    expect(warnings).toEqual([]);
  });
});

describe('replay of calls from Claude Code hooks', () => {
  const hook: AgentInfo = { name: 'api', cwd: '/repo', route: 'claude-hook', conversationId: 'conv-1' };
  const entry = (id: string, command: string, behavior: 'allow' | 'deny', by: DecidedBy) => {
    const call: ToolCall = { toolName: 'Bash', input: { command }, agent: hook };
    return {
      id,
      request: auditRecord({ type: 'request', id, call, at: AUG2, deadline: AUG2 + 1000, autoDecided: false }, 'api'),
      decision: auditRecord(
        { type: 'decision', id, call, decision: { behavior, decidedBy: by, at: AUG2 + 10, ...(behavior === 'deny' ? { message: 'no' } : {}) }, waitMs: 10 },
        'api',
      ),
    };
  };

  it("a rule for the hook's session replays against that session's asks", () => {
    const entries = [entry('h1', 'npm test', 'allow', 'user'), entry('h2', 'npm test -- x', 'deny', 'user')];
    const r = replayRule({ id: 'x', pattern: 'Bash(npm test:*)', action: 'allow', session: 'conv-1' }, entries, { homeDir: HOME });
    expect(r).toMatchObject({ asks: 2, allowed: 2 });
    expect(r.denied.map((d) => d.id)).toEqual(['h2']);
  });

  it('a call answered at Claude\'s own prompt, or cancelled, is not one "you denied"', () => {
    const entries = [entry('h1', 'npm test', 'deny', 'elsewhere'), entry('h2', 'npm test', 'deny', 'cancelled'), entry('h3', 'npm test', 'deny', 'timeout')];
    const r = replayRule({ id: 'x', pattern: 'Bash(npm test:*)', action: 'allow' }, entries, { homeDir: HOME });
    expect(r.denied.map((d) => d.id)).toEqual(['h3']);
  });
});

describe('replay on a long audit log', () => {
  it('reads the last asks from the end: a big history does not hold the server (A runs in its process)', async () => {
    const { writeFileSync } = await import('node:fs');
    dir = mkdtempSync(join(tmpdir(), 'cco-replay-big-'));
    const lines: string[] = [];
    const line = (i: number, asked: boolean) => {
      const call: ToolCall = { toolName: 'Bash', input: { command: `npm test ${i} ${'x'.repeat(200)}` }, agent: A };
      const id = `c${i}`;
      lines.push(JSON.stringify(auditRecord({ type: 'request', id, call, at: AUG2 + i, deadline: AUG2 + i + 60_000, autoDecided: !asked }, 'api')));
      lines.push(
        JSON.stringify(
          auditRecord(
            {
              type: 'decision',
              id,
              call,
              decision: { behavior: 'allow', decidedBy: asked ? 'user' : 'rule:r1', at: AUG2 + i, updatedInput: call.input },
              waitMs: 1,
            },
            'api',
          ),
        ),
      );
    };
    for (let i = 0; i < 150_000; i++) line(i, false);
    for (let i = 150_000; i < 150_300; i++) line(i, true);
    writeFileSync(join(dir, 'audit.jsonl'), `${lines.join('\n')}\n`);
    const t0 = performance.now();
    const entries = recentAsks(dir, 200);
    const ms = performance.now() - t0;
    expect(entries).toHaveLength(200);
    expect(entries[0]!.id).toBe('c150100');
    expect(entries.at(-1)!.id).toBe('c150299');
    expect(ms).toBeLessThan(400);
  }, 60_000);
});
