import { describe, expect, it } from 'vitest';
import { writeServerFile } from '../../src/store/server-file.js';
import { runCli, tempHome } from '../helpers/cli.js';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';

describe('cco mcp-config', () => {
  it('prints cco as the only server, with a day-long timeout, at the configured port', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ port: 8123 }));
    const r = await runCli(home, 'mcp-config');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      `{
  "mcpServers": {
    "cco": {
      "type": "http",
      "url": "http://127.0.0.1:8123/mcp",
      "timeout": 90000000
    }
  }
}
`,
    );
  });

  it('names the agent in a header and takes the URL given', async () => {
    const r = await runCli(tempHome(), 'mcp-config', '--agent', 'docs.bot', '--url', 'http://localhost:9/mcp');
    expect(JSON.parse(r.stdout)).toEqual({
      mcpServers: { cco: { type: 'http', url: 'http://localhost:9/mcp', headers: { 'X-CCO-Agent': 'docs.bot' }, timeout: 90_000_000 } },
    });
  });

  it("uses the running server's URL", async () => {
    const home = tempHome();
    await writeServerFile(join(home, 'server.json'), {
      url: 'http://127.0.0.1:41234',
      mcpUrl: 'http://127.0.0.1:41234/mcp',
      pid: process.pid,
      token: 't',
      startedAt: new Date().toISOString(),
      version: '0',
    });
    const r = await runCli(home, 'mcp-config');
    expect(JSON.parse(r.stdout).mcpServers.cco.url).toBe('http://127.0.0.1:41234/mcp');
  });

  it.each([
    ['--agent', 'has space'],
    ['--agent', ''],
    ['--url', 'ftp://x/mcp'],
    ['--url', 'nope'],
  ])('refuses %s %j', async (flag, value) => {
    const r = await runCli(tempHome(), 'mcp-config', flag, value);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
  });
});
