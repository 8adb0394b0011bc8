/** `main()` in process: the one place that turns errors into messages and exit codes. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildProgram, main } from '../../src/cli.js';
import { VERSION } from '../../src/version.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'cco-main-'));
  vi.stubEnv('CCO_HOME', home);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await rm(home, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Run main() with stdout and stderr captured. */
async function run(...args: string[]) {
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const code = await main(['node', 'cco', ...args]);
  vi.restoreAllMocks();
  return { code, stdout, stderr };
}

describe('main', () => {
  it('registers the decision commands', () => {
    expect(buildProgram().commands.map((c) => c.name())).toEqual(expect.arrayContaining(['watch', 'serve', 'pending', 'approve', 'deny']));
  });

  it('--version prints the version and returns 0', async () => {
    expect(await run('--version')).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([
    ['{nope', /^cco: --input is not valid JSON \(.+\)\. Pass the whole tool input, e\.g\. --input '\{"command":"npm test"\}'\.\n$/],
    ['[1,2]', /^cco: --input must be a JSON object: the whole tool input/],
    ['"text"', /^cco: --input must be a JSON object/],
  ])('approve --input %s is refused before any server is asked (exit 1)', async (input, message) => {
    const r = await run('approve', 'c1', '--input', input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('No cco server');
  });

  it('with no server, a decision command exits 1 and says how to start one', async () => {
    const r = await run('deny', 'c1', '-m', 'no');
    expect(r).toMatchObject({ code: 1, stdout: '' });
    expect(r.stderr).toContain('Start one with `cco watch` (console) or `cco serve` (headless).');
  });
});
