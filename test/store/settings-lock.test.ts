import { existsSync, writeFileSync } from 'node:fs';
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
});
