import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { readSse, type SseEvent } from '../../src/client/sse.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Broker, type BrokerOptions } from '../../src/core/broker.js';
import { startServer, type RunningServer } from '../../src/server/listen.js';
import type { ConsoleApiDeps } from '../../src/server/console-api.js';
import type { AppOptions } from '../../src/server/app.js';

export interface TestServer {
  broker: Broker;
  server: RunningServer;
  token: string;
  close(): Promise<void>;
}

let counter = 0;

/** The real HTTP server on 127.0.0.1, port 0, over a real broker. */
export async function startTestServer(
  opts: Partial<BrokerOptions> & {
    progressIntervalMs?: number;
    sessionIdleMs?: number;
    fastCalls?: boolean;
    mcpToken?: string;
    joinWindowMs?: number;
    port?: number;
    console?: ConsoleApiDeps;
    consoleKeepAliveMs?: number;
  } & Pick<AppOptions, 'namedTokens' | 'localPerson'> = {},
): Promise<TestServer> {
  const broker = new Broker({ newId: () => `c${++counter}`, timeoutMs: 60_000, ...opts });
  const token = 'test-token';
  const server = await startServer({
    broker,
    apiToken: token,
    host: '127.0.0.1',
    port: opts.port ?? 0,
    version: '0.0.0-test',
    ...(opts.console ? { console: opts.console } : {}),
    ...(opts.consoleKeepAliveMs !== undefined ? { consoleKeepAliveMs: opts.consoleKeepAliveMs } : {}),
    progressIntervalMs: opts.progressIntervalMs ?? 30_000,
    sessionIdleMs: opts.sessionIdleMs ?? 60 * 60_000,
    ...(opts.fastCalls !== undefined ? { fastCalls: opts.fastCalls } : {}),
    ...(opts.mcpToken !== undefined ? { mcpToken: opts.mcpToken } : {}),
    ...(opts.joinWindowMs !== undefined ? { joinWindowMs: opts.joinWindowMs } : {}),
    ...(opts.namedTokens ? { namedTokens: opts.namedTokens } : {}),
    ...(opts.localPerson ? { localPerson: opts.localPerson } : {}),
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

/** Headers a Streamable HTTP client sends on a POST to /mcp. */
export function mcpHeaders(sessionId?: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    ...(sessionId ? { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-11-25' } : {}),
    ...extra,
  };
}

/** The classic handshake over raw fetch, as Claude Code does it; returns the session id. */
export async function rawInitialize(
  mcpUrl: string,
  extra: Record<string, string> = {},
  capabilities: Record<string, unknown> = { roots: { listChanged: true } },
): Promise<string> {
  const res = await fetch(mcpUrl, {
    method: 'POST',
    headers: mcpHeaders(undefined, extra),
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: {
        protocolVersion: '2025-11-25',
        capabilities,
        clientInfo: { name: 'claude-code', title: 'Claude Code', version: '2.1.328' },
      },
    }),
  });
  const sessionId = res.headers.get('mcp-session-id');
  const text = await res.text();
  if (res.status !== 200 || !sessionId) throw new Error(`initialize failed: ${res.status} ${text}`);
  const ack = await fetch(mcpUrl, {
    method: 'POST',
    headers: mcpHeaders(sessionId, extra),
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await ack.text();
  if (ack.status !== 202) throw new Error(`notifications/initialized failed: ${ack.status}`);
  return sessionId;
}

export type { SseEvent } from '../../src/client/sse.js';

/** Parse a text/event-stream body into events, as they arrive. */
export async function* sseEvents(res: Response): AsyncGenerator<SseEvent> {
  if (res.body) yield* readSse(res.body);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request through node:http, for what fetch cannot send (fetch always sets Host itself).
 * `url` gives the address; `headers` are sent as given, Host included.
 */
export async function rawRequest(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  const { request } = await import('node:http');
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: opts.method ?? 'GET',
        headers: opts.headers ?? {},
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/**
 * Per-test bookkeeping: servers and clients a test starts are closed after it
 * (clients first, so a closing server never waits on a client that is still talking).
 */
export function testHarness() {
  const servers: TestServer[] = [];
  const clients: Client[] = [];
  return {
    async start(opts: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
      const t = await startTestServer(opts);
      servers.push(t);
      return t;
    },
    async client(url: string, init?: RequestInit): Promise<Client> {
      const c = await connectClient(url, init);
      clients.push(c);
      return c;
    },
    async cleanup(): Promise<void> {
      await Promise.allSettled(clients.splice(0).map((c) => c.close()));
      await Promise.allSettled(servers.splice(0).map((t) => t.close()));
    },
  };
}

/** The session id a connected client was given. */
export function sessionIdOf(client: Client): string | undefined {
  return (client.transport as { sessionId?: string } | undefined)?.sessionId;
}

/** Call `approval_prompt` the way Claude Code does. */
export function askApproval(client: Client, toolName: string, input: Record<string, unknown>, options?: Parameters<Client['callTool']>[2]) {
  return client.callTool({ name: 'approval_prompt', arguments: { tool_name: toolName, input } }, undefined, options);
}
