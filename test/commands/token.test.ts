import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TokenStore, tokenHash } from '../../src/store/tokens.js';
import { runCli, tempHome } from '../helpers/cli.js';

describe('cco token', () => {
  it('add prints the token alone on stdout (once), what to do with it on stderr; list shows names and limits, never tokens', async () => {
    const home = tempHome();
    const empty = await runCli(home, 'token', 'list');
    expect(empty).toMatchObject({ code: 0, stdout: expect.stringMatching(/^No named tokens yet: .*`cco token add NAME`/) });

    const alice = await runCli(home, 'token', 'add', 'alice');
    expect(alice.code).toBe(0);
    const token = alice.stdout.trim();
    expect(token).toMatch(/^cco_[A-Za-z0-9_-]{43}$/);
    expect(alice.stderr).toMatch(/^Made a token for alice \(limits: none\)\. It is shown only now/);
    expect(alice.stderr).toContain('Revoke it with `cco token rm alice`.');
    expect(new TokenStore(join(home, 'tokens.json')).list()[0]).toMatchObject({ name: 'alice', sha256: tokenHash(token) });
    if (process.platform !== 'win32') expect(statSync(join(home, 'tokens.json')).mode & 0o777).toBe(0o600);

    expect((await runCli(home, 'token', 'add', 'ci-bot', '--deny-only')).stderr).toMatch(/limits: deny only/);
    expect((await runCli(home, 'token', 'add', 'carol', '--no-always')).stderr).toMatch(/limits: no always rules/);

    const list = await runCli(home, 'token', 'list');
    expect(list.code).toBe(0);
    const lines = list.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+LIMITS\s+CREATED$/);
    expect(lines.slice(1).map((l) => l.split(/\s{2,}/).slice(0, 2))).toEqual([
      ['alice', 'none'],
      ['ci-bot', 'deny only'],
      ['carol', 'no always rules'],
    ]);
    expect(list.stdout).not.toContain(token);
    const json = JSON.parse((await runCli(home, 'token', 'list', '--json')).stdout) as unknown[];
    expect(json).toEqual([
      { name: 'alice', limits: {}, created: expect.any(String) },
      { name: 'ci-bot', limits: { denyOnly: true }, created: expect.any(String) },
      { name: 'carol', limits: { noAlways: true }, created: expect.any(String) },
    ]);

    expect(await runCli(home, 'token', 'rm', 'ci-bot')).toMatchObject({ code: 0, stdout: 'Revoked the token of ci-bot.\n' });
    const again = await runCli(home, 'token', 'rm', 'ci-bot');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No token is named "ci-bot"; `cco token list` shows the names.');
  });

  it('a duplicate or invalid name exits 1 saying what to do', async () => {
    const home = tempHome();
    await runCli(home, 'token', 'add', 'alice');
    const dup = await runCli(home, 'token', 'add', 'alice');
    expect(dup.code).toBe(1);
    expect(dup.stdout).toBe('');
    expect(dup.stderr).toContain('A token named "alice" exists already. Revoke it first (`cco token rm alice`), or pick another name.');
    const bad = await runCli(home, 'token', 'add', 'eve\u001b[31m');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Invalid name "eve\\u001b[31m": use 1 to 32 letters');
  });

  it('--help says what a token is for, its limits and where it is kept', async () => {
    const home = tempHome();
    const help = await runCli(home, 'token', '--help');
    expect(help.stdout).toMatch(/add \[options\] <name>/);
    expect(help.stdout).toContain('Only a SHA-256 of each token is stored');
    const add = await runCli(home, 'token', 'add', '--help');
    expect(add.stdout).toContain('--deny-only');
    expect(add.stdout).toContain('--no-always');
  });
});

describe('CCO_API_TOKEN and CCO_API_URL', () => {
  it("a named token takes the server file token's place; a URL needs a token and must be http(s)", async () => {
    const { ApiClient } = await import('../../src/client/api-client.js');
    const { writeServerFile } = await import('../../src/store/server-file.js');
    const home = tempHome();
    const file = join(home, 'server.json');
    await writeServerFile(file, {
      url: 'http://127.0.0.1:1',
      mcpUrl: 'http://127.0.0.1:1/mcp',
      pid: process.pid,
      token: 'file-token',
      startedAt: '',
      version: '0',
    });
    expect((await ApiClient.fromServerFile(file, {})).info).toEqual(expect.objectContaining({ url: 'http://127.0.0.1:1', token: 'file-token' }));
    expect((await ApiClient.fromServerFile(file, { CCO_API_TOKEN: 'cco_named' })).info).toEqual({ url: 'http://127.0.0.1:1', token: 'cco_named' });
    const missing = join(home, 'none.json');
    expect((await ApiClient.fromServerFile(missing, { CCO_API_TOKEN: 'cco_named', CCO_API_URL: 'http://127.0.0.1:9/' })).info).toEqual({
      url: 'http://127.0.0.1:9',
      token: 'cco_named',
    });
    await expect(ApiClient.fromServerFile(missing, { CCO_API_URL: 'http://127.0.0.1:9' })).rejects.toThrow('CCO_API_URL is set but CCO_API_TOKEN is not');
    await expect(ApiClient.fromServerFile(missing, { CCO_API_URL: 'ftp://x\u001b', CCO_API_TOKEN: 't' })).rejects.toThrow(
      'CCO_API_URL must be an http(s) URL such as http://127.0.0.1:8660 (got "ftp://x\\u001b")',
    );
  });
});
