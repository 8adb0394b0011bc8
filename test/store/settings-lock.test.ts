import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockFile } from '../../src/store/file-lock.js';
import { SettingsStore } from '../../src/store/settings.js';
import { cco } from '../commands/cco-process.js';
import { tempHome } from '../helpers/cli.js';

describe('settings updates are serialized', () => {
  it('eight `cco rules add` at once: all eight rules land, with distinct ids, and no lock file is left', async () => {
    const home = tempHome();
    const runs = await Promise.all(Array.from({ length: 8 }, (_, i) => cco(['rules', 'add', `Bash(task ${i}:*)`, '--allow'], home, 30_000)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const rules = new SettingsStore(join(home, 'config.json')).readFile().rules ?? [];
    expect(rules.map((r) => r.pattern).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `Bash(task ${i}:*)`).sort());
    expect(new Set(rules.map((r) => r.id)).size).toBe(8);
    expect(existsSync(join(home, 'config.json.lock'))).toBe(false);
  });

  it('a lock left by a process that is gone is taken over; a live one makes the update wait, then fail with what to do', async () => {
    const home = tempHome();
    const file = join(home, 'config.json');
    const store = new SettingsStore(file);
    writeFileSync(`${file}.lock`, '999999999');
    await store.update((f) => void (f.port = 9001));
    expect(store.readFile().port).toBe(9001);
    expect(existsSync(`${file}.lock`)).toBe(false);

    writeFileSync(`${file}.lock`, String(process.pid));
    const stuck = await lockFile(file, 200).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((stuck as Error).message).toMatch(/Another cco is changing .*config\.json.*delete the lock file/);
    expect(store.readFile().port).toBe(9001);
  });

  it("a fresh lock is never taken over because the pid it names is gone: that holder may have just released it, and the lock now at the path is another's", async () => {
    const home = tempHome();
    const file = join(home, 'config.json');
    writeFileSync(`${file}.lock`, '999999999');
    const young = await lockFile(file, 300).then(
      () => 'taken',
      (e: unknown) => (e as Error).message,
    );
    expect(young).toMatch(/Another cco is changing/);
    // Left by a process that died holding it a while ago: taken over.
    const past = new Date(Date.now() - 5000);
    utimesSync(`${file}.lock`, past, past);
    const release = await lockFile(file, 300);
    release();
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
