import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ListRootsResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, ToolCall } from '../core/types.js';
import { guardToolCalls } from './call-guard.js';
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
  /** Told about each call before it goes to the broker (pairs it with the same question on the hook route). */
  onCall?: (call: ToolCall) => void;
  onError?: (error: unknown) => void;
}

/** The per-HTTP-request context the MCP route hands to handlers (through the SDK's authInfo). */
export interface RequestContext {
  /** Aborts when the HTTP request carrying this call is closed by the client. */
  signal?: AbortSignal;
}

const inputSchema = {
  tool_name: z.string().min(1).describe('The tool Claude Code wants to run, e.g. Bash, Edit, mcp__github__create_issue.'),
  input: z.record(z.string(), z.unknown()).describe("The tool's input, as the tool would receive it."),
  tool_use_id: z.string().optional().describe("Claude Code's id for this tool use."),
};

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
          try {
            opts.onCall?.(call);
          } catch (error) {
            opts.onError?.(error);
          }
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
  guardToolCalls(server, APPROVAL_TOOL, z.object(inputSchema));
}
