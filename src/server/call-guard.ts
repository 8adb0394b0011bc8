import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** How deep a tool input may nest; real tool inputs are a few levels deep. */
export const MAX_INPUT_DEPTH = 64;

/** The depth of a JSON value, walked without recursion so no input can overflow the stack. */
export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/**
 * Why a `tools/call` request is invalid, or undefined when it is fine. The SDK would answer a
 * wrong-typed call with a tool result marked isError; cco answers with the JSON-RPC error the
 * spec names for invalid params (-32602), before anything reaches the broker.
 */
export function invalidToolCall(params: unknown, tool: string, argumentsSchema: z.ZodType<{ input: unknown }>): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'params must be an object';
  const p = params as { name?: unknown; arguments?: unknown };
  if (typeof p.name !== 'string') return 'params.name must be a string';
  if (p.name !== tool) return `Tool ${p.name.slice(0, 100)} not found (cco has one tool: ${tool})`;
  const parsed = argumentsSchema.safeParse(p.arguments ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `Invalid arguments for ${tool}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'invalid'}`;
  }
  if (jsonDepthExceeds(parsed.data.input, MAX_INPUT_DEPTH)) return `Invalid arguments for ${tool}: input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
  return undefined;
}

type RawHandler = (request: { params?: unknown }, extra: unknown) => Promise<unknown>;

/** Put the invalid-params check in front of the SDK's own `tools/call` handler. */
export function guardToolCalls(server: McpServer, tool: string, argumentsSchema: z.ZodType<{ input: unknown }>): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, RawHandler> })._requestHandlers;
  const sdkHandler = handlers?.get('tools/call');
  if (!handlers || !sdkHandler) throw new Error('cco: the MCP SDK no longer exposes its tools/call handler; check the SDK version.');
  handlers.set('tools/call', (request, extra) => {
    const problem = invalidToolCall(request.params, tool, argumentsSchema);
    // A plain error with a code: McpError would put its "MCP error -32602:" prefix into the wire message.
    if (problem) return Promise.reject(Object.assign(new Error(problem), { code: ErrorCode.InvalidParams }));
    return sdkHandler(request, extra);
  });
}

