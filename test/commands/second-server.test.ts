import { describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/cli.js';
import { cco, startServe } from './cco-process.js';

describe('one server per state folder', () => {
  it('a second cco on the same CCO_HOME refuses to start and names the first', async () => {
    const home = tempHome();
    const first = await startServe(home);
    try {
      const second = await cco(['serve', '--port', '0'], home);
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`Another cco (pid ${first.info.pid}) is already running at ${first.info.url}`);
      expect(second.stderr).toContain('CCO_HOME');
      // The first one is untouched: its server file still names it.
      expect((await cco(['pending', '--json'], home)).code).toBe(0);
    } finally {
      await first.stop();
    }
  });
});
