// Floor 2: the bare MCP SDK the way its own examples serve Streamable HTTP: node:http, one
// McpServer and StreamableHTTPServerTransport per session, one tool that always allows.
// No routing framework, no audit, no rules.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const transports = new Map();

function newSession() {
  const server = new McpServer({ name: 'cco', version: '0.1.0' }, { capabilities: { tools: {} } });
  server.registerTool(
    'approval_prompt',
    { inputSchema: { tool_name: z.string(), input: z.record(z.string(), z.unknown()), tool_use_id: z.string().optional() } },
    async (args) => ({ content: [{ type: 'text', text: JSON.stringify({ behavior: 'allow', updatedInput: args.input }) }] }),
  );
  const transport = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => transports.set(id, transport),
  });
  transport.onclose = () => transport.sessionId && transports.delete(transport.sessionId);
  return server.connect(transport).then(() => transport);
}

const server = http.createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
  const sid = req.headers['mcp-session-id'];
  const transport = sid ? transports.get(sid) : body?.method === 'initialize' ? await newSession() : undefined;
  if (!transport) {
    res.writeHead(400, { 'content-type': 'application/json' });
    return res.end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request"},"id":null}');
  }
  await transport.handleRequest(req, res, body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
