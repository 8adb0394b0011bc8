/**
 * cco serves tools/list from a low-level SDK Server; the answer must be what the SDK's McpServer
 * (which cco used before) derives from the same zod schema, so clients see no change.
 */
import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { approvalArguments } from '../../src/server/approval-call.js';
import { TOOLS_LIST } from '../../src/server/approval-tool.js';

describe('tools/list', () => {
  it('is what McpServer derives from the one schema', async () => {
    const [tool] = TOOLS_LIST.tools;
    const sdk = new McpServer({ name: 'cco', version: '0' }, { capabilities: { tools: {} } });
    sdk.registerTool(tool!.name, { title: tool!.title!, description: tool!.description!, inputSchema: approvalArguments.shape }, () => ({ content: [] }));
    const [a, b] = InMemoryTransport.createLinkedPair();
    await sdk.connect(a);
    const client = new Client({ name: 'test', version: '0' });
    await client.connect(b);
    try {
      expect(await client.listTools()).toEqual(TOOLS_LIST);
    } finally {
      await client.close();
    }
  });
});
