import { mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, SettingsStore, writeWhole } from '../../src/store/settings.js';

const folder = () => mkdtempSync(join(tmpdir(), 'cco-store-'));

describe('SettingsStore writes', () => {
  it('writes the whole file with mode 0600, creates the folder 0700, and leaves no temporary file', async () => {
    const dir = join(folder(), 'nested');
    const file = join(dir, 'config.json');
    const store = new SettingsStore(file);
    await store.update((f) => void (f.port = 9001));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toBe('{\n  "port": 9001\n}\n');
    expect(readdirSync(dir)).toEqual(['config.json']);
    expect(store.read().port).toBe(9001);
  });

  it('makes a file that was readable by others private again on its next write', async () => {
    const file = join(folder(), 'config.json');
    writeFileSync(file, '{"bell": false}\n', { mode: 0o644 });
    await new SettingsStore(file).update((f) => void (f.port = 9002));
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ bell: false, port: 9002 });
  });

  it('never writes through a symlink planted where its temporary file goes', () => {
    const dir = folder();
    const file = join(dir, 'config.json');
    const elsewhere = join(dir, 'elsewhere');
    writeFileSync(elsewhere, 'keep');
    symlinkSync(elsewhere, `${file}.${process.pid}.tmp`);
    writeWhole(file, '{}\n');
    expect(readFileSync(elsewhere, 'utf8')).toBe('keep');
    expect(readFileSync(file, 'utf8')).toBe('{}\n');
  });

  it('refuses a change that breaks the file, and never overwrites a broken file', async () => {
    const file = join(folder(), 'config.json');
    const store = new SettingsStore(file);
    await expect(store.update((f) => void (f.retention = '1s'))).rejects.toThrow(/^Not saved: "retention" must be at least 1h/);
    const broken = '{\n  "bell": "loud"\n}\n';
    writeFileSync(file, broken);
    const error = await store.update((f) => void (f.port = 9003)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/"bell" must be true or false \(got "loud"\) \(line 2 column 11\)/);
    expect(readFileSync(file, 'utf8')).toBe(broken);
  });
});
