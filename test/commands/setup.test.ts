import { describe, expect, it } from 'vitest';
import { CLAUDE_TOOL_TIMEOUT_MS } from '../../src/commands/claude-code.js';
import { sameRegistration, setupArgs } from '../../src/commands/setup.js';
import { writeServerFile } from '../../src/store/server-file.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyPath, fakeClaude, usePath } from './fake-claude.js';

const URL = 'http://127.0.0.1:8660/mcp';
const entry = (agent?: string) => ({ type: 'http', url: URL, ...(agent ? { headers: { 'X-CCO-Agent': agent } } : {}), timeout: CLAUDE_TOOL_TIMEOUT_MS });

describe('cco setup', () => {
  it('registers cco with `claude mcp add-json` after checking it is not there yet', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Registered cco with Claude Code as "cco" (user scope): ${URL}.`);
    expect(r.stdout).toContain('--permission-prompt-tool mcp__cco__approval_prompt');
    expect(fake.argv()).toEqual([
      ['mcp', 'get', 'cco'],
      ['mcp', 'add-json', '-s', 'user', 'cco', JSON.stringify(entry())],
    ]);
    expect(fake.state().servers.cco).toEqual({ scope: 'user', config: entry() });
  });

  it('carries the agent name as a header, the scope, the name and the URL given', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup', '--scope', 'project', '--name', 'gate', '--agent', 'api', '--url', 'http://127.0.0.1:9000/mcp');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('agent api');
    expect(r.stdout).toContain('mcp__gate__approval_prompt');
    expect(fake.state().servers.gate).toEqual({ scope: 'project', config: { ...entry('api'), url: 'http://127.0.0.1:9000/mcp' } });
  });

  it("registers the running server's URL, and notes a port that is not the configured one", async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const home = tempHome();
    const mcpUrl = 'http://127.0.0.1:41234/mcp';
    await writeServerFile(join(home, 'server.json'), { url: 'http://127.0.0.1:41234', mcpUrl, pid: process.pid, token: 't', startedAt: '', version: '0' });
    const r = await runCli(home, 'setup');
    expect(r.code).toBe(0);
    expect(fake.state().servers.cco?.config.url).toBe(mcpUrl);
    expect(r.stdout).toContain("Note: this is the running server's port 41234, not the configured 8660");
  });

  it('the registration waits a day: longer than any cco timeout, so cco (not Claude) ends a wait', () => {
    expect(CLAUDE_TOOL_TIMEOUT_MS).toBe(90_000_000);
  });

  it('a registration made by hand without a timeout counts as set up (progress covers the idle limit)', async () => {
    const fake = fakeClaude({ servers: { cco: { scope: 'user', config: { type: 'http', url: URL } } } });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing changed');
  });

  it('a second run changes nothing and says so', async () => {
    const fake = fakeClaude();
    usePath(fake.path);
    const home = tempHome();
    expect((await runCli(home, 'setup', '--agent', 'api')).code).toBe(0);
    const before = fake.state();
    const r = await runCli(home, 'setup', '--agent', 'api');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`cco is already set up in Claude Code as "cco" (${URL}, agent api); nothing changed.`);
    expect(fake.state()).toEqual(before);
    expect(fake.argv().slice(2)).toEqual([['mcp', 'get', 'cco']]);
  });

  it.each([
    [
      'another agent',
      { scope: 'user' as const, config: entry('web') },
      ['--agent', 'api'],
      entry('api'),
      '  - http://127.0.0.1:8660/mcp, agent web, timeout 90000000 ms\n  + http://127.0.0.1:8660/mcp, agent api',
    ],
    [
      'an agent where none is asked for',
      { scope: 'user' as const, config: entry('web') },
      [],
      entry(),
      '  - http://127.0.0.1:8660/mcp, agent web, timeout 90000000 ms\n  + http://127.0.0.1:8660/mcp\n',
    ],
    [
      'an older timeout',
      { scope: 'project' as const, config: { ...entry(), timeout: 86_400_000 } },
      ['-s', 'project'],
      entry(),
      '  - http://127.0.0.1:8660/mcp, timeout 86400000 ms\n',
    ],
    [
      'another port',
      { scope: 'user' as const, config: { type: 'http', url: 'http://127.0.0.1:9999/mcp' } },
      [],
      entry(),
      '  - http://127.0.0.1:9999/mcp, no timeout\n',
    ],
  ])("cco's own registration in that scope with %s is replaced, the change shown", async (_what, existing, args, now, shown) => {
    const fake = fakeClaude({ servers: { cco: existing } });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup', ...args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Replaced cco's earlier registration in the ${existing.scope} scope:\n`);
    expect(r.stdout).toContain(shown);
    expect(fake.state().servers.cco).toEqual({ scope: existing.scope, config: now });
    expect(fake.argv().map((a) => a.slice(0, 4))).toEqual([
      ['mcp', 'get', 'cco'],
      ['mcp', 'remove', 'cco', '-s'],
      ['mcp', 'add-json', '-s', existing.scope],
    ]);
  });

  it('another scope: cco is added in the scope asked for, beside the other (Claude Code allows one name per scope)', async () => {
    const user = { scope: 'user' as const, config: entry() };
    const fake = fakeClaude({ servers: { cco: user } });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup', '-s', 'project', '--agent', 'api');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Claude Code also has "cco" in the user scope; where both apply, local wins over project, and project over user.');
    expect(r.stdout).toContain('Registered cco with Claude Code as "cco" (project scope)');
    expect(fake.state().servers.cco).toEqual(user);
    expect(fake.state().otherScopes?.cco).toEqual([{ scope: 'project', config: entry('api') }]);
  });

  it('another scope set up before: re-running says so and changes nothing', async () => {
    const user = { scope: 'user' as const, config: entry() };
    const fake = fakeClaude({ servers: { cco: user }, otherScopes: { cco: [{ scope: 'project', config: entry('api') }] } });
    usePath(fake.path);
    const before = fake.state();
    const r = await runCli(tempHome(), 'setup', '-s', 'project', '--agent', 'api');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Claude Code already has "cco" in the project scope too (`claude mcp get` shows the other one), so nothing changed.');
    expect(fake.state()).toEqual(before);
  });

  it.each([
    ['another host', { scope: 'user' as const, config: { type: 'http', url: 'http://10.0.0.9:8660/mcp' } }],
    ['another path', { scope: 'user' as const, config: { type: 'http', url: 'http://127.0.0.1:8660/other' } }],
    ['https elsewhere', { scope: 'user' as const, config: { type: 'http', url: 'https://example.com/mcp' } }],
  ])('a server by that name that is not cco (%s) is reported, not clobbered', async (_what, existing) => {
    const fake = fakeClaude({ servers: { cco: existing } });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Claude Code already has an MCP server named "cco" that is not this registration');
    expect(r.stderr).toContain(existing.config.url);
    expect(r.stderr).toContain('claude mcp remove cco -s user');
    expect(fake.state().servers.cco).toEqual(existing);
    expect(fake.argv()).toEqual([['mcp', 'get', 'cco']]);
  });

  it('a different registration that carries a bearer token is reported without the token', async () => {
    const secret = 'tok-0123456789abcdef-secret';
    const existing = { scope: 'user' as const, config: { type: 'http', url: 'http://10.0.0.2:8660/mcp', headers: { Authorization: `Bearer ${secret}` } } };
    const fake = fakeClaude({ servers: { cco: existing } });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Authorization: Bearer [hidden]');
    expect(r.stderr).not.toContain(secret);
  });

  it('with a token configured, the command and JSON to paste say <token> instead of the token', async () => {
    usePath(emptyPath());
    const home = tempHome();
    const secret = 'tok-0123456789abcdef-secret';
    writeFileSync(join(home, 'config.json'), JSON.stringify({ token: secret }), { mode: 0o600 });
    const r = await runCli(home, 'setup');
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain(secret);
    expect(r.stdout).toContain('"Authorization": "Bearer <token>"');
    expect(r.stdout).toContain('Put your token (`cco config get token`, or $CCO_TOKEN) where it says <token>.');
  });

  it('without claude on PATH prints the command and the JSON to paste, and exits 1 (nothing was registered)', async () => {
    usePath(emptyPath());
    const r = await runCli(tempHome(), 'setup', '--agent', 'api');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('The `claude` command is not on PATH, so nothing was registered.');
    expect(r.stdout).toContain('npm install -g @anthropic-ai/claude-code');
    expect(r.stdout).toContain(`  claude mcp add-json -s user cco '${JSON.stringify(entry('api'))}'\n`);
    expect(r.stdout).toContain(JSON.stringify({ cco: entry('api') }, null, 2));
  });

  it('refuses an agent name the server would refuse', async () => {
    usePath(emptyPath());
    const r = await runCli(tempHome(), 'setup', '--agent', '-bad name');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1-64 letters');
  });

  it('a failing `claude mcp add-json` is reported with the manual command', async () => {
    const fake = fakeClaude({ servers: {}, failAdd: 'Invalid configuration' });
    usePath(fake.path);
    const r = await runCli(tempHome(), 'setup');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed (exit 1): Invalid configuration');
    expect(r.stderr).toContain(`register by hand: claude mcp add-json -s user cco '${JSON.stringify(entry())}'`);
  });
});

describe('sameRegistration', () => {
  // `claude mcp get` as Claude Code 2.1.332 prints it.
  const get = (url: string, agent?: string, timeout?: number) =>
    `cco:\n  Scope: User config (available in all your projects)\n  Status: ✔ Connected\n  Type: http\n  URL: ${url}\n` +
    `${agent ? `  Headers:\n    X-CCO-Agent: ${agent}\n` : ''}${timeout !== undefined ? `  Timeout: ${timeout}ms\n` : ''}` +
    `\nTo remove this server, run: claude mcp remove cco -s user\n`;
  it.each([
    [get(URL), entry(), true],
    [get(URL, undefined, 90_000_000), entry(), true],
    [get(URL, 'api', 90_000_000), entry('api'), true],
    [get(URL, undefined, 60_000), entry(), false],
    [get(`${URL}/frontend`), entry(), false],
    [get(URL, 'api'), entry('api'), true],
    [get(URL, 'api'), entry(), false],
    [get(URL), entry('api'), false],
    [get(URL, 'apix'), entry('api'), false],
  ])('%#', (out, e, same) => {
    expect(sameRegistration(out, e as never)).toBe(same);
  });

  it('setupArgs uses add-json, which carries the timeout', () => {
    expect(setupArgs('local', 'cco', entry() as never)).toEqual(['mcp', 'add-json', '-s', 'local', 'cco', JSON.stringify(entry())]);
  });
});
