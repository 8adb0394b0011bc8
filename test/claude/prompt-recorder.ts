/**
 * A minimal MCP server (Streamable HTTP, plain JSON answers) on 127.0.0.1 with one tool,
 * `approval_prompt`, for `claude -p --permission-prompt-tool mcp__recorder__approval_prompt`. It
 * records every call Claude Code would have asked a person about and denies it at once with
 * ASKED, so the model reads that word as the tool error. Calls Claude allows or denies by its own
 * settings never reach it: what it records is exactly "Claude would ask".
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const ASKED = 'cco-differential: this call reached the permission prompt tool';

export interface Asked {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId: string;
}

export interface PromptRecorder {
  /** The MCP server's URL, for an `--mcp-config` entry. */
  url: string;
  asked: Asked[];
  /** An `--mcp-config` JSON naming this server `recorder`. */
  mcpConfig(): string;
  close(): Promise<void>;
}

/**
 * Tools the model may call besides the prompt tool (as `mcp__recorder__<name>`), so MCP rules have
 * something to match; each just answers `ok from <name>`.
 */
export const EXTRA_TOOLS = ['get_issue', 'create_issue'];

/** The name to pass to `--permission-prompt-tool`. */
export const RECORDER_TOOL = 'mcp__recorder__approval_prompt';

interface RpcMessage {
  jsonrpc?: string;
  id?: number | string | null;
  method?: string;
  params?: { name?: string; arguments?: { tool_name?: string; input?: Record<string, unknown>; tool_use_id?: string }; protocolVersion?: string };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

export async function startPromptRecorder(): Promise<PromptRecorder> {
  const asked: Asked[] = [];
  const session = `recorder-${Math.random().toString(36).slice(2, 10)}`;

  const answer = (m: RpcMessage): unknown => {
    switch (m.method) {
      case 'initialize':
        return {
          protocolVersion: m.params?.protocolVersion ?? '2025-06-18',
          capabilities: { tools: { listChanged: false } },
          serverInfo: { name: 'recorder', version: '1.0.0' },
        };
      case 'tools/list':
        return {
          tools: [
            ...EXTRA_TOOLS.map((name) => ({
              name,
              description: `Answers ok (${name}).`,
              inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
            })),
            {
              name: 'approval_prompt',
              description: 'Records a permission question and denies it.',
              inputSchema: {
                type: 'object',
                properties: { tool_name: { type: 'string' }, input: { type: 'object' }, tool_use_id: { type: 'string' } },
                required: ['tool_name', 'input'],
              },
            },
          ],
        };
      case 'tools/call': {
        if (EXTRA_TOOLS.includes(String(m.params?.name))) return { content: [{ type: 'text', text: `ok from ${String(m.params?.name)}` }] };
        const a = m.params?.arguments ?? {};
        asked.push({ toolName: String(a.tool_name), input: a.input ?? {}, toolUseId: String(a.tool_use_id) });
        return { content: [{ type: 'text', text: JSON.stringify({ behavior: 'deny', message: ASKED }) }] };
      }
      case 'ping':
        return {};
      default:
        return undefined;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST') return void res.writeHead(405).end();
    let msg: RpcMessage;
    try {
      msg = JSON.parse(await readBody(req)) as RpcMessage;
    } catch {
      return void res.writeHead(400).end();
    }
    if (msg.id === undefined || msg.id === null) return void res.writeHead(202).end();
    const result = answer(msg);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (msg.method === 'initialize') headers['mcp-session-id'] = session;
    // Anything else (the `server/discover` probe among them) is an unknown method: Claude falls back to initialize.
    const body =
      result === undefined
        ? { jsonrpc: '2.0', id: msg.id, error: { code: -32601, message: `Method not found: ${msg.method}` } }
        : { jsonrpc: '2.0', id: msg.id, result };
    res.writeHead(result === undefined ? 400 : 200, headers).end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}/mcp`;
  return {
    url,
    asked,
    mcpConfig: () => JSON.stringify({ mcpServers: { recorder: { type: 'http', url } } }),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
