import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, ToolCall } from '../core/types.js';
import { APPROVAL_TOOL } from './approval-tool.js';
import { jsonDepthExceeds, MAX_INPUT_DEPTH } from './call-guard.js';
import type { Session } from './sessions.js';
import { toCallToolResult } from './wire.js';

/**
 * The hot path: a `tools/call` of approval_prompt that a rule (or the default) decides at once.
 * Such a call needs nothing the SDK's per-request machinery gives (no progress, no cancellation,
 * no request back to the client), and that machinery costs most of a call's CPU time, so it is
 * answered here with what the SDK would send: an SSE stream holding one JSON-RPC result, with
 * the SDK's headers. This checks what the SDK checks (Accept, Content-Type, protocol version,
 * message shape, tool arguments) and hands everything else to the SDK unchanged by returning
 * undefined: a call that waits for a person, anything malformed, batches, task requests, and the
 * first calls of a session whose roots (working directory) are not known yet.
 */
export function answerAtOnce(
  session: Session,
  message: unknown,
  header: (name: string) => string | undefined,
  broker: Broker,
  onError?: (error: unknown) => void,
  onCall?: (call: ToolCall) => void,
): Response | undefined {
  if (session.id === undefined || !session.knowsAgent()) return undefined;
  const accept = header('accept');
  if (!accept?.includes('application/json') || !accept.includes('text/event-stream')) return undefined;
  const contentType = header('content-type')?.toLowerCase();
  if (contentType !== 'application/json' && contentType !== 'application/json; charset=utf-8') return undefined;
  const version = header('mcp-protocol-version');
  if (version !== undefined && !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return undefined;

  const request = approvalRequest(message);
  if (!request) return undefined;

  let agent: AgentInfo;
  try {
    agent = session.agent();
  } catch (error) {
    // Who is asking must never stop the call from reaching the broker (and the audit log).
    onError?.(error);
    agent = {};
  }
  const call: ToolCall = { toolName: request.toolName, input: request.input, agent };
  if (request.toolUseId) call.toolUseId = request.toolUseId;
  let decision: Decision | undefined;
  try {
    decision = broker.decideNow(call);
  } catch (error) {
    // The broker never throws; this is a bug somewhere between. Fail closed, loudly.
    onError?.(error);
    decision = {
      behavior: 'deny',
      message: 'cco hit an internal error while deciding this call, so it was denied to be safe.',
      decidedBy: 'error',
      at: Date.now(),
    };
  }
  if (!decision) return undefined;
  // A call that waits goes on to the SDK's handler, which tells onCall itself.
  try {
    onCall?.(call);
  } catch (error) {
    onError?.(error);
  }
  session.lastSeen = Date.now();
  const data = JSON.stringify({ result: toCallToolResult(decision), jsonrpc: '2.0', id: request.id });
  return new Response(`event: message\ndata: ${data}\n\n`, {
    status: 200,
    headers: {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      'mcp-session-id': session.id,
    },
  });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const JSONRPC_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);

/** A well-formed single tools/call of approval_prompt, as the SDK's schemas would accept it; else undefined. */
function approvalRequest(m: unknown) {
  if (!isObject(m) || m.jsonrpc !== '2.0' || m.method !== 'tools/call') return undefined;
  for (const k in m) if (!JSONRPC_KEYS.has(k)) return undefined;
  const id = m.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)))) return undefined;
  const params = m.params;
  if (!isObject(params) || params.name !== APPROVAL_TOOL) return undefined;
  for (const k in params) if (!PARAM_KEYS.has(k)) return undefined;
  if (params._meta !== undefined) {
    if (!isObject(params._meta)) return undefined;
    for (const k in params._meta) if (k !== 'progressToken' && k !== 'claudecode/toolUseId') return undefined;
    const token = params._meta.progressToken;
    if (token !== undefined && typeof token !== 'string' && typeof token !== 'number') return undefined;
  }
  const args = params.arguments;
  if (!isObject(args)) return undefined;
  const { tool_name: toolName, input, tool_use_id: toolUseId } = args;
  if (typeof toolName !== 'string' || toolName.length === 0 || !isObject(input)) return undefined;
  // Too deep: the guarded SDK path answers it with invalid params (-32602), as for any bad call.
  if (jsonDepthExceeds(input, MAX_INPUT_DEPTH)) return undefined;
  if (toolUseId !== undefined && typeof toolUseId !== 'string') return undefined;
  return { id, toolName, input, toolUseId };
}
