import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, ListRootsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision } from '../core/types.js';
import { toCallToolResult } from './wire.js';

export const APPROVAL_TOOL = 'approval_prompt';

export interface ApprovalToolOptions {
  broker: Broker;
  /** How often a waiting call sends `notifications/progress` (Claude's idle limit is 300 s). */
  progressIntervalMs: number;
  /**
   * Who is asking, read when a call arrives (the client's name is known only after initialize).
   * `viaCall` asks the client for its roots on this call's own stream.
   */
  agent: (viaCall: () => Promise<{ roots: Array<{ uri: string }> }>) => Promise<AgentInfo> | AgentInfo;
  /** Counts tool handlers still running, so shutdown can wait for their answers to go out. */
  track: <T>(work: Promise<T>) => Promise<T>;
  onError?: (error: unknown) => void;
}

/** The per-HTTP-request context the MCP route hands to handlers (through the SDK's authInfo). */
export interface RequestContext {
  /** Aborts when the HTTP request carrying this call is closed by the client. */
  signal?: AbortSignal;
}

/** How deep a tool input may nest; real tool inputs are a few levels deep. */
export const MAX_INPUT_DEPTH = 64;

const inputSchema = {
  tool_name: z.string().min(1).describe('The tool Claude Code wants to run, e.g. Bash, Edit, mcp__github__create_issue.'),
  input: z.record(z.string(), z.unknown()).describe("The tool's input, as the tool would receive it."),
  tool_use_id: z.string().optional().describe("Claude Code's id for this tool use."),
};

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

const argumentsSchema = z.object(inputSchema);

/**
 * Why a `tools/call` request is invalid, or undefined when it is fine. The SDK would answer a
 * wrong-typed call with a tool result marked isError; cco answers with the JSON-RPC error the
 * spec names for invalid params (-32602), before anything reaches the broker.
 */
export function invalidToolCall(params: unknown): string | undefined {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return 'params must be an object';
  const p = params as { name?: unknown; arguments?: unknown };
  if (typeof p.name !== 'string') return 'params.name must be a string';
  if (p.name !== APPROVAL_TOOL) return `Tool ${p.name.slice(0, 100)} not found (cco has one tool: ${APPROVAL_TOOL})`;
  const parsed = argumentsSchema.safeParse(p.arguments ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return `Invalid arguments for ${APPROVAL_TOOL}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'invalid'}`;
  }
  if (jsonDepthExceeds(parsed.data.input, MAX_INPUT_DEPTH)) return `Invalid arguments for ${APPROVAL_TOOL}: input is nested deeper than ${MAX_INPUT_DEPTH} levels`;
  return undefined;
}

type RawHandler = (request: { params?: unknown }, extra: unknown) => Promise<unknown>;

/** Put the invalid-params check in front of the SDK's own `tools/call` handler. */
function guardToolCalls(server: McpServer): void {
  const handlers = (server.server as unknown as { _requestHandlers?: Map<string, RawHandler> })._requestHandlers;
  const sdkHandler = handlers?.get('tools/call');
  if (!handlers || !sdkHandler) throw new Error('cco: the MCP SDK no longer exposes its tools/call handler; check the SDK version.');
  handlers.set('tools/call', (request, extra) => {
    const problem = invalidToolCall(request.params);
    // A plain error with a code: McpError would put its "MCP error -32602:" prefix into the wire message.
    if (problem) return Promise.reject(Object.assign(new Error(problem), { code: ErrorCode.InvalidParams }));
    return sdkHandler(request, extra);
  });
}

export function registerApprovalTool(server: McpServer, opts: ApprovalToolOptions): void {
  server.registerTool(
    APPROVAL_TOOL,
    {
      title: 'cco approval prompt',
      description:
        'Asks cco whether a tool call may run. cco decides by its rules or waits for a person at the cco console. ' +
        'Answers {"behavior":"allow","updatedInput":…} or {"behavior":"deny","message":…}.',
      inputSchema,
    },
    async (args, extra) => {
      const ctx = (extra.authInfo?.extra ?? {}) as RequestContext;
      const signals = [extra.signal, ctx.signal].filter((s): s is AbortSignal => s !== undefined);
      const signal = signals.length === 1 ? signals[0] : AbortSignal.any(signals);
      const progressToken = extra._meta?.progressToken;
      let progress = 0;
      const timer =
        progressToken === undefined
          ? undefined
          : setInterval(() => {
              progress++;
              extra
                .sendNotification({
                  method: 'notifications/progress',
                  params: { progressToken, progress, message: 'Waiting for a decision in cco' },
                })
                .catch(() => {
                  // The stream is gone; the abort signal takes the call off the queue.
                });
            }, opts.progressIntervalMs);
      const work = (async (): Promise<Decision> => {
        try {
          const viaCall = () => extra.sendRequest({ method: 'roots/list' }, ListRootsResultSchema, { timeout: 10_000 });
          // Who is asking must never stop the call from reaching the broker (and the audit log).
          const agent = await Promise.resolve().then(() => opts.agent(viaCall)).catch((error: unknown) => {
            opts.onError?.(error);
            return {};
          });
          const call = { toolName: args.tool_name, input: args.input, agent } as const;
          return await opts.broker.request(args.tool_use_id ? { ...call, toolUseId: args.tool_use_id } : call, { signal });
        } finally {
          if (timer) clearInterval(timer);
        }
      })();
      try {
        return toCallToolResult(await opts.track(work));
      } catch (error) {
        // The broker never rejects; this is a bug somewhere between. Fail closed, loudly.
        opts.onError?.(error);
        return toCallToolResult({
          behavior: 'deny',
          message: 'cco hit an internal error while deciding this call, so it was denied to be safe.',
          decidedBy: 'error',
          at: Date.now(),
        });
      }
    },
  );
  guardToolCalls(server);
}
