import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, ToolCall } from '../core/types.js';
import { parseApprovalCall, type ApprovalCall } from './approval-call.js';
import { internalErrorDeny } from './approval-tool.js';
import { protocolHeaderOk } from './lite-messages.js';
import type { Session } from './sessions.js';

/**
 * The hot path: a `tools/call` of approval_prompt that a rule (or the default) decides at once.
 * Such a call needs nothing the SDK's per-request machinery gives (no progress, no cancellation,
 * no request back to the client), and that machinery costs most of a call's CPU time, so the lite
 * route (lite-session.ts) answers it with what the SDK would send (sdk-sse.ts): an SSE stream holding one JSON-RPC
 * result, with the SDK's headers. This checks what the SDK checks (Accept, Content-Type, protocol version,
 * message shape, tool arguments) and hands everything else to the SDK unchanged by returning
 * undefined: a call that waits for a person, anything malformed, batches, task requests. Here:
 * the checks and the decision, shared by the lite route's answers.
 */

/** The headers of a POST are what the SDK accepts for a request (Accept, Content-Type, protocol version). */
export function callHeadersOk(header: Header): boolean {
  return acceptsBoth(header) && jsonContent(header) && protocolHeaderOk(header('mcp-protocol-version'));
}

type Header = (name: string) => string | undefined;

/** Accept names both JSON and SSE, as the SDK requires of a POST. */
export function acceptsBoth(header: Header): boolean {
  const accept = header('accept');
  return accept !== undefined && accept.includes('application/json') && accept.includes('text/event-stream');
}

/** Content-Type is JSON (the two forms clients send; anything else goes to the SDK, which judges it). */
export function jsonContent(header: Header): boolean {
  const contentType = header('content-type')?.toLowerCase();
  return contentType === 'application/json' || contentType === 'application/json; charset=utf-8';
}

/**
 * The decision for a call if a rule (or the default) settles it now, else undefined (it waits for
 * a person and goes to the SDK's handler, which tells onCall itself).
 */
export function decideAtOnce(
  session: Session,
  request: ApprovalRequest,
  broker: Broker,
  onError?: (error: unknown) => void,
  onCall?: (call: ToolCall) => void,
): Decision | undefined {
  let agent: AgentInfo;
  try {
    agent = session.agent();
  } catch (error) {
    // Who is asking must never stop the call from reaching the broker (and the audit log).
    onError?.(error);
    agent = {};
  }
  const call = { ...request.call, agent };
  let decision: Decision | undefined;
  try {
    decision = broker.decideNow(call);
  } catch (error) {
    // The broker never throws; this is a bug somewhere between. Fail closed, loudly.
    onError?.(error);
    decision = internalErrorDeny();
  }
  if (!decision) return undefined;
  try {
    onCall?.(call);
  } catch (error) {
    onError?.(error);
  }
  session.lastSeen = Date.now();
  return decision;
}

export interface ApprovalRequest {
  id: string | number;
  call: ApprovalCall;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const JSONRPC_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const PARAM_KEYS = new Set(['name', 'arguments', '_meta']);

/**
 * A single plain tools/call of approval_prompt, parsed by the one parser; else undefined. The
 * envelope is checked narrowly (no task, no unknown key, an integer or string id, only the _meta
 * keys Claude Code sends): anything else, and any call the parser refuses, goes to the SDK route,
 * which answers it (the refusals as invalid params, from the same parser).
 */
export function approvalRequest(m: unknown): ApprovalRequest | undefined {
  if (!isObject(m) || m.jsonrpc !== '2.0' || m.method !== 'tools/call') return undefined;
  for (const k in m) if (!JSONRPC_KEYS.has(k)) return undefined;
  const id = m.id;
  if (!(typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)))) return undefined;
  const params = m.params;
  if (!isObject(params)) return undefined;
  for (const k in params) if (!PARAM_KEYS.has(k)) return undefined;
  if (params._meta !== undefined) {
    if (!isObject(params._meta)) return undefined;
    for (const k in params._meta) if (k !== 'progressToken' && k !== 'claudecode/toolUseId') return undefined;
    const token = params._meta.progressToken;
    if (token !== undefined && typeof token !== 'string' && typeof token !== 'number') return undefined;
  }
  const parsed = parseApprovalCall(params);
  return parsed.ok ? { id, call: parsed.call } : undefined;
}
