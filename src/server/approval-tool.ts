import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { ErrorCode, ListRootsResultSchema, ListToolsRequestSchema, McpError, type ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, ToolCall } from '../core/types.js';
import { APPROVAL_TOOL, approvalArguments, parseApprovalCall } from './approval-call.js';
import { toCallToolResult } from './wire.js';

export { APPROVAL_TOOL };

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
  /**
   * The abort signal of the HTTP request that carried the JSON-RPC request with this id (it aborts
   * when the client closes that request), taken once by the handler of that request.
   */
  takeHttpSignal?: (requestId: string | number) => AbortSignal | undefined;
  /** Told when the handler of the request with this id has its answer. */
  callEnded?: (requestId: string | number) => void;
  onError?: (error: unknown) => void;
}

/** cco's `tools/list` answer, the same for every session: computed once. */
export const TOOLS_LIST: ListToolsResult = {
  tools: [
    {
      name: APPROVAL_TOOL,
      title: 'cco approval prompt',
      description:
        'Asks cco whether a tool call may run. cco decides by its rules or waits for a person at the cco console. ' +
        'Answers {"behavior":"allow","updatedInput":…} or {"behavior":"deny","message":…}.',
      inputSchema: z.toJSONSchema(approvalArguments, { target: 'draft-07', io: 'input' }) as ListToolsResult['tools'][number]['inputSchema'],
      execution: { taskSupport: 'forbidden' },
    },
  ],
};

/** The answer when something between the route and the broker failed: a deny, never an allow. */
export const internalErrorDeny = (): Decision => ({
  behavior: 'deny',
  message: 'cco hit an internal error while deciding this call, so it was denied to be safe.',
  decidedBy: 'error',
  at: Date.now(),
});

/**
 * A `tools/call` as the handler receives it: its params are left whole for the one parser. (The
 * SDK's Server checks every tools/call against its own CallToolRequestSchema first and answers a
 * misfit with invalid params, -32602; with its schema here, a misfit would be parsed once more
 * and answered as an internal error.)
 */
const ToolsCall = z.looseObject({ method: z.literal('tools/call'), params: z.unknown().optional() });

/** `tools/list` and `tools/call` on a low-level SDK server: one tool, parsed by the one parser. */
export function registerApprovalTool(server: Server, opts: ApprovalToolOptions): void {
  server.setRequestHandler(ListToolsRequestSchema, () => TOOLS_LIST);
  server.setRequestHandler(ToolsCall, async (request, extra) => {
    const httpSignal = opts.takeHttpSignal?.(extra.requestId);
    const parsed = parseApprovalCall(request.params);
    if (!parsed.ok) {
      opts.callEnded?.(extra.requestId);
      throw new McpError(ErrorCode.InvalidParams, parsed.problem);
    }
    const signal = httpSignal ? AbortSignal.any([extra.signal, httpSignal]) : extra.signal;
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
        const agent = await Promise.resolve()
          .then(() => opts.agent(viaCall))
          .catch((error: unknown) => {
            opts.onError?.(error);
            return {};
          });
        const call: ToolCall = { ...parsed.call, agent };
        try {
          opts.onCall?.(call);
        } catch (error) {
          opts.onError?.(error);
        }
        return await opts.broker.request(call, { signal });
      } finally {
        if (timer) clearInterval(timer);
      }
    })();
    try {
      return toCallToolResult(await opts.track(work));
    } catch (error) {
      // The broker never rejects; this is a bug somewhere between. Fail closed, loudly.
      opts.onError?.(error);
      return toCallToolResult(internalErrorDeny());
    } finally {
      opts.callEnded?.(extra.requestId);
    }
  });
}
