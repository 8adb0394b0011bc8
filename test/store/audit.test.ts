import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditRecord, pairRecords } from '../../src/core/audit.js';
import { Broker } from '../../src/core/broker.js';
import type { BrokerEvent } from '../../src/core/types.js';
import { AuditLog, recoverAudit } from '../../src/store/audit.js';
import { removeExpired } from '../../src/store/audit-files.js';
import { readAuditRecords } from '../../src/store/audit-read.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { tempHome } from '../helpers/cli.js';

const DAY = 86_400_000;

function setup(dir = tempHome()) {
  const clock = new FakeClock();
  const problems: Array<string | undefined> = [];
  const log = new AuditLog({ dir, now: () => clock.now(), onProblem: (m) => problems.push(m) });
  let n = 0;
  const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000, clock, audit: (e) => log.append(auditRecord(e, e.call.agent?.name ?? 'anon')) });
  return { dir, clock, log, broker, problems };
}

describe('audit log file', () => {
  it('writes request and decision lines in order, each before the answer is handed out, and reads them back', async () => {
    const { dir, broker, log } = setup();
    const seenOnDisk: number[] = [];
    const agent = { name: 'frontend', sessionId: 's1', client: { name: 'claude-code', version: '2.1' }, cwd: '/repo' };
    const p1 = broker.request({ toolName: 'Bash', input: { command: 'make' }, toolUseId: 'toolu_1', agent });
    const p2 = broker.request({ toolName: 'Write', input: { file_path: '/repo/a', content: 'x' }, agent });
    const [a, b] = broker.snapshot().pending;
    broker.decide(a!.id, { behavior: 'allow', updatedInput: { command: 'make test' } });
    // When the promise resolves the decision is already on disk.
    void p1.then(() => seenOnDisk.push(readAuditRecords(dir).length));
    await p1;
    broker.decide(b!.id, { behavior: 'deny', message: 'no' });
    await p2;
    log.close();
    const records = readAuditRecords(dir);
    expect(records.map((r) => `${r.event}:${r.id}`)).toEqual(['request:c1', 'request:c2', 'decision:c1', 'decision:c2']);
    expect(seenOnDisk[0]).toBeGreaterThanOrEqual(3);
    expect(records[0]).toMatchObject({
      event: 'request',
      id: 'c1',
      toolUseId: 'toolu_1',
      agent: 'frontend',
      sessionId: 's1',
      client: { name: 'claude-code', version: '2.1' },
      cwd: '/repo',
      tool: 'Bash',
      input: { command: 'make' },
      autoDecided: false,
    });
    expect(records[2]).toMatchObject({ behavior: 'allow', decidedBy: 'user', edited: true, updatedInput: { command: 'make test' }, waitMs: 0 });
    expect(records[3]).toMatchObject({ behavior: 'deny', decidedBy: 'user', message: 'no' });
    expect(Date.parse(records[0]!.time)).toBe(1_700_000_000_000);
    expect(readFileSync(join(dir, 'audit.jsonl'), 'utf8').split('\n')).toHaveLength(5);
  });

  it('skips a torn last line with a warning, and the next writer starts on a fresh line', () => {
    const { dir, broker, log } = setup();
    void broker.request({ toolName: 'Bash', input: { command: 'a' } });
    log.close();
    appendFileSync(join(dir, 'audit.jsonl'), '{"time":"2026-01-01T00:00:00.000Z","event":"deci');
    const warnings: string[] = [];
    expect(readAuditRecords(dir, (w) => warnings.push(w)).map((r) => r.id)).toEqual(['c1']);
    expect(warnings).toEqual([expect.stringMatching(/torn last line/)]);

    const again = new AuditLog({ dir });
    const rec = auditRecord({ type: 'request', id: 'c9', call: { toolName: 'Read', input: {} }, at: 0, deadline: 1, autoDecided: false }, 'x');
    again.append(rec);
    again.close();
    const warnings2: string[] = [];
    expect(readAuditRecords(dir, (w) => warnings2.push(w)).map((r) => r.id)).toEqual(['c1', 'c9']);
    expect(warnings2).toHaveLength(1);
  });

  it('rotates a big or day-old file and removes rotated files past the age or size limit, keeping recent ones', () => {
    const dir = tempHome();
    let now = Date.parse('2026-03-10T12:00:00.000Z');
    const log = new AuditLog({ dir, now: () => now, maxFileBytes: 10_000 });
    const line = (t: number) =>
      auditRecord({ type: 'request', id: 'x', call: { toolName: 'Bash', input: { command: 'y'.repeat(100) } }, at: t, deadline: t, autoDecided: false }, 'a');
    log.append(line(now));
    expect(log.maintain(30 * DAY, 100e6).rotated).toBeUndefined(); // young and small
    now += 2 * DAY; // a day-old file is rotated at the next start
    const r1 = log.maintain(30 * DAY, 100e6).rotated!;
    expect(r1).toMatch(/audit-2026-03-12T12-00-00-000Z\.jsonl$/);
    for (let i = 0; i < 80; i++) log.append(line(now)); // > 10 kB
    now += 60_000;
    expect(log.maintain(30 * DAY, 100e6).rotated).toMatch(/audit-2026-03-12T12-01-00-000Z\.jsonl$/);
    // Old rotated files by name stamp.
    writeFileSync(join(dir, 'audit-2026-01-01T00-00-00-000Z.jsonl'), '{}\n');
    writeFileSync(join(dir, 'audit-2026-02-20T00-00-00-000Z.jsonl'), '{}\n');
    const { removed } = log.maintain(30 * DAY, 100e6);
    expect(removed.map((f) => f.split('/').pop())).toEqual(['audit-2026-01-01T00-00-00-000Z.jsonl']);
    expect(
      readdirSync(dir)
        .filter((f) => f.startsWith('audit-'))
        .sort(),
    ).toEqual(['audit-2026-02-20T00-00-00-000Z.jsonl', 'audit-2026-03-12T12-00-00-000Z.jsonl', 'audit-2026-03-12T12-01-00-000Z.jsonl']);
    // Size: oldest first until the total fits.
    const newest = statSync(join(dir, 'audit-2026-03-12T12-01-00-000Z.jsonl')).size;
    const left = removeExpired(dir, now, 30 * DAY, newest + 100);
    expect(left.map((f) => f.split('/').pop())).toEqual(['audit-2026-02-20T00-00-00-000Z.jsonl', 'audit-2026-03-12T12-00-00-000Z.jsonl']);
    expect(readdirSync(dir).filter((f) => f.startsWith('audit-'))).toEqual(['audit-2026-03-12T12-01-00-000Z.jsonl']);
  });

  it('recovery writes an interrupted decision for calls left waiting and returns the history', () => {
    const { dir, broker, log, clock } = setup();
    const p = broker.request({ toolName: 'Bash', input: { command: 'done' } });
    broker.decide('c1', { behavior: 'allow' });
    void p;
    void broker.request({ toolName: 'Bash', input: { command: 'left waiting' } });
    log.close(); // "crash"
    clock.advance(5000);
    const log2 = new AuditLog({ dir });
    const { history, interrupted } = recoverAudit(log2, dir, clock.now(), 100, () => {});
    log2.close();
    expect(interrupted.map((r) => r.id)).toEqual(['c2']);
    expect(history.map((d) => [d.id, d.decision.decidedBy])).toEqual([
      ['c2', 'interrupted'],
      ['c1', 'user'],
    ]);
    const entries = pairRecords(readAuditRecords(dir));
    expect(entries.map((e) => [e.id, e.decision?.decidedBy])).toEqual([
      ['c1', 'user'],
      ['c2', 'interrupted'],
    ]);
    expect(entries[1]!.decision!.waitMs).toBe(5000);
    const fresh = new Broker({ newId: () => 'c9', timeoutMs: 1000 });
    fresh.seedHistory(history);
    expect(fresh.snapshot().recent.map((d) => d.id)).toEqual(['c2', 'c1']);
  });

  it('an unwritable state folder: cco keeps deciding and warns; with auditRequired it denies and says why', async () => {
    const home = tempHome();
    const dir = join(home, 'state');
    // A file where the folder should be fails for every user, root included.
    writeFileSync(dir, 'not a folder');
    const { broker, problems } = setup(dir);
    const allowAll = () => ({ action: 'allow' as const, decidedBy: 'rule:r1' as const });
    broker.setPolicy(allowAll);
    expect(await broker.request({ toolName: 'Bash', input: { command: 'a' } })).toMatchObject({ behavior: 'allow' });
    expect(problems).toEqual([
      expect.stringMatching(/cannot write the audit log .*audit\.jsonl \((EEXIST|ENOTDIR)\)\. Check that the folder exists and is writable/),
    ]);
    broker.setAuditRequired(true);
    const d = await broker.request({ toolName: 'Bash', input: { command: 'b' } });
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'error', message: expect.stringMatching(/could not write its audit log.*auditRequired/) });
    // A call that would wait for a person is denied at once, too.
    broker.setPolicy(() => ({ action: 'ask', decidedBy: 'default' }));
    expect(await broker.request({ toolName: 'Bash', input: { command: 'c' } })).toMatchObject({ behavior: 'deny', decidedBy: 'error' });
    expect(broker.snapshot().pending).toHaveLength(0);
    // Fixed: writing resumes and the warning clears.
    rmSync(dir);
    mkdirSync(dir);
    broker.setPolicy(allowAll);
    expect(await broker.request({ toolName: 'Bash', input: { command: 'd' } })).toMatchObject({ behavior: 'allow' });
    expect(problems.at(-1)).toBeUndefined();
  });
});

describe('broker audit hook', () => {
  it('a decision whose line cannot be written becomes a denial when audit is required', async () => {
    let failDecisions = false;
    const events: BrokerEvent[] = [];
    const broker = new Broker({
      newId: () => 'k1',
      timeoutMs: 1000,
      clock: new FakeClock(),
      auditRequired: true,
      audit: (e) => {
        if (failDecisions && e.type === 'decision') throw new Error('ENOSPC');
        events.push(e);
      },
    });
    const p = broker.request({ toolName: 'Bash', input: {} });
    failDecisions = true;
    const sent = broker.decide('k1', { behavior: 'allow' });
    expect(sent).toMatchObject({ behavior: 'deny', decidedBy: 'error', message: expect.stringContaining('ENOSPC') });
    expect(await p).toEqual(sent);
    expect(events.map((e) => e.type)).toEqual(['request']);
  });
});

describe('auto-decided calls: request and decision in one write', () => {
  it('auditBatch gets both events of a call a rule decides, and the lines land together', () => {
    const dir = tempHome();
    const log = new AuditLog({ dir });
    const batches: string[][] = [];
    const broker = new Broker({
      newId: () => 'a1',
      timeoutMs: 1000,
      clock: new FakeClock(),
      policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }),
      auditBatch: (events) => {
        batches.push(events.map((e) => e.type));
        log.appendAll(events.map((e) => auditRecord(e, 'anon')));
      },
    });
    void broker.request({ toolName: 'Bash', input: { command: 'ls' } });
    log.close();
    expect(batches).toEqual([['request', 'decision']]);
    expect(readAuditRecords(dir).map((r) => `${r.event}:${r.id}:${r.decidedBy ?? ''}`)).toEqual(['request:a1:', 'decision:a1:rule:r1']);
  });

  it('a batch that cannot be written turns an allow into a denial, whose line is tried on its own', async () => {
    const written: string[] = [];
    const broker = new Broker({
      newId: () => 'a2',
      timeoutMs: 1000,
      clock: new FakeClock(),
      auditRequired: true,
      policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }),
      auditBatch: (events) => {
        if (events.length > 1) throw new Error('ENOSPC');
        written.push(...events.map((e) => (e.type === 'decision' ? `decision ${e.decision.behavior}` : e.type)));
      },
    });
    const d = await broker.request({ toolName: 'Bash', input: {} });
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'error', message: expect.stringContaining('ENOSPC') });
    expect(written).toEqual(['decision deny']);
  });
});
