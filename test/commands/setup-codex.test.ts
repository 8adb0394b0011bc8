/**
 * `cco setup --codex` on temp files: merged into Codex's hooks.json beside the user's own hooks,
 * a diff and a backup, re-running changes nothing, `--remove` restores exactly what was there,
 * a broken file is reported and left alone; and the trust key and hash Codex records.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { setupCodex } from '../../src/commands/setup-codex.js';
import { checkCodex } from '../../src/commands/doctor-codex.js';
import { ccoPaths } from '../../src/store/paths.js';
import { ccoCodexHooksIn, codexTrust, codexTrustHash, isCcoCodexHook } from '../../src/store/codex-hooks.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setupDirs() {
  const root = mkdtempSync(join(tmpdir(), 'cco-setup-codex-'));
  dirs.push(root);
  const codexHome = join(root, 'codex');
  return {
    root,
    codexHome,
    env: { CODEX_HOME: codexHome } as NodeJS.ProcessEnv,
    paths: ccoPaths({ CCO_HOME: join(root, 'cco') }),
    file: join(codexHome, 'hooks.json'),
  };
}

const WORDS = ['/usr/bin/node', '/opt/cco/bin/cco.js'];
const userHooks = {
  hooks: {
    PermissionRequest: [{ matcher: '^Bash$', hooks: [{ type: 'command', command: '/home/me/bin/audit.sh', timeout: 10 }] }],
    Stop: [{ hooks: [{ type: 'command', command: 'notify-send done' }] }],
  },
};

describe('cco setup --codex', () => {
  it("adds cco after the user's own hooks, keeps a backup, changes nothing when run again, and --remove restores the file", async () => {
    const d = setupDirs();
    const original = `${JSON.stringify(userHooks, null, 2)}\n`;
    await import('node:fs').then((fs) => fs.mkdirSync(d.codexHome, { recursive: true }));
    writeFileSync(d.file, original);

    const dry = await setupCodex({ dryRun: true }, d.paths, d.env, WORDS);
    expect(dry).toContain('Dry run');
    expect(readFileSync(d.file, 'utf8')).toBe(original);

    const out = await setupCodex({ agent: 'cx' }, d.paths, d.env, WORDS);
    expect(out).toMatch(/^\+.*hook codex --agent cx --wait/m);
    expect(out).toContain('Hooks need review');
    expect(readFileSync(`${d.file}.cco-backup`, 'utf8')).toBe(original);
    const json = JSON.parse(readFileSync(d.file, 'utf8'));
    expect(json.hooks.Stop).toEqual(userHooks.hooks.Stop);
    expect(json.hooks.PermissionRequest[0]).toEqual(userHooks.hooks.PermissionRequest[0]);
    const ours = json.hooks.PermissionRequest[1];
    expect(ours.matcher).toBe('*');
    expect(ours.hooks[0].command).toMatch(/^\/usr\/bin\/node \/opt\/cco\/bin\/cco\.js hook codex --agent cx --wait (\d+)$/);
    const wait = Number(/--wait (\d+)/.exec(ours.hooks[0].command)![1]);
    expect(ours.hooks[0].timeout).toBeGreaterThan(wait);
    expect(wait * 1000).toBeGreaterThan(5 * 60_000); // cco's default timeout

    expect(await setupCodex({ agent: 'cx' }, d.paths, d.env, WORDS)).toContain('nothing changed');
    // Another agent name replaces cco's entry in its place.
    await setupCodex({ agent: 'other' }, d.paths, d.env, WORDS);
    const again = JSON.parse(readFileSync(d.file, 'utf8'));
    expect(again.hooks.PermissionRequest).toHaveLength(2);
    expect(again.hooks.PermissionRequest[1].hooks[0].command).toContain('--agent other');

    const removed = await setupCodex({ remove: true }, d.paths, d.env, WORDS);
    expect(removed).toContain("Removed cco's hook");
    expect(readFileSync(d.file, 'utf8')).toBe(original);
    expect(await setupCodex({ remove: true }, d.paths, d.env, WORDS)).toContain('nothing changed');
  });

  it('creates hooks.json when there is none; --remove leaves an empty one', async () => {
    const d = setupDirs();
    await setupCodex({}, d.paths, d.env, WORDS);
    expect(ccoCodexHooksIn(JSON.parse(readFileSync(d.file, 'utf8')), d.file)).toHaveLength(1);
    await setupCodex({ remove: true }, d.paths, d.env, WORDS);
    expect(JSON.parse(readFileSync(d.file, 'utf8'))).toEqual({});
  });

  it('a hooks.json that is not valid JSON, or has hooks of the wrong shape, is reported and left as it is', async () => {
    const d = setupDirs();
    await import('node:fs').then((fs) => fs.mkdirSync(d.codexHome, { recursive: true }));
    for (const text of ['{"hooks": ', '[]', '{"hooks": []}', '{"hooks": {"PermissionRequest": {}}}']) {
      writeFileSync(d.file, text);
      await expect(setupCodex({}, d.paths, d.env, WORDS)).rejects.toThrow(/did not change/);
      expect(readFileSync(d.file, 'utf8')).toBe(text);
      expect(existsSync(`${d.file}.cco-backup`)).toBe(false);
    }
  });

  it("only cco's own command is taken for cco's: lookalikes stay", () => {
    expect(isCcoCodexHook({ type: 'command', command: "'/usr/bin/node' '/a b/cco.js' hook codex --wait 9" })).toBe(true);
    expect(isCcoCodexHook({ type: 'command', command: 'cco hook codex' })).toBe(true);
    expect(isCcoCodexHook({ type: 'command', command: 'my-cco hook codex' })).toBe(false);
    expect(isCcoCodexHook({ type: 'command', command: 'cco hook codex-log' })).toBe(false);
    expect(isCcoCodexHook({ type: 'prompt', command: 'cco hook codex' })).toBe(false);
    // A user's own hook that also runs cco is theirs: --remove must not take it out.
    for (const command of [
      '/home/me/bin/audit.sh && cco hook codex',
      'cco hook codex --wait 9 | tee -a /tmp/log',
      'cco hook codex; notify-send asked',
      'sh -c "$(cat x)"; cco hook codex',
      'cco hook codex\n/home/me/bin/after.sh',
    ]) {
      expect(isCcoCodexHook({ type: 'command', command })).toBe(false);
    }
    expect(isCcoCodexHook({ type: 'command', command: "'/usr/bin/node' '/a & b (x)/cco.js' hook codex --agent cx --wait 9" })).toBe(true);
  });
});

describe("Codex's hook trust", () => {
  it('the hash is the one Codex 0.171.0 recorded for a trusted hook (read from its config.toml)', () => {
    const hook = { type: 'command' as const, command: '/work/wt/codex/.scratch/hook.sh', timeout: 30, statusMessage: 'Asking cco' };
    expect(codexTrustHash('*', hook)).toBe('sha256:9f80d9961a1349276d0050eccada71ffee6b904b6cd8429e2b379bab4d0a4f32');
  });

  it('doctor tells trusted, not yet trusted and changed apart from config.toml', async () => {
    const d = setupDirs();
    const script = join(d.root, 'cco.js');
    writeFileSync(script, '');
    await setupCodex({}, d.paths, d.env, [process.execPath, script]);
    const found = ccoCodexHooksIn(JSON.parse(readFileSync(d.file, 'utf8')), d.file)[0]!;
    expect(found.key).toBe(`${d.file}:permission_request:0:0`);
    const toml = (hash: string) => `model = "x"\n\n[hooks.state]\n\n[hooks.state."${found.key}"]\ntrusted_hash = "${hash}"\n`;
    expect(codexTrust(found, '')).toBe('untrusted');
    expect(codexTrust(found, toml(found.hash))).toBe('trusted');
    expect(codexTrust(found, toml('sha256:old'))).toBe('modified');

    const untrusted = await checkCodex(d.paths, false, d.env);
    expect(untrusted.some((f) => f.warning && /does not trust/.test(f.text))).toBe(true);
    writeFileSync(join(d.codexHome, 'config.toml'), toml(found.hash));
    const trusted = await checkCodex(d.paths, false, d.env);
    expect(trusted).toEqual([expect.objectContaining({ ok: true, text: expect.stringContaining('sends its approvals to cco') })]);
    expect(await checkCodex(d.paths, false, { CODEX_HOME: join(d.root, 'none') })).toEqual([]);
  });
});
