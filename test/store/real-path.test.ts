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
