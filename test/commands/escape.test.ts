/**
 * Text an agent sent (a command saved as a rule, a waiting call) printed by the real binary:
 * no escape sequence, raw CR/LF, bidi or zero-width character reaches the terminal, JSON stays
 * valid, and tables align by terminal cells.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import stringWidth from 'string-width';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/server.js';
import { BIN, cco, pendingId, startServe, type Served } from './cco-process.js';
import { ccoWith, emptyPath } from './fake-claude.js';

const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

beforeAll(() => {
  if (!existsSync(join(BIN, '../../dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm test` does).');
});

/** What an agent's heredoc command could hold: OSC title, clear screen, CR/LF, bidi, zero-width, C1. */
const HOSTILE = 'echo \u001b]0;pwned\u0007\u001b[2J hi\r\nthere \u202eevil\u200b\u009b2J\u007f';
const PATTERN = `Bash(${HOSTILE})`;

/** Output with its own line ends removed must hold none of these. */
// eslint-disable-next-line no-control-regex
const RAW = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/;
function expectSafe(text: string): void {
  expect(text.replace(/\n/g, '')).not.toMatch(RAW);
}

describe('rules made from an agent command', () => {
  let home: string;
  beforeAll(async () => {
    home = dir('cco-escape-');
    expect((await cco(['rules', 'add', PATTERN, '--allow', '--name', 'from \u202ethe console'], home)).stdout).toBe('r1\n');
    expect((await cco(['rules', 'add', 'Bash(echo 漢字かな🎉)', '--deny', '--name', 'wide'], home)).stdout).toBe('r2\n');
    expect((await cco(['rules', 'add', 'Bash(ls)', '--ask', '--name', 'narrow'], home)).stdout).toBe('r3\n');
  });

  it('cco rules list shows escapes, no raw bytes, and columns aligned by cells', async () => {
    const r = await cco(['rules', 'list'], home);
    expect(r.code).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('Bash(echo \\u001b]0;pwned\\u0007\\u001b[2J hi\\u000d\\nthere \\u202eevil\\u200b\\u009b2J\\u007f)');
    expect(r.stdout).toContain('from \\u202ethe console');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    // The NOTE column starts at the same terminal cell on every row, CJK and emoji included.
    const noteAt = (line: string, note: string) => stringWidth(line.slice(0, line.indexOf(note)));
    const header = noteAt(lines[0]!, 'NOTE');
    expect(
      noteAt(
        lines.find((l) => l.startsWith('r2'))!,
        'wide',
      ),
    ).toBe(header);
    expect(
      noteAt(
        lines.find((l) => l.startsWith('r3'))!,
        'narrow',
      ),
    ).toBe(header);
    expect(
      noteAt(
        lines.find((l) => l.startsWith('r1'))!,
        'from',
      ),
    ).toBe(header);
  });

  it('cco rules list --json is valid JSON with the exact pattern, and safe to cat', async () => {
    const r = await cco(['rules', 'list', '--json'], home);
    expectSafe(r.stdout);
    const rules = JSON.parse(r.stdout) as Array<{ id: string; pattern: string; name: string }>;
    expect(rules.find((x) => x.id === 'r1')).toMatchObject({ pattern: PATTERN, name: 'from \u202ethe console' });
  });

  it('cco rules test escapes the patterns, the reasons and the call', async () => {
    const r = await cco(['rules', 'test', 'Bash', JSON.stringify({ command: HOSTILE })], home);
    expect(r.code).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('\\u202eevil');
    expect(r.stdout).toContain('Rules checked, in order:');
    // The trace's reason column starts at the same cell on every row.
    const trace = r.stdout.split('\n').filter((l) => /^ {2}r\d/.test(l));
    expect(trace).toHaveLength(3);
    const marks = trace.map((l) => stringWidth(l.slice(0, l.search(/ (MATCH|no|skip) /))));
    expect(new Set(marks).size).toBe(1);

    const json = await cco(['rules', 'test', 'Bash', JSON.stringify({ command: HOSTILE }), '--json'], home);
    expectSafe(json.stdout);
    expect((JSON.parse(json.stdout) as { call: { input: { command: string } } }).call.input.command).toBe(HOSTILE);
  });

  it('cco rules export, both formats, is valid JSON and safe to cat', async () => {
    for (const format of ['cco', 'claude']) {
      const r = await cco(['rules', 'export', '--format', format], home);
      expect(r.code).toBe(0);
      expectSafe(r.stdout);
      expectSafe(r.stderr);
      expect(JSON.stringify(JSON.parse(r.stdout))).toContain(JSON.stringify(PATTERN).slice(1, -1));
    }
  });

  it('cco rules import reports hostile entries escaped', async () => {
    const settings = join(dir('cco-escape-import-'), 'settings.json');
    writeFileSync(settings, JSON.stringify({ permissions: { allow: [PATTERN, 'Bash(echo 漢字)'], deny: ['Bash(\u001b[2J'] } }));
    const r = await cco(['rules', 'import', settings, '--dry-run'], dir('cco-escape-'));
    expect(r.code).toBe(0);
    expectSafe(r.stdout);
    expect(r.stdout).toContain('Would add 2 rules:');
    expect(r.stdout).toContain('\\u001b]0;pwned');
    expect(r.stdout).toContain('Not imported (1):');
  });

  it('error messages quoting what was given are escaped', async () => {
    const r = await cco(['rules', 'rm', 'r9\u001b[2J\u202e'], home);
    expect(r.code).toBe(1);
    expectSafe(r.stderr);
    expect(r.stderr).toContain('No rule with id r9\\u001b[2J\\u202e.');
  });

  it('cco doctor lists hostile Claude allow rules escaped', async () => {
    const userHome = dir('cco-escape-home-');
    mkdirSync(join(userHome, '.claude'));
    writeFileSync(join(userHome, '.claude', 'settings.json'), JSON.stringify({ permissions: { allow: [PATTERN] } }));
    const r = await ccoWith(['doctor'], { home: dir('cco-escape-'), path: emptyPath(), userHome, cwd: dir('cco-escape-proj-') });
    expectSafe(r.stdout);
    expectSafe(r.stderr);
    expect(r.stdout).toContain('Claude Code allows these itself');
    expect(r.stdout).toContain('\\u001b]0;pwned');
  });
});

describe('a waiting call with a hostile command', () => {
  let home: string;
  let served: Served;
  let client: Client | undefined;
  beforeAll(async () => {
    home = dir('cco-escape-serve-');
    served = await startServe(home);
  });
  afterEach(async () => {
    await client?.close().catch(() => undefined);
    client = undefined;
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('cco pending, pending --json, serve and log show it escaped', async () => {
    client = await connectClient(served.info.mcpUrl);
    const result = client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command: HOSTILE }, tool_use_id: 'toolu_esc' } });
    result.catch(() => undefined);
    const id = await pendingId(served.serverFile, HOSTILE);

    const table = await cco(['pending'], home);
    expect(table.code).toBe(0);
    expectSafe(table.stdout);
    expect(table.stdout).toContain('\\u001b]0;pwned');

    const json = await cco(['pending', '--json'], home);
    expectSafe(json.stdout);
    expect((JSON.parse(json.stdout) as { pending: Array<{ input: { command: string } }> }).pending[0]!.input.command).toBe(HOSTILE);

    expect((await cco(['deny', id, '-m', 'no \u202e'], home)).code).toBe(0);
    await result;
    expectSafe(served.output());

    const log = await cco(['log'], home);
    expectSafe(log.stdout);
    expect(log.stdout).toContain('\\u001b]0;pwned');
    const logJson = await cco(['log', '--json'], home);
    expectSafe(logJson.stdout);
    expect(JSON.parse(logJson.stdout.trim().split('\n').at(-1)!)).toMatchObject({ input: { command: HOSTILE } });
  });
});
