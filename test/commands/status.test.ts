/** `cco status` from the built binary: not running, nothing waiting, a waiting call; plain, --tmux and --json. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, describe, expect, it } from 'vitest';
import { connectClient } from '../helpers/server.js';
import { cco, pendingId, startServe } from './cco-process.js';

const dirs: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'cco-status-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('cco status', () => {
  it('without a server: plain says so and exits 3; --tmux prints nothing and exits 0; --json says running false', async () => {
    const home = dir();
    expect(await cco(['status'], home)).toMatchObject({ code: 3, stdout: 'cco: not running (start it with `cco watch` or `cco serve`)\n' });
    expect(await cco(['status', '--tmux'], home)).toMatchObject({ code: 0, stdout: '' });
    expect(await cco(['status', '--json'], home)).toMatchObject({ code: 3, stdout: '{"running":false}\n' });
    expect(await cco(['status', '--bogus'], home)).toMatchObject({ code: 1, stderr: expect.stringContaining("unknown option '--bogus'") });
    expect((await cco(['status', '--help'], home)).stdout).toContain('status-right');
  });

  it('with a server: nothing waiting, then a waiting call from an agent (its text escaped)', async () => {
    const home = dir();
    const served = await startServe(home);
    let client: Client | undefined;
    try {
      expect(await cco(['status'], home)).toMatchObject({ code: 0, stdout: 'cco: nothing waiting\n' });
      expect(await cco(['status', '--tmux'], home)).toMatchObject({ code: 0, stdout: '' });
      client = await connectClient(`${served.info.mcpUrl.replace(/\/mcp$/, '/mcp/api')}`);
      const command = 'git push #[fg=red] \u001b[2J';
      void client.callTool({ name: 'approval_prompt', arguments: { tool_name: 'Bash', input: { command } } }).catch(() => {});
      const id = await pendingId(served.serverFile, command);
      const plain = await cco(['status'], home);
      expect(plain.code).toBe(0);
      expect(plain.stdout).toMatch(new RegExp(`^cco: 1 call waits; oldest \\d+(ms|s): api Bash git push #\\[fg=red\\] \\\\u001b\\[2J \\(id ${id}\\)\\n$`));
      const tmux = await cco(['status', '--tmux'], home);
      expect(tmux.stdout).toMatch(/^⏳1 oldest \d+(ms|s) api Bash git push ##\[fg=red\] \\u001b\[2J\n$/);
      const json = JSON.parse((await cco(['status', '--json'], home)).stdout) as Record<string, unknown>;
      expect(json).toMatchObject({ running: true, pending: 1, oldest: { id, agent: 'api', tool: 'Bash', summary: 'git push #[fg=red] \\u001b[2J' } });
    } finally {
      await client?.close();
      await served.stop();
    }
  });
});
