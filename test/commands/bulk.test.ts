/**
 * `cco approve` / `cco deny` with a selection, and `cco pending ID` / `--full`: the real binary
 * against a real `cco serve`, with real MCP clients asking.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient } from '../../src/client/api-client.js';
import { decideCalls } from '../../src/commands/bulk.js';
import type { PendingView } from '../../src/commands/pending-table.js';
import { callText, selectCalls, textGlob, type Selection } from '../../src/commands/selection.js';
import { wrapCells } from '../../src/core/cells.js';
import { escapeText } from '../../src/core/escape.js';
import { connectClient, parseResult } from '../helpers/server.js';
import { BIN, cco, pendingId, startServe, type Served } from './cco-process.js';

const homes: string[] = [];
let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  clients = [];
});
afterAll(async () => {
  await Promise.all(homes.map((h) => rm(h, { recursive: true, force: true })));
});

describe('--match globs', () => {
  it.each([
    ['npm test', 'npm test', true],
    ['npm test', 'npm test && rm -rf ~', false],
    ['npm test*', 'npm test && rm -rf ~', true],
    ['rm *', 'rm -rf /tmp/x', true],
    ['*rm -rf*', 'cd /a\nrm -rf /b/.c', true],
    ['echo ?', 'echo 你', true],
    ['echo ?', 'echo ab', false],
    ['[gn]pm *', 'npm i', true],
    ['[!gn]pm *', 'npm i', false],
    ['[a-c]at', 'bat', true],
    ['echo \\*', 'echo *', true],
    ['echo \\*', 'echo x', false],
    ['NPM*', 'npm test', false],
    ['a[b', 'a[b', true],
    ['*a*a*a*a*a*b', 'a'.repeat(5000), false],
  ])('%j on %#: %s', (glob, text, expected) => {
    expect(textGlob(glob)(text)).toBe(expected);
  });

  it('tries the command, the path, the URL, else the input as JSON', () => {
    expect(callText({ toolName: 'Bash', input: { command: 'a\nb', description: 'x' } })).toBe('a\nb');
    expect(callText({ toolName: 'Edit', input: { file_path: '/r/a.ts', old_string: 'x' } })).toBe('/r/a.ts');
    expect(callText({ toolName: 'Grep', input: { pattern: 'TODO', path: '/r' } })).toBe('TODO in /r');
    expect(callText({ toolName: 'WebFetch', input: { url: 'https://x' } })).toBe('https://x');
    expect(callText({ toolName: 'mcp__gh__issue', input: { title: 'x' } })).toBe('{"title":"x"}');
  });

  it('flags combine (AND), a repeated flag is any of its values (OR)', () => {
    const view = (id: string, agentLabel: string, toolName: string, command: string) =>
      ({ id, agentLabel, toolName, input: { command }, summary: command }) as unknown as PendingView;
    const calls = [
      view('a', 'web', 'Bash', 'npm test'),
      view('b', 'web', 'Read', 'x'),
      view('c', 'api', 'Bash', 'npm test'),
      view('d', 'webby', 'Bash', 'npm test'),
    ];
    const sel = (s: Partial<Selection>): string[] => selectCalls(calls, { all: false, agents: [], tools: [], globs: [], ...s }).map((c) => c.id);
    expect(sel({ all: true })).toEqual(['a', 'b', 'c', 'd']);
    expect(sel({ agents: ['web'] })).toEqual(['a', 'b']);
    expect(sel({ agents: ['web'], tools: ['Bash'] })).toEqual(['a']);
    expect(sel({ agents: ['web', 'api'], globs: ['npm *'] })).toEqual(['a', 'c']);
    expect(() => sel({})).toThrow(/Nothing selected/);
  });
});

describe('with cco serve running', () => {
  let home: string;
  let served: Served;
  beforeAll(async () => {
    if (!existsSync(join(BIN, '../../dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm test` does).');
    home = await mkdtemp(join(tmpdir(), 'cco-bulk-'));
    homes.push(home);
    served = await startServe(home);
  });
  afterAll(async () => {
    await served?.stop();
  });
  // Each test starts with an empty queue: whatever a test left waiting is denied.
  beforeEach(async () => {
    const client = await ApiClient.fromServerFile(served.serverFile);
    const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
    for (const p of pending) await client.request('POST', `/api/pending/${p.id}/deny`, {}).catch(() => undefined);
  });

  /** Ask as agent `agent` would; the id and the answer to come. */
  async function ask(agent: string, command: string, toolName = 'Bash', input: Record<string, unknown> = { command }) {
    const client = await connectClient(`${served.info.mcpUrl}?agent=${encodeURIComponent(agent)}`);
    clients.push(client);
    const result = client.callTool({ name: 'approval_prompt', arguments: { tool_name: toolName, input, tool_use_id: 'toolu_bulk' } });
    result.catch(() => undefined);
    const id = toolName === 'Bash' ? await pendingId(served.serverFile, command) : await pendingSummary(command);
    return { id, answer: async () => parseResult(await result) };
  }

  /** Wait until a call whose summary is `summary` is pending; its id. */
  async function pendingSummary(summary: string): Promise<string> {
    const client = await ApiClient.fromServerFile(served.serverFile);
    for (let start = Date.now(); Date.now() - start < 10_000; await new Promise((r) => setTimeout(r, 10))) {
      const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
      const found = pending.find((p) => p.summary === summary);
      if (found) return found.id;
    }
    throw new Error(`no pending call for ${summary}`);
  }

  const waiting = async () => {
    const run = await cco(['pending', '--json'], home);
    return (JSON.parse(run.stdout) as { pending: PendingView[] }).pending.map((p) => p.id).sort();
  };

  async function fourCalls() {
    return {
      webTest: await ask('web', 'npm test -- --watch=false'),
      webRm: await ask('web', 'rm -rf build'),
      apiTest: await ask('api', 'npm test'),
      webRead: await ask('web', '/repo/a.ts', 'Read', { file_path: '/repo/a.ts' }),
    };
  }

  it('without --yes and without a terminal: a preview of exactly the matching calls, then a refusal that names --yes', async () => {
    const c = await fourCalls();
    const run = await cco(['approve', '--agent', 'web', '--tool', 'Bash'], home);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^2 calls of 4 waiting match --agent web --tool Bash:\nID +AGE +LEFT +AGENT +TOOL +INPUT\n/);
    expect(run.stdout).toContain(c.webTest.id);
    expect(run.stdout).toContain(c.webRm.id);
    expect(run.stdout).not.toContain(c.apiTest.id);
    expect(run.stdout).not.toContain(c.webRead.id);
    expect(run.stderr).toBe('cco: Nothing decided: stdin is not a terminal, so cco cannot ask. Add --yes to allow these 2 calls.\n');
    expect(await waiting()).toEqual([c.webTest.id, c.webRm.id, c.apiTest.id, c.webRead.id].sort());
  });

  it('--yes decides exactly the matching calls, one line each and a total, and leaves the others waiting', async () => {
    const c = await fourCalls();
    const run = await cco(['deny', '--agent', 'web', '--match', 'npm test*', '--match', 'rm *', '--yes', '-m', 'not now'], home);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^denied +${c.webTest.id} +web +Bash +npm test -- --watch=false$`));
    expect(lines[1]).toMatch(new RegExp(`^denied +${c.webRm.id} +web +Bash +rm -rf build$`));
    expect(lines[2]).toBe('Denied 2 calls.');
    expect(await c.webTest.answer()).toEqual({ behavior: 'deny', message: 'not now' });
    expect(await c.webRm.answer()).toEqual({ behavior: 'deny', message: 'not now' });
    expect(await waiting()).toEqual([c.apiTest.id, c.webRead.id].sort());

    const all = await cco(['approve', '--all', '--yes'], home);
    expect(all).toMatchObject({ code: 0, stderr: '' });
    expect(all.stdout.trimEnd().split('\n').at(-1)).toBe('Allowed 2 calls.');
    expect((await c.apiTest.answer()).behavior).toBe('allow');
    expect(await c.webRead.answer()).toEqual({ behavior: 'allow', updatedInput: { file_path: '/repo/a.ts' } });
  });

  it('a selection that matches nothing decides nothing and says so', async () => {
    const c = await ask('web', 'echo lonely');
    const run = await cco(['approve', '--agent', 'nobody', '--yes'], home);
    expect(run).toMatchObject({ code: 0, stdout: 'No waiting call matches --agent nobody (1 waiting); nothing decided.\n', stderr: '' });
    expect(await waiting()).toEqual([c.id]);
  });

  it('ids and a selection together, or --input with a selection, are refused', async () => {
    expect((await cco(['approve', 'abc', '--all'], home)).stderr).toMatch(/^cco: Give call ids or a selection/);
    expect((await cco(['approve', '--all', '--input', '{}'], home)).stderr).toMatch(/^cco: --input replaces one call's input/);
    expect((await cco(['deny'], home)).stderr).toMatch(/^cco: Give a call id/);
  });

  it('several ids: each decided; an unknown one is reported and makes the status 1', async () => {
    const a = await ask('web', 'echo one');
    const b = await ask('web', 'echo two');
    const run = await cco(['approve', a.id, 'zzzzzz', b.id], home);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^allowed +${a.id} +web +Bash +echo one\nfailed +zzzzzz .*no pending call with this id.*\nallowed +${b.id} .*\nAllowed 2 of 3 calls; 1 failed\\.\n$`,
      ),
    );
    expect(run.stderr).toBe('cco: Not every call was decided as asked (see above).\n');
    expect((await a.answer()).behavior).toBe('allow');
    expect((await b.answer()).behavior).toBe('allow');
  });

  it('a call that ended meanwhile is reported, and the others are still decided', async () => {
    const a = await ask('web', 'echo early');
    const b = await ask('web', 'echo late');
    const client = await ApiClient.fromServerFile(served.serverFile);
    const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
    await client.request('POST', `/api/pending/${a.id}/deny`, {}); // decided elsewhere, after the list was read
    let out = '';
    const failures = await decideCalls(client, pending, 'approve', undefined, { out: (t) => (out += t), confirm: undefined });
    expect(failures).toBe(0);
    expect(out).toMatch(
      new RegExp(`^ended +${a.id} .*\\(ended meanwhile: already decided.*\\)\nallowed +${b.id} .*\nAllowed 1 of 2 calls; 1 had ended meanwhile\\.\n$`),
    );
    expect((await a.answer()).behavior).toBe('deny');
    expect((await b.answer()).behavior).toBe('allow');
  });

  it.skipIf(!existsSync('/usr/bin/script'))('on a terminal it asks y/N: n decides nothing, y decides the calls shown', async () => {
    const a = await ask('web', 'echo tty');
    /** `cco approve --all` with a pseudo-terminal (script(1)) as stdin, answering `answer`. */
    const onTty = (answer: string) =>
      new Promise<{ code: number | null; out: string }>((resolve) => {
        const child = spawn('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} approve --all`, '/dev/null'], {
          env: { ...process.env, CCO_HOME: home, NO_COLOR: '1' },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        let answered = false;
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (!answered && out.includes('[y/N]')) {
            answered = true;
            child.stdin.write(`${answer}\r`);
          }
        });
        child.on('close', (code) => resolve({ code, out }));
      });
    const no = await onTty('n');
    expect(no.out).toContain('Allow these 1 call? [y/N]');
    expect(no.out).toContain('Nothing decided.');
    expect(no.code).toBe(1);
    expect(await waiting()).toEqual([a.id]);
    const yes = await onTty('y');
    expect(yes.out).toMatch(/Allowed 1 call\./);
    expect(yes.code).toBe(0);
    expect((await a.answer()).behavior).toBe('allow');
  });

  it('cco pending marks a cut input; cco pending ID and --full show the whole input, escaped and wrapped', async () => {
    const long = `echo ${'你好 '.repeat(40)}\nprintf 'done\u001b[31m' && ${'x'.repeat(150)}`;
    const c = await ask('web', long, 'Bash', { command: long, description: 'a long one' });
    const short = await ask('api', 'echo short');
    const table = await cco(['pending'], home);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain(`… = cut. The whole input: cco pending ${c.id} (or cco pending --full for every call).`);
    expect(table.stdout).not.toContain('\u001b');

    const full = await cco(['pending', c.id], home, 10_000, { env: { COLUMNS: '50' } });
    expect(full).toMatchObject({ code: 0, stderr: '' });
    expect(full.stdout).not.toContain('\u001b');
    const lines = full.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${c.id}  Bash  from web  waiting \\S+, \\S+ left$`));
    expect(lines[1]).toBe('  command:');
    // Every piece of every line is there, in order; continuations are marked.
    const commandLines = lines.slice(2, lines.indexOf('  description:'));
    const joined = commandLines.map((l) => l.slice(4)).join('');
    expect(joined).toBe(
      long
        .split('\n')
        .map((l) => escapeText(l))
        .join(''),
    );
    expect(commandLines.filter((l) => l.startsWith('  ↳ ')).length).toBeGreaterThan(2);
    for (const l of lines) expect(wrapCells(l, 50)).toHaveLength(1);
    expect(lines.slice(-2)).toEqual(['  description:', '    a long one']);

    const every = await cco(['pending', '--full'], home);
    expect(every.stdout).toContain(`${c.id}  Bash  from web`);
    expect(every.stdout).toContain(`${short.id}  Bash  from api`);
    expect(every.stdout).toContain('    echo short');

    const unknown = await cco(['pending', 'nope99'], home);
    expect(unknown).toMatchObject({ code: 1, stderr: 'cco: No pending call with id nope99. Run `cco pending` to see the ids.\n' });
  });
});
