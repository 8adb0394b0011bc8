import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Broker, type BrokerOptions } from '../../src/core/broker.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';

export interface TestServer {
  broker: Broker;
  server: RunningServer;
  token: string;
  close(): Promise<void>;
}

let counter = 0;

/** The real HTTP server on 127.0.0.1, port 0, over a real broker. */
export async function startTestServer(
  opts: Partial<BrokerOptions> & { progressIntervalMs?: number; sessionIdleMs?: number } = {},
): Promise<TestServer> {
  const broker = new Broker({ newId: () => `c${++counter}`, timeoutMs: 60_000, ...opts });
  const token = 'test-token';
  const server = await startServer({
    broker,
    apiToken: token,
    host: '127.0.0.1',
    port: 0,
    version: '0.0.0-test',
    progressIntervalMs: opts.progressIntervalMs ?? 30_000,
    sessionIdleMs: opts.sessionIdleMs ?? 60 * 60_000,
  });
  return {
    broker,
    server,
    token,
    async close() {
      broker.shutdown();
      await server.close(500);
    },
  };
}

/** A real MCP client over Streamable HTTP, connected and initialized. */
export async function connectClient(url: string, init?: RequestInit): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), init ? { requestInit: init } : undefined));
  return client;
}

/** The decision a CallToolResult carries, parsed from its one text block. */
export function parseResult(result: unknown): Record<string, unknown> {
  const content = (result as { content: Array<{ type: string; text: string }> }).content;
  if (content.length !== 1 || content[0]!.type !== 'text') throw new Error(`expected one text block, got ${JSON.stringify(result)}`);
  return JSON.parse(content[0]!.text) as Record<string, unknown>;
}

/** Wait until `cond` holds, polling; no fixed sleeps. */
export async function waitFor(cond: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
