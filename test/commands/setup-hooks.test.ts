import { MAX_WAIT_MS } from '../../src/core/duration.js';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { checkHooks } from '../../src/commands/doctor-hooks.js';
import { claudeRunArgsVia, hookRunSettings } from '../../src/commands/run.js';
import { hookTimeoutSeconds, setupHooks } from '../../src/commands/setup-hooks.js';
import { ccoPaths } from '../../src/store/paths.js';
import { ccoHooks, isCcoHook, withCcoHooks, withoutCcoHooks } from '../../src/store/claude-settings.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { startTestServer } from '../helpers/server.js';
import { writeServerFile } from '../../src/store/server-file.js';

afterEach(() => vi.unstubAllEnvs());

const OTHER = { type: 'command', command: 'notify-send asked' };
const theirs = () => ({
  model: 'sonnet',
  permissions: { allow: ['Bash(ls)'] },
  hooks: {
    PermissionRequest: [{ matcher: 'Bash', hooks: [OTHER] }],
    Stop: [{ hooks: [{ type: 'command', command: 'say done' }] }],
  },
});

function world(token?: string) {
  const home = tempHome();
  const cwd = join(home, 'project');
  mkdirSync(cwd);
  const env = { CLAUDE_CONFIG_DIR: join(home, 'claude') } as NodeJS.ProcessEnv;
  vi.stubEnv('CCO_TOKEN', token ?? '');
  return { home, cwd, env, paths: ccoPaths({ CCO_HOME: home }) };
}

describe('cco setup --hooks', () => {
  it('merges into the local settings: other hooks and settings stay, a diff is shown, a backup kept', async () => {
    const w = world();
    const file = join(w.cwd, '.claude', 'settings.local.json');
    mkdirSync(join(w.cwd, '.claude'));
    writeFileSync(file, JSON.stringify(theirs()));

    const out = await setupHooks({ scope: 'local' }, w.paths, w.cwd, w.env);

    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.model).toBe('sonnet');
    expect(json.permissions).toEqual({ allow: ['Bash(ls)'] });
    expect(json.hooks.Stop).toEqual(theirs().hooks.Stop);
    expect(json.hooks.PermissionRequest).toEqual([
      { matcher: 'Bash', hooks: [OTHER] },
      { matcher: '*', hooks: [{ type: 'http', url: 'http://127.0.0.1:8660/hooks/claude/permission-request', timeout: 90_000, onFailure: 'continue' }] },
    ]);
    expect(json.hooks.PostToolUse[0].hooks[0]).toMatchObject({ type: 'http', url: 'http://127.0.0.1:8660/hooks/claude/post-tool-use' });
    expect(json.hooks.PostToolUseFailure[0].hooks[0]).toMatchObject({ url: 'http://127.0.0.1:8660/hooks/claude/post-tool-use' });
    expect(out).toMatch(/^\+\s+"url": "http:\/\/127\.0\.0\.1:8660\/hooks\/claude\/permission-request"/m);
    expect(out).toContain(`${file}.cco-backup`);
    expect(out).toContain('a `claude -p` run that has only the hook (no --permission-prompt-tool) denies every call that needs asking');
    expect(JSON.parse(readFileSync(`${file}.cco-backup`, 'utf8'))).toEqual(theirs());

    // Again: nothing changes. Then --remove restores exactly what was there.
    expect(await setupHooks({ scope: 'local' }, w.paths, w.cwd, w.env)).toContain('nothing changed');
    const removed = await setupHooks({ scope: 'local', remove: true }, w.paths, w.cwd, w.env);
    expect(removed).toContain("Removed cco's hooks");
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(theirs());
    expect(await setupHooks({ scope: 'local', remove: true }, w.paths, w.cwd, w.env)).toContain('No cco hooks');
  });

  it('a broken settings file is reported and left untouched', async () => {
    const w = world();
    const file = join(w.env.CLAUDE_CONFIG_DIR!, 'settings.json');
    mkdirSync(w.env.CLAUDE_CONFIG_DIR!, { recursive: true });
    writeFileSync(file, '{"hooks": {');
    await expect(setupHooks({ scope: 'user' }, w.paths, w.cwd, w.env)).rejects.toThrow(/settings .*settings\.json is not valid JSON .*did not change it/);
    expect(readFileSync(file, 'utf8')).toBe('{"hooks": {');
    expect(existsSync(`${file}.cco-backup`)).toBe(false);
    writeFileSync(file, '{"hooks": []}');
    await expect(setupHooks({ scope: 'user' }, w.paths, w.cwd, w.env)).rejects.toThrow(/"hooks" .* is not an object/);
  });

  it('with a token: the user file gets the header (private, 0600), the diff masks it; project scope refuses', async () => {
    const w = world('s3cret-token-value');
    const out = await setupHooks({ scope: 'user', agent: 'api' }, w.paths, w.cwd, w.env);
    const file = join(w.env.CLAUDE_CONFIG_DIR!, 'settings.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(json.hooks.PermissionRequest[0].hooks[0]).toMatchObject({
      url: 'http://127.0.0.1:8660/hooks/claude/permission-request/api',
      headers: { Authorization: 'Bearer s3cret-token-value' },
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(out).not.toContain('s3cret');
    expect(out).toContain('Bearer <token>');
    await expect(setupHooks({ scope: 'project' }, w.paths, w.cwd, w.env)).rejects.toThrow(/shared with everyone .* --scope local/);
    expect(existsSync(join(w.cwd, '.claude', 'settings.json'))).toBe(false);
  });

  it('with a token, local scope: no backup that holds the token is left in the project folder, where `git add` would take it', async () => {
    const w = world('s3cret-token-value');
    const dir = join(w.cwd, '.claude');
    await setupHooks({ scope: 'local', agent: 'a' }, w.paths, w.cwd, w.env);
    const again = await setupHooks({ scope: 'local', agent: 'b' }, w.paths, w.cwd, w.env);
    await setupHooks({ scope: 'local', remove: true }, w.paths, w.cwd, w.env);
    const holding = readdirSync(dir).filter((f) => f !== 'settings.local.json' && readFileSync(join(dir, f), 'utf8').includes('s3cret'));
    expect(holding).toEqual([]);
    // The backup is still kept, privately, and the message says where.
    const backup = /The previous file is in (\S+)\./.exec(again)?.[1];
    expect(backup).toBeDefined();
    expect(readFileSync(backup!, 'utf8')).toContain('s3cret');
    expect(statSync(backup!).mode & 0o777).toBe(0o600);
    expect(backup!.startsWith(w.paths.stateDir)).toBe(true);
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const w = world();
    const out = await setupHooks({ scope: 'project', dryRun: true }, w.paths, w.cwd, w.env);
    expect(out).toContain('Dry run');
    expect(out).toContain('(new file)');
    expect(existsSync(join(w.cwd, '.claude', 'settings.json'))).toBe(false);
  });

  it("the hook's timeout outlasts cco's timeout and every rule's", async () => {
    // cco waits at most 24 h (MAX_WAIT_MS); the hook, like the MCP registration, gets 25 h.
    expect(hookTimeoutSeconds(5 * 60_000)).toBe(90_000);
    expect(hookTimeoutSeconds(MAX_WAIT_MS)).toBe(90_000);
    expect(hookTimeoutSeconds(90_000_000)).toBe(90_060);
    const w = world();
    writeFileSync(w.paths.configFile, JSON.stringify({ timeout: '24h', rules: [{ id: 'r1', pattern: 'Bash(x)', action: 'ask', timeoutMs: MAX_WAIT_MS }] }));
    await setupHooks({ scope: 'local' }, w.paths, w.cwd, w.env);
    const json = JSON.parse(readFileSync(join(w.cwd, '.claude', 'settings.local.json'), 'utf8'));
    expect(json.hooks.PermissionRequest[0].hooks[0].timeout).toBeGreaterThan(MAX_WAIT_MS / 1000);
    expect(json.hooks.PermissionRequest[0].hooks[0].timeout).toBe(90_000);
  });

  it('--remove and --dry-run need --hooks; through the CLI the user scope follows CLAUDE_CONFIG_DIR', async () => {
    const home = tempHome();
    const r = await runCli(home, 'setup', '--remove');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('--remove goes with --hooks');
    vi.stubEnv('CLAUDE_CONFIG_DIR', join(home, 'claude'));
    vi.stubEnv('CCO_TOKEN', '');
    const ok = await runCli(home, 'setup', '--hooks', '--url', 'http://127.0.0.1:9999/mcp');
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'claude', 'settings.json'), 'utf8')).hooks.PermissionRequest[0].hooks[0].url).toBe(
      'http://127.0.0.1:9999/hooks/claude/permission-request',
    );
  });
});

describe("cco's hook entries", () => {
  it('are found by URL (loopback, cco hook path) and only those are removed', () => {
    expect(isCcoHook({ type: 'http', url: 'http://127.0.0.1:1/hooks/claude/permission-request?via=both' })).toBe(true);
    expect(isCcoHook({ type: 'http', url: 'http://example.com/hooks/claude/permission-request' })).toBe(false);
    expect(isCcoHook({ type: 'http', url: 'http://127.0.0.1:1/other' })).toBe(false);
    // A user's own local hook whose path only starts like cco's is theirs: --remove keeps it.
    expect(isCcoHook({ type: 'http', url: 'http://127.0.0.1:9000/hooks/claude/permission-request-log' })).toBe(false);
    expect(isCcoHook({ type: 'http', url: 'http://localhost:9000/hooks/claude/post-tool-use.audit' })).toBe(false);
    expect(isCcoHook({ type: 'http', url: 'http://127.0.0.1:1/hooks/claude/permission-request/api' })).toBe(true);
    expect(isCcoHook({ type: 'http', url: 'http://[::1]:1/hooks/claude/post-tool-use' })).toBe(true);
    expect(isCcoHook({ type: 'command', command: 'curl http://127.0.0.1:8660/hooks/claude/permission-request' })).toBe(false);
    const mixed = {
      hooks: { PermissionRequest: [{ matcher: '*', hooks: [OTHER, { type: 'http', url: 'http://127.0.0.1:8660/hooks/claude/permission-request' }] }] },
    };
    expect(withoutCcoHooks(mixed)).toEqual({ hooks: { PermissionRequest: [{ matcher: '*', hooks: [OTHER] }] } });
    const added = withCcoHooks({}, ccoHooks({ baseUrl: 'http://127.0.0.1:1', timeoutSeconds: 100 }));
    expect(withoutCcoHooks(added)).toEqual({});
  });
});

describe('cco run --via', () => {
  const server = { url: 'http://127.0.0.1:8660', mcpUrl: 'http://127.0.0.1:8660/mcp' };
  it('hooks: --settings with the hooks only; both: the hooks (?via=both) and the MCP prompt tool; mcp: as before', () => {
    const hooks = claudeRunArgsVia('hooks', server, 'api', ['-p', 'x'], 86_400);
    expect(hooks[0]).toBe('--settings');
    expect(JSON.parse(hooks[1]!)).toEqual(hookRunSettings('http://127.0.0.1:8660', 'api', 'hooks', 86_400));
    expect(hooks.slice(2)).toEqual(['-p', 'x']);
    expect(hooks).not.toContain('--permission-prompt-tool');
    const both = claudeRunArgsVia('both', server, undefined, ['-p', 'x'], 86_400);
    expect(JSON.parse(both[1]!).hooks.PermissionRequest[0].hooks[0].url).toBe('http://127.0.0.1:8660/hooks/claude/permission-request?via=both');
    expect(both).toContain('--permission-prompt-tool');
    expect(claudeRunArgsVia('mcp', server, undefined, ['-p', 'x'], 0)).not.toContain('--settings');
  });
});

describe('cco doctor: the hooks', () => {
  it('none registered: says so, and what each route does when cco is down', async () => {
    const w = world();
    const f = await checkHooks(w.paths, false, w.cwd, w.env);
    expect(f).toEqual([expect.objectContaining({ ok: true, text: expect.stringContaining('No cco hooks') })]);
    expect(f[0]!.text).toContain('`claude -p` runs with only the hook deny every call that needs asking');
  });

  it("a hook at another port, or with a timeout not above cco's, is a problem with the fix", async () => {
    const w = world();
    const dir = w.env.CLAUDE_CONFIG_DIR!;
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: 'http://127.0.0.1:9999', timeoutSeconds: 86_400 }))));
    expect(await checkHooks(w.paths, false, w.cwd, w.env)).toEqual([
      expect.objectContaining({
        ok: false,
        text: expect.stringContaining('posts to http://127.0.0.1:9999, but cco is at http://127.0.0.1:8660'),
        fix: 'cco setup --hooks --scope user',
      }),
    ]);
    writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: 'http://127.0.0.1:8660', timeoutSeconds: 60 }))));
    expect((await checkHooks(w.paths, false, w.cwd, w.env))[0]).toMatchObject({
      ok: false,
      text: expect.stringContaining("not longer than cco's longest wait (5m)"),
    });
    writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: 'http://127.0.0.1:8660', timeoutSeconds: 86_400 }))));
    expect((await checkHooks(w.paths, false, w.cwd, w.env))[0]).toMatchObject({ ok: true, text: expect.stringContaining('send permission questions to cco') });
  });

  it('with cco running, the hook is probed end to end: answered, or refused for a wrong token', async () => {
    const w = world('right-token-123456');
    const t = await startTestServer({ mcpToken: 'right-token-123456' });
    try {
      await writeServerFile(w.paths.serverFile, {
        url: t.server.url,
        mcpUrl: t.server.mcpUrl,
        pid: process.pid,
        token: t.token,
        mcpToken: 'right-token-123456',
        startedAt: '',
        version: '0',
      });
      const dir = w.env.CLAUDE_CONFIG_DIR!;
      mkdirSync(dir, { recursive: true });
      const file = join(dir, 'settings.json');
      writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: t.server.url, timeoutSeconds: 86_400, token: 'right-token-123456' }))));
      expect((await checkHooks(w.paths, true, w.cwd, w.env))[0]).toMatchObject({ ok: true, text: expect.stringContaining('and cco answers there') });
      writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: t.server.url, timeoutSeconds: 86_400, token: 'wrong-token-123456' }))));
      expect((await checkHooks(w.paths, true, w.cwd, w.env))[0]).toMatchObject({ ok: false, text: expect.stringContaining('refuses the token') });
      writeFileSync(file, JSON.stringify(withCcoHooks({}, ccoHooks({ baseUrl: t.server.url, timeoutSeconds: 86_400 }))));
      expect((await checkHooks(w.paths, true, w.cwd, w.env))[0]).toMatchObject({ ok: false, text: expect.stringContaining('sends no Authorization header') });
      // The probe decided nothing.
      expect(t.broker.snapshot().recent).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
