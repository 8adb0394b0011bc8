import { describe, expect, it } from 'vitest';
import { kernelLink, resolveKernelLinks } from '../../src/core/kernel-links.js';

describe('kernelLink', () => {
  it.each([
    ['/proc/self/root/etc/passwd', { via: 'root', rest: 'etc/passwd' }],
    ['/proc/self/root', { via: 'root', rest: '' }],
    ['/proc/123/cwd/x', { via: 'cwd', rest: 'x' }],
    ['/proc/thread-self/root/x', { via: 'root', rest: 'x' }],
    ['/proc/self/task/9/root/x', { via: 'root', rest: 'x' }],
    ['/proc/self/fd/3', { via: 'open', rest: '3' }],
    ['/proc/self/map_files/a-b', { via: 'open', rest: 'a-b' }],
    ['/proc/self/exe', { via: 'open', rest: '' }],
    ['/dev/fd/0', { via: 'open', rest: '0' }],
    ['//proc//self//root//x', { via: 'root', rest: '/x' }],
    ['/proc/self/../self/root/x', { via: 'root', rest: 'x' }],
    ['/proc/./self/./root/../x', { via: 'root', rest: '../x' }],
    ['/x/../proc/self/root/y', { via: 'root', rest: 'y' }],
    ['/PROC/SELF/ROOT/x', { via: 'root', rest: 'x' }],
    ['/proc/cpuinfo', undefined],
    ['/proc/self/status', undefined],
    ['/proc/self/rootx/y', undefined],
    ['/proc/sys/root/x', undefined],
    ['/home/u/proc/self/root/x', undefined],
    ['proc/self/root/x', undefined],
    ['/dev/null', undefined],
  ])('%s', (path, want) => expect(kernelLink(path)).toEqual(want));
});

describe('resolveKernelLinks', () => {
  it.each([
    ['/etc/passwd', { path: '/etc/passwd', linked: false }],
    ['/proc/self/root/etc/passwd', { path: '/etc/passwd', linked: true }],
    ['/proc/self/root/../../etc/passwd', { path: '/etc/passwd', linked: true }],
    ['/proc/self/root/proc/1/root/home/u', { path: '/home/u', linked: true }],
    ['/proc/1/cwd/../x', { unknown: 'cwd', rest: '../x' }],
    ['/proc/self/root/proc/self/fd/3', { unknown: 'open', rest: '3' }],
    [`${'/proc/self/root'.repeat(20)}/x`, { unknown: 'open', rest: expect.any(String) }],
  ])('%s', (path, want) => expect(resolveKernelLinks(path)).toEqual(want));
});

describe("/proc's own symlinks and /dev's names for open files", () => {
  it.each([
    // /proc/net is self/net: its parent is /proc/self, whose root is /.
    ['/proc/net/../root/home/u/.ssh/id_rsa', { path: '/home/u/.ssh/id_rsa', linked: true }],
    // /proc/thread-self is <pid>/task/<tid>: two levels up is /proc/<pid>.
    ['/proc/thread-self/../../root/home/u/.ssh/id_rsa', { path: '/home/u/.ssh/id_rsa', linked: true }],
    ['/proc/thread-self/../../cwd/x', { unknown: 'cwd', rest: 'x' }],
    ['/proc/mounts/../root/x', { path: '/x', linked: true }],
    // An open folder: `cat /dev/stdin/.ssh/id_rsa < ~` reads ~/.ssh/id_rsa.
    ['/dev/stdin/.ssh/id_rsa', { unknown: 'open', rest: '.ssh/id_rsa', inside: '.ssh/id_rsa' }],
    ['/dev/stderr/../x', { unknown: 'open', rest: '../x', inside: '../x' }],
    ['/proc/self/fd/0/.ssh/id_rsa', { unknown: 'open', rest: '0/.ssh/id_rsa', inside: '.ssh/id_rsa' }],
    ['/dev/fd/0/.ssh', { unknown: 'open', rest: '0/.ssh', inside: '.ssh' }],
    ['/dev/stdin', { path: '/dev/stdin', linked: false }],
  ])('%s', (path, want) => expect(resolveKernelLinks(path)).toEqual(want));

  it('a `..` after a symlinked folder goes to the parent of its target, given the file system', () => {
    const links: Record<string, string> = { '/var/run': '/run', '/a/l': '/a/deep/x' };
    const real = (p: string) => links[p] ?? p;
    expect(resolveKernelLinks('/var/run/../home/u/.ssh/id_rsa', real)).toEqual({ path: '/home/u/.ssh/id_rsa', linked: true });
    expect(resolveKernelLinks('/a/l/../../secret/k', real)).toEqual({ path: '/a/secret/k', linked: true });
    expect(resolveKernelLinks('/proc/self/root/var/run/../home/u', real)).toEqual({ path: '/home/u', linked: true });
    expect(resolveKernelLinks('/a/b/../c', real)).toEqual({ path: '/a/b/../c', linked: false });
  });
});

import { shellExpands } from '../../src/core/rules/bash-verdict.js';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';

describe('shellExpands', () => {
  it.each([
    ['a{b,c}', true],
    ['{,}', true],
    ['{a}', false],
    ['{a}b,c}', false],
    ['a,b}', false],
    ['{a,b', false],
    ['x*', true],
    ['x?', true],
    ['[ab]', true],
    ['plain/path.txt', false],
    ['{{a,}', true],
    ['{a},{b}', false],
  ])('%s', (word, want) => expect(shellExpands(word)).toBe(want));

  it('a word of 2,000 `{a,` is checked at once (the old regex took seconds)', () => {
    const policy = toPolicy(
      compileRules(
        [
          { id: 'a', pattern: 'Bash(cat:*)', action: 'allow' },
          { id: 'd', pattern: 'Read(~/.ssh/**)', action: 'deny' },
        ],
        { homeDir: '/home/u' },
      ),
    );
    const start = performance.now();
    for (const w of ['{a,'.repeat(2000), '{'.repeat(4000), `${'{a,'.repeat(2000)}}`])
      policy({ toolName: 'Bash', input: { command: `cat ${w}` }, agent: { cwd: '/repo' } });
    expect(performance.now() - start).toBeLessThan(500);
  });
});
