/**
 * A cco that requires a bearer token on /mcp, with the real Claude Code CLI: `cco run` and
 * `cco setup` hand Claude the header, Claude sends it, and nothing without it gets in.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRINT, createWorld, resultOf } from './harness.js';

const TOKEN = 'cco-test-token-0123456789abcdef';

describe('a token on /mcp (real Claude Code)', () => {
  it('cco run and a cco setup registration carry the token; a request without it gets 401', async () => {
    const w = await createWorld([{ tool: 'Bash', input: { command: 'touch via-run.txt', description: 'Create a file' } }]);
    expect((await w.ccoRun('config', 'set', 'token', TOKEN)).code).toBe(0);
    expect((await w.ccoRun('rules', 'add', 'Bash(touch:*)', '--allow')).code).toBe(0);
    const server = await w.serve();

    const bare = await fetch(server.info.mcpUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'x', version: '0' } },
      }),
    });
    expect(bare.status).toBe(401);
    // The agents' token never opens the decision API.
    expect((await fetch(`${server.info.url}/api/pending`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);

    const run = await w.claude(['run', '--agent', 'tok', '--', '-p', 'create via-run.txt', ...PRINT], { via: 'cco' }).done;
    expect(run.code, run.stderr).toBe(0);
    expect(resultOf(run).result).toBe('Done.');
    expect(existsSync(join(w.work, 'via-run.txt'))).toBe(true);
    expect(w.audit().find((e) => e.event === 'decision')).toMatchObject({ behavior: 'allow', decidedBy: 'rule:r1', agent: 'tok' });

    // `cco setup` registers the header with the real `claude mcp add-json`; `claude mcp get`
    // shows it, and cco setup run again recognises its own registration.
    expect((await w.ccoRun('setup')).code).toBe(0);
    const again = await w.ccoRun('setup');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('with its token');
    expect(again.stdout).toContain('nothing changed');
    expect(w.api.escaped).toEqual([]);
  });
});
