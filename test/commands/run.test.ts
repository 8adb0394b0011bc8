import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claudeRunArgs, exitStatus } from '../../src/commands/run.js';
import { writeServerFile } from '../../src/store/server-file.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { ccoWith, emptyPath, fakeClaude, usePath } from './fake-claude.js';

const MCP = 'http://127.0.0.1:41234/mcp';

/** A server file naming a live process (this one), as a running cco would leave it. */
async function liveServerFile(home: string, pid = process.pid) {
  await writeServerFile(join(home, 'server.json'), {
    url: 'http://127.0.0.1:41234',
    mcpUrl: MCP,
    pid,
    token: 't',
    startedAt: new Date().toISOString(),
    version: '0',
  });
}

describe('claudeRunArgs', () => {
  it('adds cco as an MCP server and its tool as the permission prompt, then the user arguments untouched', () => {
    expect(claudeRunArgs(MCP, 'api', ['-p', 'fix the flaky test', '--model', 'x'])).toEqual([
      '--mcp-config',
      JSON.stringify({ mcpServers: { cco: { type: 'http', url: MCP, headers: { 'X-CCO-Agent': 'api' }, timeout: 90_000_000 } } }),
      '--permission-prompt-tool',
      'mcp__cco__approval_prompt',
      '-p',
      'fix the flaky test',
      '--model',
      'x',
    ]);
  });

  it('without an agent sends no header', () => {
    expect(JSON.parse(claudeRunArgs(MCP, undefined, [])[1]!)).toEqual({ mcpServers: { cco: { type: 'http', url: MCP, timeout: 90_000_000 } } });
  });

  it.each([
    [0, null, 0],
    [3, null, 3],
    [null, 'SIGINT', 130],
    [null, 'SIGTERM', 143],
  ] as const)('exit status of code %s signal %s is %s', (code, signal, status) => {
    expect(exitStatus(code, signal)).toBe(status);
  });
});

describe('cco run', () => {
  it('starts claude with cco and passes its exit code through', async () => {
    const fake = fakeClaude({ servers: {}, exitCode: 3 });
    usePath(fake.path);
    const home = tempHome();
    await liveServerFile(home);
    const r = await runCli(home, 'run', '--agent', 'api', '--', '-p', 'fix it');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(fake.argv()).toEqual([claudeRunArgs(MCP, 'api', ['-p', 'fix it'])]);
  });

  it('exits 0 when claude does', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const home = tempHome();
    await liveServerFile(home);
    expect((await runCli(home, 'run', '--', '-p', 'x')).code).toBe(0);
  });

  it('fails fast when no server is running (no server file)', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const r = await runCli(tempHome(), 'run', '--', '-p', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No cco server is running');
    expect(r.stderr).toContain('Start `cco watch` first');
    expect(fake.argv()).toEqual([]);
  });

  it('fails fast when the server file names a process that has exited', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const home = tempHome();
    await liveServerFile(home, 2 ** 22 + 12345);
    const r = await runCli(home, 'run', '--', '-p', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Start `cco watch` first');
  });

  it('fails fast when claude is not on PATH', async () => {
    usePath(emptyPath());
    const home = tempHome();
    await liveServerFile(home);
    const r = await runCli(home, 'run', '--', '-p', 'x');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('cco: The `claude` command is not on PATH. Install Claude Code: npm install -g @anthropic-ai/claude-code\n');
  });

  it("the real binary passes claude's exit code through and prints nothing of its own", async () => {
    const fake = fakeClaude({ servers: {}, exitCode: 7 });
    const home = tempHome();
    await liveServerFile(home);
    const r = await ccoWith(['run', '--agent', 'api', '--', '-p', 'task'], { home, path: fake.path });
    expect(r).toEqual({ code: 7, stdout: '', stderr: '' });
    expect(fake.argv()).toEqual([claudeRunArgs(MCP, 'api', ['-p', 'task'])]);
  });
});
