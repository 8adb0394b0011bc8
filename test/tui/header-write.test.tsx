import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { StatusBoard } from '../../src/core/console-status.js';
import { readDiskFile } from '../../src/tui/disk-file.js';
import { renderConsole } from './helpers.js';

describe('header', () => {
  it('shows agents connected, the default action and the rule count, and follows changes', async () => {
    const status = new StatusBoard({ agents: 0, defaultAction: 'ask', rules: 3 });
    const c = renderConsole({ status });
    await vi.waitFor(() => expect(c.frame()).toContain('0 agents · default ask · 3 rules'));
    status.set({ agents: 1, defaultAction: 'deny', rules: 1 });
    await vi.waitFor(() => expect(c.frame()).toContain('1 agent · default deny · 1 rule'));
  });
});

describe('Write detail', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cco-write-'));

  it('an existing file is shown as a diff against what is on disk', async () => {
    const file = join(dir, 'config.ts');
    writeFileSync(file, 'export const port = 8080;\nexport const host = "localhost";\n');
    const c = renderConsole({ readFile: readDiskFile });
    void c.broker.request({ toolName: 'Write', input: { file_path: file, content: 'export const port = 9090;\nexport const host = "localhost";\n' } });
    await vi.waitFor(() => expect(c.frame()).toContain('replaces the file on disk; changes:'));
    expect(c.frame()).toContain('-export const port = 8080;');
    expect(c.frame()).toContain('+export const port = 9090;');
  });

  it('a new file is shown numbered, and said to be new', async () => {
    const c = renderConsole({ readFile: readDiskFile });
    void c.broker.request({ toolName: 'Write', input: { file_path: join(dir, 'new.txt'), content: 'hello\nworld' } });
    await vi.waitFor(() => expect(c.frame()).toContain('new file'));
    expect(c.frame()).toContain('1 │ hello');
    expect(c.frame()).toContain('2 │ world');
  });
});

describe('readDiskFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cco-disk-'));
  writeFileSync(join(dir, 'text'), 'a\nb\n');
  writeFileSync(join(dir, 'binary'), Buffer.from([1, 0, 2]));
  writeFileSync(join(dir, 'large'), Buffer.alloc(1024 * 1024 + 1, 97));

  it.each([
    ['a text file', join(dir, 'text'), { kind: 'text', text: 'a\nb\n' }],
    ['a missing file', join(dir, 'missing'), { kind: 'absent' }],
    ['a binary file', join(dir, 'binary'), { kind: 'skipped', why: 'it is a binary file' }],
    ['a file over 1 MiB', join(dir, 'large'), { kind: 'skipped', why: 'it is larger than 1 MiB (1048577 bytes)' }],
    ['a folder', dir, { kind: 'skipped', why: 'it is not a regular file' }],
    ['a relative path', 'src/a.ts', { kind: 'skipped', why: 'the path is not absolute' }],
  ])('%s', async (_name, path, expected) => {
    expect(await readDiskFile(path)).toEqual(expected);
  });

  it('a named pipe is skipped at once, not waited on (its path comes from the agent)', async () => {
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    expect(await readDiskFile(fifo)).toEqual({ kind: 'skipped', why: 'it is not a regular file' });
  });
});
