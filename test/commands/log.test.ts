import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../../src/core/audit.js';
import { runCli, tempHome } from '../helpers/cli.js';

const NOW = Date.now();
const H = 3_600_000;

/** A known log: 6 calls over 3 hours; three decided by a person (waits 10s, 20s, 90s). */
function fixture(): AuditRecord[] {
  const out: AuditRecord[] = [];
  const call = (id: string, ago: number, agent: string, tool: string, input: Record<string, unknown>, d?: Partial<AuditRecord>, auto = false) => {
    const t = NOW - ago;
    const base = { id, agent, agentLabel: agent, sessionId: `s-${agent}`, tool, input };
    out.push({ time: new Date(t).toISOString(), event: 'request', ...base, autoDecided: auto, deadline: new Date(t + 300_000).toISOString() });
    if (d) out.push({ time: new Date(t + (d.waitMs ?? 0)).toISOString(), event: 'decision', ...base, ...d } as AuditRecord);
  };
  call('a1', 3 * H, 'frontend', 'Bash', { command: 'npm test' }, { behavior: 'allow', decidedBy: 'rule:r1', waitMs: 0 }, true);
  call('a2', 2.5 * H, 'frontend', 'Edit', { file_path: '/repo/src/a.ts' }, { behavior: 'allow', decidedBy: 'user', waitMs: 10_000 });
  call('a3', 1.5 * H, 'backend', 'Bash', { command: 'rm -rf build' }, { behavior: 'deny', decidedBy: 'user', message: 'keep build', waitMs: 90_000 });
  call('a4', 1 * H, 'backend', 'WebFetch', { url: 'https://example.com' }, { behavior: 'deny', decidedBy: 'timeout', message: 'Timed out', waitMs: 300_000 });
  call(
    'a5',
    0.5 * H,
    'frontend',
    'Bash',
    { command: 'git push' },
    { behavior: 'allow', decidedBy: 'user', waitMs: 20_000, edited: true, updatedInput: { command: 'git push --dry-run' } },
  );
  call('a6', 0.2 * H, 'backend', 'Write', { file_path: 'C:\\Users\\me\\x' }, { behavior: 'deny', decidedBy: 'cancelled', message: 'gone', waitMs: 1000 });
  return out;
}

function home(): string {
  const dir = tempHome();
  writeFileSync(
    join(dir, 'audit.jsonl'),
    fixture()
      .map((r) => `${JSON.stringify(r)}\n`)
      .join(''),
  );
  return dir;
}

const ids = async (dir: string, ...args: string[]) => {
  const r = await runCli(dir, 'log', '--json', ...args);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => (JSON.parse(l) as { id: string }).id);
};

describe('cco log', () => {
  it('prints a table of calls, oldest first, with decision, who and wait', async () => {
    const r = await runCli(home(), 'log');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TIME\s+ID\s+AGENT\s+TOOL\s+DECISION\s+BY\s+WAIT\s+SUMMARY$/);
    expect(lines).toHaveLength(7);
    expect(lines[3]).toMatch(/a3\s+backend\s+Bash\s+denied\s+user\s+1m30s\s+rm -rf build$/);
    expect(lines[1]).toMatch(/a1\s+frontend\s+Bash\s+allowed\s+rule:r1\s+0ms\s+npm test$/);
  });

  it('--json is valid JSON Lines, one merged object per call', async () => {
    const r = await runCli(home(), 'log', '--json');
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(6);
    expect(rows[4]).toMatchObject({
      id: 'a5',
      agent: 'frontend',
      tool: 'Bash',
      input: { command: 'git push' },
      decision: 'allow',
      decidedBy: 'user',
      edited: true,
      updatedInput: { command: 'git push --dry-run' },
      waitMs: 20_000,
    });
  });

  it.each([
    [
      ['--since', '2h'],
      ['a3', 'a4', 'a5', 'a6'],
    ],
    [
      ['--until', '1h10m'],
      ['a1', 'a2', 'a3'],
    ],
    [
      ['--since', new Date(NOW - 1.2 * H).toISOString()],
      ['a4', 'a5', 'a6'],
    ],
    [
      ['--agent', 'back*'],
      ['a3', 'a4', 'a6'],
    ],
    [
      ['--tool', 'Bash'],
      ['a1', 'a3', 'a5'],
    ],
    [
      ['--tool', '{Edit,Write}'],
      ['a2', 'a6'],
    ],
    [
      ['--decision', 'allow'],
      ['a1', 'a2', 'a5'],
    ],
    [
      ['--decision', 'deny'],
      ['a3', 'a4', 'a6'],
    ],
    [
      ['--decision', 'ask'],
      ['a2', 'a3', 'a4', 'a5', 'a6'],
    ],
    [['--decision', 'timeout'], ['a4']],
    [['--decision', 'cancelled'], ['a6']],
    [['--grep', 'KEEP BUILD'], ['a3']],
    [['--grep', 'example.com'], ['a4']],
    [['--grep', 'C:\\Users'], ['a6']],
    [['--grep', '":"'], []],
    [
      ['--limit', '2'],
      ['a5', 'a6'],
    ],
    [
      ['--agent', 'frontend', '--tool', 'Bash', '--decision', 'allow'],
      ['a1', 'a5'],
    ],
  ])('filter %j', async (args, expected) => {
    expect(await ids(home(), ...args)).toEqual(expected);
  });

  it('--stats: counts per tool, agent and decision; median and p90 wait of people', async () => {
    const r = await runCli(home(), 'log', '--stats', '--json');
    expect(JSON.parse(r.stdout)).toEqual({
      calls: 6,
      byTool: { Bash: 3, Edit: 1, WebFetch: 1, Write: 1 },
      byAgent: { frontend: 3, backend: 3 },
      byDecision: { allow: 3, deny: 3 },
      byDecidedBy: { 'rule:r1': 1, user: 3, timeout: 1, cancelled: 1 },
      personWait: { count: 3, medianMs: 20_000, p90Ms: 90_000 },
    });
    const text = (await runCli(home(), 'log', '--stats')).stdout;
    expect(text).toContain('Wait for a person (3 decisions): median 20s, p90 1m30s');
    expect(text).toMatch(/By tool:\n {2}Bash\s+3/);
  });

  it('bad options say what is wrong', async () => {
    const h = home();
    const r = await runCli(h, 'log', '--since', 'yesterdayish');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--since "yesterdayish" is neither a duration/);
    expect((await runCli(h, 'log', '--decision', 'maybe')).code).toBe(1);
  });

  it('an empty or missing log is not an error', async () => {
    const r = await runCli(tempHome(), 'log');
    expect(r).toMatchObject({ code: 0, stdout: 'No logged calls match.\n' });
  });
});

describe('cco log and long inputs', () => {
  it('a 300 KiB input is read back whole and printed escaped (--json), its summary in the table', async () => {
    const dir = tempHome();
    const command = `echo ${'x'.repeat(300 * 1024)}\u202e\u001b[2J; rm -rf ~`;
    const t = new Date(NOW - 60_000).toISOString();
    const base = { id: 'big', agentLabel: 'a', tool: 'Bash', input: { command } };
    const lines: AuditRecord[] = [
      { time: t, event: 'request', ...base, autoDecided: false, deadline: t },
      { time: t, event: 'decision', ...base, behavior: 'deny', decidedBy: 'user', waitMs: 5 },
    ];
    writeFileSync(join(dir, 'audit.jsonl'), lines.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const json = await runCli(dir, 'log', '--json');
    expect(json.stderr).toBe('');
    const out = json.stdout.trim();
    expect(out).not.toMatch(/[\u202e\u001b]/);
    expect(out).toContain('\\u202e\\u001b[2J; rm -rf ~');
    expect((JSON.parse(out) as { input: { command: string } }).input.command).toBe(command);
    const table = await runCli(dir, 'log');
    expect(table.stdout).not.toMatch(/[\u202e\u001b]/);
    expect(table.stdout).toMatch(/big\s+a\s+Bash\s+denied/);
  });
});

describe('cco log shows what ran', () => {
  it('an edited call shows the input as it ran, spelled out, and an interrupting denial says so', async () => {
    const dir = home();
    const extra: AuditRecord[] = [];
    const t = NOW - 60_000;
    const base = { id: 'a7', agent: 'backend', agentLabel: 'backend', tool: 'Bash', input: { command: 'sleep 999' } };
    extra.push({ time: new Date(t).toISOString(), event: 'request', ...base, autoDecided: false, deadline: new Date(t + 1000).toISOString() } as AuditRecord);
    extra.push({
      time: new Date(t + 1000).toISOString(),
      event: 'decision',
      ...base,
      behavior: 'deny',
      decidedBy: 'timeout',
      message: 'Timed out',
      interrupt: true,
      waitMs: 1000,
    } as AuditRecord);
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'audit.jsonl'), extra.map((r) => `${JSON.stringify(r)}\n`).join(''));
    const out = (await runCli(dir, 'log')).stdout;
    const a5 = out.split('\n').find((l) => l.includes('a5'))!;
    expect(a5).toMatch(/allowed edited\s+user\s+20s\s+git push --dry-run$/);
    expect(out).not.toContain('*');
    expect(out.split('\n').find((l) => l.includes('a7'))).toMatch(/denied, stopped\s+timeout/);
  });
});
