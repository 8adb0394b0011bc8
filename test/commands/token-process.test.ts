/**
 * Named tokens with the real binary: `cco token add` in one terminal, a running `cco serve`, a
 * person approving with `CCO_API_TOKEN=… cco approve`, `cco log` naming them, and `cco token rm`
 * refusing the token at once, without a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { askApproval, connectClient, parseResult } from '../helpers/server.js';
import { tempHome } from '../helpers/cli.js';
import { cco, pendingId, startServe, type Served } from './cco-process.js';

let served: Served | undefined;
let client: Client | undefined;
afterEach(async () => {
  await client?.close().catch(() => undefined);
  client = undefined;
  await served?.stop();
  served = undefined;
});

describe('named tokens, real process', () => {
  it('alice approves with her token: the audit log names her; after `cco token rm` her token gets 401 at once', async () => {
    const home = tempHome();
    const made = await cco(['token', 'add', 'alice'], home);
    expect(made.code, made.stderr).toBe(0);
    const token = made.stdout.trim();
    const bot = (await cco(['token', 'add', 'ci-bot', '--deny-only'], home)).stdout.trim();
    served = await startServe(home);
    client = await connectClient(served.info.mcpUrl);
    const first = askApproval(client, 'Bash', { command: 'git push origin main' });
    const id = await pendingId(served.serverFile, 'git push origin main');

    const limited = await cco(['approve', id], home, 10_000, { env: { CCO_API_TOKEN: bot } });
    expect(limited.code).toBe(1);
    expect(limited.stderr).toContain('The token "ci-bot" may only deny calls (it was made with --deny-only), so it cannot approve.');

    const ok = await cco(['approve', id], home, 10_000, { env: { CCO_API_TOKEN: token } });
    expect(ok.code, ok.stderr).toBe(0);
    expect(parseResult(await first)).toMatchObject({ behavior: 'allow' });

    const log = await cco(['log', '--json'], home);
    const entry = log.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((e) => e.id === id);
    expect(entry).toMatchObject({ decision: 'allow', decidedBy: 'user', person: 'alice' });
    const table = await cco(['log'], home);
    expect(table.stdout.split('\n').find((l) => l.includes(id))).toMatch(/allowed\s+alice\s/);

    // Over a tunnel: the URL and the token, no server file needed.
    const remote = await cco(['pending', '--json'], home, 10_000, { env: { CCO_API_TOKEN: token, CCO_API_URL: served.info.url, CCO_HOME: tempHome() } });
    expect(remote.code, remote.stderr).toBe(0);

    expect((await cco(['token', 'rm', 'alice'], home)).code).toBe(0);
    const second = askApproval(client, 'Bash', { command: 'git push origin next' });
    second.catch(() => {});
    const id2 = await pendingId(served.serverFile, 'git push origin next');
    const revoked = await cco(['approve', id2], home, 10_000, { env: { CCO_API_TOKEN: token } });
    expect(revoked.code).toBe(1);
    expect(revoked.stderr).toContain('This token is not known to this cco (revoked or mistyped); make one with `cco token add NAME`');
    // The server file's token (the person at this machine) still decides.
    expect((await cco(['deny', id2], home)).code).toBe(0);
    expect(parseResult(await second)).toMatchObject({ behavior: 'deny' });
  });
});
