import { chmodSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/store/audit.js';
import { checkOwnFiles, ownFilesProblem, protectedPaths } from '../../src/store/own-files.js';
import { ccoPaths } from '../../src/store/paths.js';
import { writeServerFile } from '../../src/store/server-file.js';
import { tempHome } from '../helpers/cli.js';

const posixOnly = process.platform === 'win32' ? it.skip : it;

const info = { url: 'http://127.0.0.1:1', mcpUrl: 'http://127.0.0.1:1/mcp', pid: process.pid, token: 't', startedAt: '', version: '0' };

describe("cco's own folders", () => {
  posixOnly('a CCO_HOME others can write is refused, saying how to fix it; a private one passes', () => {
    const home = tempHome();
    const paths = ccoPaths({ CCO_HOME: home });
    expect(ownFilesProblem(paths)).toBeUndefined();
    chmodSync(home, 0o777);
    expect(() => checkOwnFiles(paths)).toThrow(
      `can be written by other users (mode 777), so they could change cco's rules or its audit log. Run \`chmod 700 ${home}\`. Then start cco again.`,
    );
    chmodSync(home, 0o770);
    expect(ownFilesProblem(paths)).toMatch(/written by its group \(mode 770\)/);
    chmodSync(home, 0o755);
    expect(ownFilesProblem(paths)).toBeUndefined();
    // Windows has no modes to check.
    chmodSync(home, 0o777);
    expect(ownFilesProblem(paths, 'win32')).toBeUndefined();
    chmodSync(home, 0o700);
  });

  posixOnly('a config file others can write is refused', () => {
    const home = tempHome();
    const paths = ccoPaths({ CCO_HOME: home });
    writeFileSync(paths.configFile, '{}', { mode: 0o600 });
    chmodSync(paths.configFile, 0o666);
    expect(ownFilesProblem(paths)).toMatch(new RegExp(`config file .*config\\.json can be written by other users .*chmod 600`));
  });

  posixOnly('a state file replaced by a symlink is refused at start', () => {
    const home = tempHome();
    const paths = ccoPaths({ CCO_HOME: home });
    symlinkSync(join(home, 'elsewhere'), paths.serverFile);
    expect(ownFilesProblem(paths)).toMatch(/server\.json is a symbolic link; cco does not write its state through a link/);
  });

  it('protects CCO_HOME, the config file and the usual folders, also under their real paths', () => {
    const home = tempHome();
    const real = join(home, 'real');
    mkdirSync(real);
    const link = join(home, 'link');
    symlinkSync(real, link);
    const list = protectedPaths(ccoPaths({ CCO_HOME: link }, '/home/u'), { CCO_HOME: link }, '/home/u');
    const dirs = list.filter((p) => p.dir).map((p) => p.path);
    expect(dirs).toContain(link);
    expect(dirs).toContain(real);
    expect(dirs).toContain('/home/u/.config/cco');
    expect(dirs).toContain('/home/u/.local/state/cco');
    expect(list.find((p) => p.path === join(link, 'config.json'))).toMatchObject({ dir: false });
  });
});

describe('state files are never written through a symlink (O_NOFOLLOW)', () => {
  posixOnly('the audit log: a link in its place gives a clear error and the target is untouched', () => {
    const dir = tempHome();
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'keep\n');
    symlinkSync(target, join(dir, 'audit.jsonl'));
    const problems: Array<string | undefined> = [];
    const log = new AuditLog({ dir, onProblem: (m) => problems.push(m) });
    expect(() => log.append({ event: 'request', id: 'c1', time: new Date().toISOString() } as never)).toThrow(
      /is a symbolic link, and cco does not write its audit log through a link/,
    );
    expect(problems[0]).toMatch(/rm .*audit\.jsonl/);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
  });

  posixOnly('the server file: a link in its place is refused, and so is one at the temporary name', async () => {
    const dir = tempHome();
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'keep\n');
    const file = join(dir, 'server.json');
    symlinkSync(target, file);
    await expect(writeServerFile(file, info)).rejects.toThrow(/server\.json is a symbolic link; cco does not write its state through a link/);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
    expect(lstatSync(file).isSymbolicLink()).toBe(true);

    // A link planted at the temporary name is removed, not followed.
    const other = join(dir, 'server2.json');
    symlinkSync(target, `${other}.${process.pid}.tmp`);
    await writeServerFile(other, info);
    expect(readFileSync(target, 'utf8')).toBe('keep\n');
    expect(JSON.parse(readFileSync(other, 'utf8'))).toMatchObject({ token: 't' });
    expect(lstatSync(other).mode & 0o777).toBe(0o600);
  });
});

describe("the tokens file is one of cco's own files", () => {
  it('agents may not read or change it, by any route the guard checks, with the usual folders or CCO_HOME', async () => {
    const { selfGuard } = await import('../../src/core/self-guard.js');
    const home = '/home/u';
    for (const env of [{}, { CCO_HOME: '/srv/cco' }, { CCO_CONFIG_PATH: '/etc/cco.json' }] as NodeJS.ProcessEnv[]) {
      const paths = ccoPaths(env, home);
      const list = protectedPaths(paths, env, home);
      expect(list).toContainEqual({ path: paths.tokensFile, dir: false, what: 'tokens file (who may decide through the decision API)' });
      const guard = selfGuard({ protected: list, homeDir: home });
      const shown = paths.tokensFile.replace(home, '~');
      for (const call of [
        { toolName: 'Read', input: { file_path: paths.tokensFile } },
        { toolName: 'Write', input: { file_path: paths.tokensFile, content: '{}' } },
        { toolName: 'Bash', input: { command: `cat ${shown}` } },
        { toolName: 'Bash', input: { command: `echo x > ${paths.tokensFile}.lock` } },
      ]) {
        expect(guard(call)?.message, JSON.stringify({ env, call })).toMatch(/^cco protects its own files: /);
      }
    }
  });

  posixOnly('a tokens file others can write is refused at start', () => {
    const home = tempHome();
    const paths = ccoPaths({ CCO_HOME: home });
    writeFileSync(paths.tokensFile, '{"version":1,"tokens":[]}', { mode: 0o600 });
    chmodSync(paths.tokensFile, 0o620);
    expect(ownFilesProblem(paths)).toMatch(/tokens file .*tokens\.json can be written by its group .*chmod 600/);
  });
});
