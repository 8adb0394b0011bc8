/**
 * A small fake of the Anthropic Messages API on 127.0.0.1 that plays a scripted model for the
 * real Claude Code CLI (pointed at it with ANTHROPIC_BASE_URL).
 *
 * Each main-loop request gets the next step of the script: a tool call streamed exactly as the
 * real API streams it (message_start, content_block_start with an empty tool_use input,
 * input_json_delta chunks, content_block_stop, message_delta with stop_reason "tool_use",
 * message_stop), and after the script a final text turn. The step is the number of assistant
 * turns already in the conversation, so a retried request gets the same answer.
 *
 * It records every request and every tool_result Claude sends back, so a test can assert what the
 * model saw. It also serves as the HTTP(S) proxy for the CLI: anything that tries to leave
 * loopback lands here, is recorded in `escaped`, and is refused.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export type Step = { tool: string; input: Record<string, unknown> } | { text: string };

export interface ToolResult {
  toolUseId: string;
  /** The tool's text as the model saw it, without the `<system-reminder>` blocks Claude Code appends. */
  content: string;
  /** Everything the model saw, reminders included. */
  raw: string;
  isError: boolean;
}

export interface RecordedRequest {
  method: string;
  path: string;
  model?: string;
  stream?: boolean;
}

export interface FakeAnthropic {
  /** For ANTHROPIC_BASE_URL (and as the proxy URL). */
  url: string;
  requests: RecordedRequest[];
  /** Tool results in the order they first arrived, one per tool_use_id. */
  results: ToolResult[];
  /** Requests that tried to leave loopback through the proxy (CONNECT or absolute-URL requests). */
  escaped: string[];
  /** The tool_use_id the script gives step `i`. */
  toolUseId(i: number): string;
  close(): Promise<void>;
}

interface Block {
  type: string;
  text?: string;
  content?: unknown;
  tool_use_id?: string;
  is_error?: boolean;
}
interface Message {
  role: string;
  content: string | Block[];
}
interface MessagesBody {
  model?: string;
  stream?: boolean;
  messages?: Message[];
  tools?: Array<{ name: string }>;
}

const textOf = (content: unknown): string =>
  typeof content === 'string'
    ? content
    : Array.isArray(content)
      ? content.map((b: Block) => (b.type === 'text' ? (b.text ?? '') : `[${b.type}]`)).join('')
      : '';

/** The events of one assistant message, as the streaming API sends them. */
export function streamEvents(id: string, model: string, step: Step, toolUseId: string): Array<Record<string, unknown>> {
  const usage = { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 };
  const events: Array<Record<string, unknown>> = [
    { type: 'message_start', message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage } },
  ];
  if ('tool' in step) {
    const json = JSON.stringify(step.input);
    events.push({ type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: toolUseId, name: step.tool, input: {} } });
    events.push({ type: 'ping' });
    // The API sends the input as JSON fragments; split it so the client has to join them.
    const cut = Math.ceil(json.length / 2);
    for (const part of [json.slice(0, cut), json.slice(cut)]) {
      events.push({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: part } });
    }
  } else {
    events.push({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    events.push({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: step.text } });
  }
  events.push({ type: 'content_block_stop', index: 0 });
  events.push({ type: 'message_delta', delta: { stop_reason: 'tool' in step ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: 20 } });
  events.push({ type: 'message_stop' });
  return events;
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

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

export async function startFakeAnthropic(script: Step[], final = 'Done.'): Promise<FakeAnthropic> {
  const requests: RecordedRequest[] = [];
  const results: ToolResult[] = [];
  const escaped: string[] = [];
  const prefix = `toolu_cco${Math.random().toString(36).slice(2, 8)}_`;
  let messageCount = 0;

  const record = (messages: Message[]) => {
    for (const m of messages) {
      if (m.role !== 'user' || typeof m.content === 'string') continue;
      for (const b of m.content) {
        if (b.type !== 'tool_result' || !b.tool_use_id || results.some((r) => r.toolUseId === b.tool_use_id)) continue;
        const raw = textOf(b.content);
        const content = raw.replace(/<system-reminder>[\s\S]*?<\/system-reminder>/g, '').trimEnd();
        results.push({ toolUseId: b.tool_use_id, content, raw, isError: b.is_error === true });
      }
    }
  };

  const messages = async (req: IncomingMessage, res: ServerResponse) => {
    const body = JSON.parse(await readBody(req)) as MessagesBody;
    const model = body.model ?? 'claude-test';
    requests.push({ method: 'POST', path: req.url ?? '', model, stream: body.stream === true });
    const history = body.messages ?? [];
    record(history);
    const mainLoop = (body.tools ?? []).some((t) => t.name === 'Bash');
    const step = history.filter((m) => m.role === 'assistant').length;
    const planned: Step = mainLoop && step < script.length ? script[step]! : { text: mainLoop ? final : 'ok' };
    const id = `msg_cco_${++messageCount}`;
    const events = streamEvents(id, model, planned, `${prefix}${step}`);
    if (!body.stream) {
      // A non-streaming side request (a title, a summary): the same message, whole.
      const block =
        'tool' in planned ? { type: 'tool_use', id: `${prefix}${step}`, name: planned.tool, input: planned.input } : { type: 'text', text: planned.text };
      return json(res, 200, {
        id,
        type: 'message',
        role: 'assistant',
        model,
        content: [block],
        stop_reason: 'tool' in planned ? 'tool_use' : 'end_turn',
        stop_sequence: null,
        usage: { input_tokens: 12, output_tokens: 20 },
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    for (const e of events) res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
    res.end();
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '';
    // A proxied request names an absolute URL: it was on its way off this machine.
    if (/^https?:\/\//i.test(url)) {
      escaped.push(`${req.method} ${url}`);
      return json(res, 502, { error: 'fake-anthropic: no traffic leaves loopback' });
    }
    const path = url.split('?')[0]!;
    if (req.method === 'POST' && path === '/v1/messages') {
      messages(req, res).catch((error: Error) => json(res, 500, { type: 'error', error: { type: 'api_error', message: error.message } }));
      return;
    }
    requests.push({ method: req.method ?? '', path: url });
    if (req.method === 'POST' && path === '/v1/messages/count_tokens') return void readBody(req).then(() => json(res, 200, { input_tokens: 12 }));
    if (req.method === 'HEAD' || (req.method === 'GET' && path === '/')) return void res.writeHead(200).end();
    if (req.method === 'GET' && path.startsWith('/v1/models')) return json(res, 200, { data: [], has_more: false, first_id: null, last_id: null });
    json(res, 404, { type: 'error', error: { type: 'not_found_error', message: `fake-anthropic has no ${req.method} ${path}` } });
  });
  server.on('connect', (req: IncomingMessage, socket: Socket) => {
    escaped.push(`CONNECT ${req.url ?? ''}`);
    socket.on('error', () => undefined);
    socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    results,
    escaped,
    toolUseId: (i) => `${prefix}${i}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
