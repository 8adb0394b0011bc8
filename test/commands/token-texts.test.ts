/** What cco says about its tokens matches what it does: the configured token guards /mcp only. */
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

describe('the token texts', () => {
  it.each([
    ['cco serve --help', ['serve', '--help']],
    ['cco watch --help', ['watch', '--help']],
    ['cco config list', ['config', 'list']],
  ])('%s: the token guards /mcp, the decision API has its own per-start token', async (_name, args) => {
    const r = await runCli(tempHome(), ...args);
    const text = (r.stdout + r.stderr).replace(/\s+/g, ' ');
    expect(text).toMatch(/token[^.]*\/mcp/);
    expect(text).toMatch(/decision API (always )?has its own per-start token/);
    expect(text).not.toMatch(/\/mcp and the API/);
  });
});
