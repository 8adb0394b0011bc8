// Floor 1: a bare node:http server answering the MCP handshake and every tools/call with the
// same bytes cco sends (an SSE stream holding one allow), and doing nothing else.
import http from 'node:http';
import { randomUUID } from 'node:crypto';

const initResult = (id) =>
  JSON.stringify({
    result: { protocolVersion: '2025-11-25', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'cco', version: '0.1.0' } },
    jsonrpc: '2.0',
    id,
  });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const msg = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (msg.method === 'initialize') {
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': randomUUID() });
      return res.end(initResult(msg.id));
    }
    if (msg.id === undefined) {
      res.writeHead(202);
      return res.end();
    }
    const text = JSON.stringify({ behavior: 'allow', updatedInput: msg.params.arguments.input });
    const answer = JSON.stringify({ result: { content: [{ type: 'text', text }] }, jsonrpc: '2.0', id: msg.id });
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.end(`event: message\ndata: ${answer}\n\n`);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => process.stdout.write(`listening ${server.address().port}\n`));
