import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EntryWindow, type AuditRecord, type LogEntry } from '../../src/core/audit.js';
import { forEachAuditRecord, lastEntries } from '../../src/store/audit-read.js';
import { forEachLineReverse } from '../../src/store/lines.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cco-rev-'));
  dirs.push(d);
  return d;
}

/** A small seeded generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

describe('forEachLineReverse', () => {
  it.each([
    [
      'a\nb\n',
      [
        ['b', false],
        ['a', false],
      ],
    ],
    [
      'a\nb',
      [
        ['b', true],
        ['a', false],
      ],
    ],
    ['a', [['a', true]]],
    ['', []],
    [
      '\n\n',
      [
        ['', false],
        ['', false],
      ],
    ],
    [
      'a\n\nb\n',
      [
        ['b', false],
        ['', false],
        ['a', false],
      ],
    ],
  ])('%j', (text, expected) => {
    const d = dir();
    writeFileSync(join(d, 'f'), text);
    const out: Array<[string, boolean]> = [];
    forEachLineReverse(join(d, 'f'), (l, t) => void out.push([l, t]));
    expect(out).toEqual(expected);
  });

  it('gives the forward reading reversed, across chunk borders and multi-byte characters', () => {
    const next = rng(7);
    for (let round = 0; round < 20; round++) {
      const lines = Array.from({ length: 1 + Math.floor(next() * 40) }, () => 'é✓x'.repeat(Math.floor(next() * (next() < 0.1 ? 60_000 : 50))));
      const d = dir();
      writeFileSync(join(d, 'f'), `${lines.join('\n')}\n`);
      const out: string[] = [];
      forEachLineReverse(join(d, 'f'), (l) => void out.push(l));
      expect(out).toEqual([...lines].reverse());
    }
  });
});

describe('lastEntries reads from the end what a whole read keeps', () => {
  function record(event: 'request' | 'decision', id: string, t: number, extra: Partial<AuditRecord> = {}): AuditRecord {
    return {
      time: new Date(t).toISOString(),
      event,
      id,
      agentLabel: `a${id.length % 3}`,
      tool: id.endsWith('7') ? 'Edit' : 'Bash',
      input: { command: `cmd ${id}` },
      ...extra,
    } as AuditRecord;
  }

  function seededLog(seed: number): { files: Record<string, string> } {
    const next = rng(seed);
    const records: AuditRecord[] = [];
    const open: string[] = [];
    let t = Date.parse('2026-11-01T00:00:00Z');
    for (let i = 0; i < 300; i++) {
      t += 1000;
      const roll = next();
      if (roll < 0.5 || open.length === 0) {
        const id = `c${i}`;
        records.push(record('request', id, t, { autoDecided: false }));
        open.push(id);
      } else if (roll < 0.95) {
        const id = open.splice(Math.floor(next() * open.length), 1)[0]!;
        records.push(record('decision', id, t, { behavior: next() < 0.5 ? 'allow' : 'deny', decidedBy: 'user', waitMs: 5 }));
        if (next() < 0.03) records.push(record('decision', id, t, { behavior: 'deny', decidedBy: 'interrupted', waitMs: 0 }));
      } else records.push(record('decision', `gone${i}`, t, { behavior: 'deny', decidedBy: 'timeout', waitMs: 1 }));
    }
    // Split into a rotated file and the current one; sometimes damage a line, sometimes tear the end.
    const cut = Math.floor(next() * records.length);
    const lines = records.map((r) => JSON.stringify(r));
    if (next() < 0.5) lines.splice(Math.floor(next() * lines.length), 0, 'not json');
    const older = lines.slice(0, cut).join('\n');
    let current = lines.slice(cut).join('\n');
    current += next() < 0.3 ? '\n{"torn":' : '\n';
    return { files: { 'audit-2026-11-01T00-02-00-000Z.jsonl': older ? `${older}\n` : '', 'audit.jsonl': current } };
  }

  const ids = (es: LogEntry[]) => es.map((e) => `${e.id}:${e.request ? 'r' : ''}${e.decision ? `d(${e.decision.decidedBy})` : ''}`);

  it('on 60 seeded logs × limits × filters', () => {
    const filters: Array<(e: LogEntry) => boolean> = [() => true, (e) => (e.decision ?? e.request)!.tool === 'Edit', (e) => e.decision?.behavior === 'deny'];
    for (let seed = 1; seed <= 60; seed++) {
      const d = dir();
      for (const [name, text] of Object.entries(seededLog(seed).files)) writeFileSync(join(d, name), text);
      for (const max of [1, 3, 10, 100, 1000]) {
        for (const keep of filters) {
          const window = new EntryWindow(max, keep);
          forEachAuditRecord(
            d,
            () => {},
            (r) => window.add(r),
          );
          const got = ids(lastEntries(d, max, keep, () => {}));
          const want = ids(window.result());
          expect(got, `seed ${seed} max ${max}`).toEqual(want);
        }
      }
    }
  });

  it('reports damaged and torn lines', () => {
    const d = dir();
    writeFileSync(join(d, 'audit.jsonl'), `${JSON.stringify(record('request', 'c1', 0))}\nnot json\n{"torn":`);
    const warnings: string[] = [];
    lastEntries(
      d,
      10,
      () => true,
      (m) => warnings.push(m),
    );
    expect(warnings).toEqual([expect.stringMatching(/torn last line/), expect.stringMatching(/not an audit record/)]);
  });
});
