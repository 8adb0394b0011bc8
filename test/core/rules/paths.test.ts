import { describe, expect, it } from 'vitest';
import { compileRules } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';
import { decides, HOME, tool, winner } from './helpers.js';

/** `cwd: null` is an agent that did not say where it works. */
const read = (file_path: string, cwd: string | null = '/repo'): ToolCall => tool('Read', { file_path }, cwd === null ? { name: 'a' } : { name: 'a', cwd });

describe('path rules: anchors and gitignore-style globs (cwd /repo, home /home/u)', () => {
  it.each([
    ['Read(./src/**)', '/repo/src/a.ts', true],
    ['Read(./src/**)', '/repo/src/deep/er/a.ts', true],
    ['Read(./src/**)', '/repo/src', true],
    ['Read(./src/**)', '/repo/lib/a.ts', false],
    ['Read(./src/**)', 'src/a.ts', true],
    ['Read(src/**)', '/repo/src/a.ts', true],
    ['Read(src/**)', '/repo/pkg/src/a.ts', false],
    ['Read(/src/**)', '/repo/src/a.ts', true],
    ['Read(/src/**)', '/src/a.ts', false],
    ['Read(//etc/**)', '/etc/passwd', true],
    ['Read(//etc/**)', '/repo/etc/passwd', false],
    ['Read(//etc/hosts)', '/etc/hosts', true],
    ['Read(~/.zshrc)', '/home/u/.zshrc', true],
    ['Read(~/.zshrc)', '~/.zshrc', true],
    ['Read(~/.zshrc)', '/home/u/x/.zshrc', false],
    ['Read(~/**)', '/home/u', true],
    ['Read(~)', '/home/u/any/thing', true],
    ['Read(*.env)', '/repo/.env', true],
    ['Read(*.env)', '/repo/a/b/prod.env', true],
    ['Read(*.env)', '/elsewhere/.env', false],
    ['Read(**/secrets/**)', '/repo/a/secrets/key', true],
    ['Read(secrets/)', '/repo/a/secrets/key', true],
    ['Read(./src)', '/repo/src/deep/a.ts', true],
    ['Read(./**)', '/repo/.git/config', true],
    ['Read(./src/*.ts)', '/repo/src/a.ts', true],
    ['Read(./src/*.ts)', '/repo/src/sub/a.ts', false],
    ['Read(./app/\\[id\\]/**)', '/repo/app/[id]/page.tsx', true],
    ['Read(./app/\\[id\\]/**)', '/repo/app/i/page.tsx', false],
    ['Read(./src/**)', '/repo/srcs/a.ts', false],
  ])('%s on %s: %s', (pattern, path, expected) => expect(decides(pattern, 'allow', read(path))).toBe(expected));

  it.each([
    ['Read(//repo/**)', '/repo/src/../../etc/passwd', false],
    ['Read(//etc/**)', '/repo/src/../../etc/passwd', true],
    ['Read(./**)', '../outside.txt', false],
    ['Read(./**)', './src/./a.ts', true],
    ['Read(//repo/src/**)', '/repo/src//a.ts', true],
  ])('`..` and `.` are resolved before matching: %s on %s: %s', (pattern, path, expected) => expect(decides(pattern, 'allow', read(path))).toBe(expected));

  it.each([
    ['Read(./src/**)', '/repo/src/a.ts', false],
    ['Read(src/**)', '/repo/src/a.ts', false],
    ['Read(*.env)', '/repo/.env', false],
    ['Read(//repo/src/**)', '/repo/src/a.ts', true],
    ['Read(~/**)', '/home/u/a', true],
    ['Read(//repo/**)', 'src/a.ts', false],
  ])('with the cwd unknown, %s on %s: %s', (pattern, path, expected) => expect(decides(pattern, 'allow', read(path, null))).toBe(expected));

  it('says in the trace that a relative rule needs the cwd', () => {
    const set = compileRules([{ id: 'r1', pattern: 'Read(./src/**)', action: 'allow' }], { homeDir: HOME });
    expect(set.explain(read('/repo/src/a.ts', null)).trace[0]?.reason).toBe(
      "rule path `./src/**` is relative to the working directory, and the agent's cwd is unknown",
    );
    expect(set.explain(read('src/a.ts', null)).trace[0]?.reason).toBe("the path `src/a.ts` is relative and the agent's cwd is unknown");
  });
});

describe('which tools a path rule covers', () => {
  it.each([
    ['Edit(./src/**)', tool('Edit', { file_path: '/repo/src/a.ts' }), true],
    ['Edit(./src/**)', tool('Write', { file_path: '/repo/src/a.ts' }), true],
    ['Edit(./src/**)', tool('MultiEdit', { file_path: '/repo/src/a.ts', edits: [] }), true],
    ['Edit(./src/**)', tool('NotebookEdit', { notebook_path: '/repo/src/n.ipynb' }), true],
    ['Edit(./src/**)', tool('Read', { file_path: '/repo/src/a.ts' }), false],
    ['Edit', tool('Write', { file_path: '/anywhere' }), true],
    ['Write(./src/**)', tool('Edit', { file_path: '/repo/src/a.ts' }), false],
    ['Write(./src/**)', tool('Write', { file_path: '/repo/src/a.ts' }), true],
    ['Read(./**)', tool('Grep', { pattern: 'x', path: '/repo/lib' }), true],
    ['Read(./**)', tool('Glob', { pattern: '**/*.ts' }), true],
    ['Read(./lib/**)', tool('Glob', { pattern: '**/*.ts' }), false],
    ['Read(./**)', tool('Glob', { pattern: '/etc/**' }), false],
    ['Read(./**)', tool('Glob', { pattern: '../../**/*.pem' }), false],
    ['Read(./lib/**)', tool('Glob', { pattern: 'lib/**/*.ts' }), true],
    ['Read(//etc/**)', tool('Glob', { pattern: '/etc/*.conf', path: '/repo' }), true],
    ['Read(//etc/**)', tool('LS', { path: '/etc' }), true],
    ['Read', tool('Grep', { pattern: 'x' }), true],
    ['Glob(./**)', tool('Read', { file_path: '/repo/a' }), false],
    ['Read(./**)', tool('Read', {}), false],
  ])('%s on %j: %s', (pattern, call, expected) => expect(decides(pattern, 'allow', call)).toBe(expected));
});

describe('deny path rules ignore case (macOS files do)', () => {
  it.each([
    ['deny', '/repo/.ENV', true],
    ['allow', '/repo/.ENV', false],
    ['deny', '/repo/Secrets/Key', true],
  ] as const)('%s Read(./.env), Read(./secrets/**) on %s: %s', (action, path, expected) => {
    const pattern = path.includes('Secrets') ? 'Read(./secrets/**)' : 'Read(./.env)';
    expect(decides(pattern, action, read(path))).toBe(expected);
  });
});

describe('regressions: with the cwd unknown, relative deny and ask rules fail closed', () => {
  it.each([
    // [pattern, action, path, matches]
    ['Read(**/.env)', 'deny', '/tmp/p/.env', true],
    ['Read(.env)', 'deny', '/tmp/p/.env', true],
    ['Read(*.pem)', 'deny', '/a/b/key.pem', true],
    ['Read(*.pem)', 'deny', '/a/b/key.txt', false],
    ['Read(**/secrets/**)', 'ask', '/srv/app/secrets/k', true],
    ['Read(./secrets/**)', 'deny', '/srv/app/secrets/k', true],
    ['Read(/secrets/**)', 'deny', '/srv/app/secrets/k', true],
    ['Read(config/prod.json)', 'deny', '/srv/app/config/prod.json', true],
    ['Read(config/prod.json)', 'deny', '/srv/app/config/dev.json', false],
    ['Read(./src/**)', 'ask', '/x/src/a.ts', true],
    ['Read(./src/**)', 'ask', '/x/lib/a.ts', false],
    ['Read(.)', 'deny', '/anything/at/all', true],
    ['Read(./.ENV)', 'deny', '/tmp/p/.env', true],
    ['Read(**/.env)', 'allow', '/tmp/p/.env', false],
    ['Read(./src/**)', 'allow', '/x/src/a.ts', false],
  ] as const)('%s (%s) on %s: %s', (pattern, action, path, expected) => expect(decides(pattern, action, read(path, null))).toBe(expected));

  it('deny Read(**/.env) beats allow Read(//tmp/**) for /tmp/p/.env', () => {
    const rules = [
      { pattern: 'Read(//tmp/**)', action: 'allow' as const },
      { pattern: 'Read(**/.env)', action: 'deny' as const },
    ];
    expect(winner(rules, read('/tmp/p/.env', null)).decidedBy).toBe('rule:r2');
    expect(winner(rules, read('/tmp/p/a.txt', null)).decidedBy).toBe('rule:r1');
  });

  it('keyed relative deny rules are found too (first directory in the rule)', () => {
    const rules = [
      { pattern: 'Read', action: 'allow' as const },
      { pattern: 'Read(secrets/**)', action: 'deny' as const },
      { pattern: 'Read(./Private/**)', action: 'ask' as const },
    ];
    expect(winner(rules, read('/srv/app/secrets/k', null)).decidedBy).toBe('rule:r2');
    expect(winner(rules, read('/srv/app/Private/k', null)).decidedBy).toBe('rule:r3');
    expect(winner(rules, read('/srv/app/public/k', null)).decidedBy).toBe('rule:r1');
  });

  it('says why in the trace', () => {
    const set = compileRules([{ id: 'r1', pattern: 'Read(**/.env)', action: 'deny' }], { homeDir: HOME });
    expect(set.explain(read('/tmp/p/.env', null)).trace[0]?.reason).toBe(
      'tool is Read, path `/tmp/p/.env` could be `**/.env` (cwd unknown: deny rule applies to be safe)',
    );
  });
});

describe('regressions: deny rules ignore the case of the home and cwd prefix too', () => {
  it.each([
    ['Read(~/.ssh/**)', 'deny', '/HOME/U/.ssh/id_rsa', '/repo', true],
    ['Read(~/.ssh/**)', 'deny', '/Home/u/.SSH/id_rsa', '/repo', true],
    ['Read(./.env)', 'deny', '/REPO/.env', '/repo', true],
    ['Read(./.env)', 'deny', '/repo/.env', '/Repo', true],
    ['Read(~/.ssh/**)', 'allow', '/HOME/U/.ssh/id_rsa', '/repo', false],
    ['Read(~/.ssh/**)', 'deny', '/home/u2/.ssh/id_rsa', '/repo', false],
  ] as const)('%s (%s) on %s (cwd %s): %s', (pattern, action, path, cwd, expected) => expect(decides(pattern, action, read(path, cwd))).toBe(expected));

  it('deny Read(~/.ssh/**) beats allow Read for /USERS/ME/.ssh/id_rsa (home /Users/me)', () => {
    const set = compileRules(
      [
        { id: 'a', pattern: 'Read', action: 'allow' },
        { id: 'd', pattern: 'Read(~/.ssh/**)', action: 'deny' },
      ],
      { homeDir: '/Users/me' },
    );
    expect(set.evaluate(read('/USERS/ME/.ssh/id_rsa')).decidedBy).toBe('rule:d');
  });
});
