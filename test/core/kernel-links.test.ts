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
