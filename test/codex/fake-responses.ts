/**
 * A fake OpenAI Responses API on loopback for the real Codex CLI (its custom model provider,
 * `wire_api = "responses"`): each POST /v1/responses streams SSE events. The first turn asks to
 * run one shell command through Codex's `exec_command` tool with `require_escalated` (so Codex,
 * at approval policy on-request, asks for approval: the PermissionRequest hook); the next turn,
 * which carries the tool's output, ends with a message. Every request is recorded.
 */
import { createServer } from 'node:http';

export interface FakeResponses {
  url: string;
  requests: Array<{ path: string; body: Record<string, unknown> }>;
  /** The text Codex sent back as the tool's output, once it did. */
  toolOutput(): string | undefined;
  close(): Promise<void>;
}

export async function startFakeResponses(command: string, workdir?: string): Promise<FakeResponses> {
  const requests: FakeResponses['requests'] = [];
  let n = 0;
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        // recorded as empty
      }
      requests.push({ path: req.url ?? '', body });
      if (!req.url?.endsWith('/responses')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      const id = `resp_${++n}`;
      const answered = JSON.stringify(body.input ?? '').includes('function_call_output');
      // Codex sends side requests too (without the shell tool): those get a plain message.
      const canRun = Array.isArray(body.tools) && (body.tools as Array<{ name?: string }>).some((t) => t.name === 'exec_command');
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const event = (e: Record<string, unknown>) => res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
      event({ type: 'response.created', response: { id } });
      if (!answered && canRun) {
        const args = {
          cmd: command,
          sandbox_permissions: 'require_escalated',
          justification: 'needs to write outside the sandbox',
          ...(workdir ? { workdir } : {}),
        };
        event({
          type: 'response.output_item.done',
          item: { type: 'function_call', id: `fc_${n}`, call_id: 'call_1', name: 'exec_command', arguments: JSON.stringify(args) },
        });
      } else {
        event({
          type: 'response.output_item.done',
          item: { type: 'message', role: 'assistant', id: `msg_${n}`, content: [{ type: 'output_text', text: 'done' }] },
        });
      }
      event({ type: 'response.completed', response: { id, usage: { input_tokens: 1, output_tokens: 1, total_tokens: 2 } } });
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    toolOutput() {
      for (const r of requests) {
        const input = Array.isArray(r.body.input) ? (r.body.input as Array<Record<string, unknown>>) : [];
        const out = input.find((i) => i.type === 'function_call_output');
        if (out && !String(out.output).startsWith('unsupported call')) return String(out.output);
      }
      return undefined;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
