import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/core/rules/index.js';
import { realPath } from '../../src/store/real-path.js';

/** Symlinks inside an allowed folder (a cloned repo can commit them) must not reach outside it. */
const root = realpathSync(mkdtempSync(join(tmpdir(), 'cco-realpath-')));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const repo = join(root, 'repo');
const outside = join(root, 'outside');
mkdirSync(join(repo, 'src'), { recursive: true });
mkdirSync(outside, { recursive: true });
writeFileSync(join(outside, 'secret.txt'), 'x');
symlinkSync(outside, join(repo, 'src', 'escape'));
symlinkSync(join(outside, 'new-file.txt'), join(repo, 'src', 'dangling'));
symlinkSync(join(outside, 'secret.txt'), join(repo, 'src', 'file-link'));

describe('realPath', () => {
  it.each([
    [join(repo, 'src', 'a.ts'), join(repo, 'src', 'a.ts')],
    [join(repo, 'src', 'escape', 'secret.txt'), join(outside, 'secret.txt')],
    [join(repo, 'src', 'escape', 'not', 'yet.txt'), join(outside, 'not', 'yet.txt')],
    [join(repo, 'src', 'dangling'), join(outside, 'new-file.txt')],
    [join(repo, 'src', 'file-link'), join(outside, 'secret.txt')],
    [join(repo, 'missing', 'deep', 'x'), join(repo, 'missing', 'deep', 'x')],
  ])('%s → %s', (path, real) => expect(realPath(path)).toBe(real));
});

describe('rules see the path the file system resolves', () => {
  const set = compileRules(
    [
      { id: 'a1', pattern: 'Edit(./src/**)', action: 'allow' },
      { id: 'd1', pattern: `Edit(/${outside}/secret.txt)`, action: 'deny' },
    ],
    { homeDir: root, realPath },
  );
  const edit = (file_path: string) => set.evaluate({ toolName: 'Write', input: { file_path, content: 'x' }, agent: { cwd: repo } });
  it.each([
    ['src/a.ts', 'rule:a1'],
    ['src/escape/secret.txt', 'rule:d1'],
    ['src/file-link', 'rule:d1'],
    ['src/escape/other.txt', 'default'],
    ['src/dangling', 'default'],
  ])('%s → %s', (path, decidedBy) => expect(edit(join(repo, path)).decidedBy).toBe(decidedBy));
  it('a Bash redirection through a symlink is checked where it lands', () => {
    const e = set.evaluate({ toolName: 'Bash', input: { command: 'echo x > src/escape/secret.txt' }, agent: { cwd: repo } });
    expect(e).toMatchObject({ action: 'deny', decidedBy: 'rule:d1' });
  });
});

describe('a path a command names, where `..` follows a symlinked folder', () => {
  // src/escape is outside: src/escape/../outside/secret.txt is root/outside/secret.txt to the kernel, not repo/src/outside/….
  const set = compileRules(
    [
      { id: 'a1', pattern: 'Bash(cat:*)', action: 'allow' },
      { id: 'a2', pattern: 'Bash(echo:*)', action: 'allow' },
      { id: 'd1', pattern: `Read(/${outside}/**)`, action: 'deny' },
      { id: 'd2', pattern: `Edit(/${outside}/**)`, action: 'deny' },
    ],
    { homeDir: root, realPath },
  );
  const bash = (command: string) => set.evaluate({ toolName: 'Bash', input: { command }, agent: { cwd: repo } });
  it.each([
    [`cat ${repo}/src/escape/../outside/secret.txt`],
    ['cat src/escape/../outside/secret.txt'],
    ['cat < src/escape/./../outside/secret.txt'],
    ['echo x > src/escape/../outside/new.txt'],
  ])('%s is checked where it lands', (command) => expect(bash(command)).toMatchObject({ action: 'deny' }));
  it('a `..` after a real folder is the same path', () => expect(bash('cat src/../src/a.ts')).toMatchObject({ action: 'allow' }));
});
