import picomatch from 'picomatch/posix.js';
import { describe, expect, it } from 'vitest';
import { expandBraces } from '../../../src/core/rules/glob-parse.js';
import { globMatcher, GlobSyntaxError, wildcardMatcher } from '../../../src/core/rules/glob.js';

/** A small seeded generator, so a failure names a case that can be run again. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;

describe('globMatcher agrees with picomatch (posix, dot: true) on ordinary paths', () => {
  // Ordinary: no empty, `.` or `..` segments and no trailing slash in the value; cco defines
  // those itself (see glob.ts) and they are tested below.
  // Not `[!a]`: picomatch's posix build reads it as the class of `!` and `a`; cco (like gitignore
  // and bash) as "not a". And `x/**` matches `x` in cco whatever `x` is (picomatch: only when `x`
  // ends in a literal), so a glob ending in `/**` is compared with picomatch on both forms.
  const pieces = ['a', 'b', '.', 'ab', '*', '*', '?', '[ab]', '[^a]', '[a-b]', '{a,b}', '{a,.b}', '\\*'];
  const r = rng(13);
  const globs: string[] = [];
  for (let i = 0; i < 600; i++) {
    const segs: string[] = [];
    const n = 1 + Math.floor(r() * 4);
    for (let k = 0; k < n; k++) {
      if (r() < 0.2) segs.push('**');
      else {
        let seg = '';
        const m = 1 + Math.floor(r() * 3);
        for (let j = 0; j < m; j++) seg += pick(r, pieces);
        if (seg === '.' || seg === '..') seg = 'a';
        segs.push(seg);
      }
    }
    // `**` next to a brace inside a segment crosses `/` in picomatch (`**{a,b}`), while `**a` does
    // not; in cco both are `*`.
    const g = segs.join('/');
    if (!/\*\*\{|\}\*\*/.test(g)) globs.push(g);
  }
  const values: string[] = [];
  for (let i = 0; i < 300; i++) {
    const n = 1 + Math.floor(r() * 4);
    const segs: string[] = [];
    for (let k = 0; k < n; k++) {
      let seg = '';
      const m = 1 + Math.floor(r() * 3);
      for (let j = 0; j < m; j++) seg += pick(r, ['a', 'b', '.', '*', 'c']);
      if (seg === '.' || seg === '..') seg = '.a';
      segs.push(seg);
    }
    values.push(segs.join('/'));
  }
  it('on random globs × 300 random paths', () => {
    const differ: string[] = [];
    for (const g of globs) {
      const ours = globMatcher(g);
      const re = picomatch.makeRe(g, { dot: true });
      const self = g.endsWith('/**') ? picomatch.makeRe(g.replace(/(?:\/\*\*)+$/, ''), { dot: true }) : undefined;
      const theirs = { test: (v: string) => re.test(v) || (self?.test(v) ?? false) };
      for (const v of values) if (ours(v) !== theirs.test(v)) differ.push(`${g} ${v}: cco ${ours(v)}`);
    }
    expect(differ.slice(0, 20)).toEqual([]);
  });

  it.each([
    ['**/*.env', ['.env', 'a/.env', 'a/b/x.env'], ['a/.envx', 'env']],
    ['src/**', ['src', 'src/a', 'src/a/b'], ['srcx', 'x/src']],
    ['myorg/*', ['myorg/x', 'myorg/x/'], ['myorg', 'myorg/x/y']],
    ['*.{js,ts}', ['a.js', 'b.ts'], ['a.jsx', 'a/b.js']],
    ['{1..3}.txt', ['2.txt'], ['4.txt']],
    ['a/**/b', ['a/b', 'a/x/y/b'], ['a/xb']],
    ['[]a]', [']', 'a'], ['b']],
    ['a\\*b', ['a*b'], ['axb']],
    ['/abs/*', ['/abs/x'], ['abs/x']],
  ])('%s', (glob, yes, no) => {
    const m = globMatcher(glob);
    for (const v of yes) expect([v, m(v)]).toEqual([v, true]);
    for (const v of no) expect([v, m(v)]).toEqual([v, false]);
  });
});

describe('globMatcher: what cco defines itself', () => {
  it.each([
    // Repeated slashes are one slash; a trailing slash is ignored unless the glob ends with one.
    ['a/*/b', 'a//b', false],
    ['a/b', 'a//b', true],
    ['a', 'a/', true],
    ['a/', 'a', false],
    ['a/', 'a/', true],
    // No wildcard matches a `.` or `..` segment (picomatch: only `*` and `**` do not).
    ['?', '.', false],
    ['.*', '..', false],
    ['*/b', '../b', false],
    ['a/**', 'a/../b', false],
    ['*', '', false],
    ['*/**', 'c', true],
    ['[!a]', 'b', true],
    ['[!a]', '!', true],
    ['[!a]', 'a', false],
    ['**', '', true],
  ])('%s against %j → %s', (glob, value, expected) => expect(globMatcher(glob)(value)).toBe(expected));

  it('folds case when asked, ranges too', () => {
    expect(globMatcher('SRC/[A-C]*', true)('src/bx')).toBe(true);
    expect(globMatcher('SRC/[A-C]*', true)('SRC/BX')).toBe(true);
    expect(globMatcher('SRC/[A-C]*')('src/bx')).toBe(false);
  });

  it.each([
    ['!a', 'negation'],
    ['@(a|b)', 'extglob'],
    ['src/(group)/**', 'extglob'],
    ['[[:alpha:]]', 'POSIX'],
    ['a/../b', '`..` segment'],
    ['./a', '`.` segment'],
    ['{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}', 'alternatives'],
    ['{1..5000}', 'too long'],
  ])('refuses %s (%s)', (glob, what) => {
    expect(() => globMatcher(glob)).toThrow(GlobSyntaxError);
    expect(() => globMatcher(glob)).toThrow(new RegExp(what.replace(/[.*`]/g, '.')));
  });

  it('expands nested braces', () => expect(expandBraces('a{b,c{d,e}}f')).toEqual(['abf', 'acdf', 'acef']));
});

describe('wildcardMatcher: `*` spans everything, `?` is one character', () => {
  it.each([
    ['git * main', 'git push origin main', true],
    ['git * main', 'git main', false],
    ['*', '', true],
    ['a*b*c', 'a/x b c', true],
    ['a*b*c', 'acb', false],
    ['mcp__*__get_?', 'mcp__gh__get_x', true],
    ['mcp__*__get_?', 'mcp__gh__get_xy', false],
  ])('%s against %j → %s', (pattern, value, expected) => expect(wildcardMatcher(pattern, { question: true })(value)).toBe(expected));
});

describe('globs and wildcards take bounded time on 256 KiB of agent text (best of 3, under 50 ms)', () => {
  const a = 'a'.repeat(256 * 1024);
  const slashes = 'a/'.repeat(128 * 1024);
  it.each([
    ['glob *a*a*a*a*b', () => globMatcher('*a*a*a*a*b')(a)],
    ['glob *a*a*a*a*a*a*a*a*b', () => globMatcher('*a*a*a*a*a*a*a*a*b')(a)],
    ['glob **/a/**/a/**/a/**/b', () => globMatcher('**/a/**/a/**/a/**/b')(slashes)],
    ['glob **/*a*a*a*b/**', () => globMatcher('**/*a*a*a*b/**')(slashes)],
    ['glob ?*?*?*?*b', () => globMatcher('?*?*?*?*b')(a)],
    ['glob {a,b}*a*a*b', () => globMatcher('{a,b}*a*a*b')(a)],
    ['wildcard a*a*a*a*b', () => wildcardMatcher('a*a*a*a*b')(a)],
    ['wildcard ?*?*?*b', () => wildcardMatcher('?*?*?*b', { question: true })(a)],
  ])('%s', (_name, run) => {
    let ms = Number.POSITIVE_INFINITY;
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      expect(run()).toBe(false);
      ms = Math.min(ms, performance.now() - t);
    }
    expect(ms).toBeLessThan(50);
  });
});
