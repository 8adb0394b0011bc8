import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import { askApproval, parseResult, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
const extra: Client[] = [];
afterEach(async () => {
  await Promise.allSettled(extra.splice(0).map((c) => c.close()));
  await h.cleanup();
});

/** An SDK client that declares `roots` and answers roots/list with `roots` (or never, or with an error). */
async function rootsClient(url: string, answer: 'never' | 'error' | Array<{ uri: string }>): Promise<Client> {
  const c = new Client({ name: 'roots-agent', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } });
  c.setRequestHandler(ListRootsRequestSchema, async () => {
    if (answer === 'never') return new Promise(() => {});
    if (answer === 'error') throw new Error('no roots here');
    return { roots: answer };
  });
  await c.connect(new StreamableHTTPClientTransport(new URL(url)));
  extra.push(c);
  return c;
}

const edit = (file_path: string) => ({ file_path, old_string: 'a', new_string: 'b', replace_all: false });

describe('agent working directory from roots/list', () => {
  it('records the first root as cwd, and a relative Edit(./src/**) rule applies to that agent only', async () => {
    const policy = toPolicy(compileRules([{ id: 'r1', pattern: 'Edit(./src/**)', action: 'allow' }], { homeDir: '/home/u', defaultAction: 'ask' }));
    const t = await h.start({ policy });
    const c = await rootsClient(t.server.mcpUrl, [{ uri: 'file:///tmp/proj' }, { uri: 'file:///tmp/other' }]);
    // The very first call already knows the directory.
    expect(parseResult(await askApproval(c, 'Edit', edit('/tmp/proj/src/a.ts')))).toEqual({ behavior: 'allow', updatedInput: edit('/tmp/proj/src/a.ts') });
    expect(t.broker.snapshot().recent[0]).toMatchObject({
      call: { agent: { cwd: '/tmp/proj', client: { name: 'roots-agent' } } },
      decision: { decidedBy: 'rule:r1' },
    });
    const outside = askApproval(c, 'Edit', edit('/tmp/other/src/a.ts'));
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call outside the cwd to wait');
    const p = t.broker.snapshot().pending[0]!;
    expect(p.call.agent?.cwd).toBe('/tmp/proj');
    t.broker.decide(p.id, { behavior: 'deny', message: 'no' });
    expect(parseResult(await outside)).toEqual({ behavior: 'deny', message: 'no' });
  });

  it('a client without roots, one that fails, and one that never answers leave the cwd unknown (the last after a short wait)', async () => {
    const policy = toPolicy(compileRules([{ id: 'r1', pattern: 'Edit(./src/**)', action: 'allow' }], { homeDir: '/home/u', defaultAction: 'deny' }));
    const t = await h.start({ policy });
    const plain = await h.client(t.server.mcpUrl);
    const failing = await rootsClient(t.server.mcpUrl, 'error');
    const silent = await rootsClient(t.server.mcpUrl, 'never');
    for (const c of [plain, failing, silent]) {
      const r = parseResult(await askApproval(c, 'Edit', edit('/tmp/proj/src/a.ts')));
      expect(r).toMatchObject({ behavior: 'deny' });
      expect(t.broker.snapshot().recent[0]!.call.agent?.cwd).toBeUndefined();
    }
  });
});

describe('hostile roots', () => {
  it.each([['file://evilhost/x'], ['file:///a%2Fb']])('a root of %s leaves the cwd unknown and never breaks the session or the server', async (uri) => {
    const policy = toPolicy(compileRules([{ id: 'r1', pattern: 'Edit(//tmp/**)', action: 'allow' }], { homeDir: '/home/u', defaultAction: 'deny' }));
    const t = await h.start({ policy });
    let asked = 0;
    const c = new Client({ name: 'hostile-roots', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } });
    c.setRequestHandler(ListRootsRequestSchema, () => {
      asked++;
      return { roots: [{ uri }] };
    });
    await c.connect(new StreamableHTTPClientTransport(new URL(t.server.mcpUrl)));
    extra.push(c);
    // Let the server ask on the GET stream and get the bad answer before any call arrives.
    await waitFor(() => asked >= 1, 5000, 'the roots/list request');
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 2; i++) {
      const r = parseResult(await askApproval(c, 'Edit', edit(`/tmp/p/src/${i}.ts`)));
      expect(r).toMatchObject({ behavior: 'allow' });
      expect(t.broker.snapshot().recent[0]!.call.agent?.cwd).toBeUndefined();
    }
    expect((await fetch(`${t.server.url}/health`)).status).toBe(200);
  });
});
