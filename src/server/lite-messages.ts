import {
  InitializeRequestSchema,
  LATEST_PROTOCOL_VERSION,
  ListRootsResultSchema,
  SUPPORTED_PROTOCOL_VERSIONS,
  type ClientCapabilities,
  type Implementation,
  type InitializeResult,
} from '@modelcontextprotocol/sdk/types.js';

/**
 * The few JSON-RPC messages a session's handshake is made of, recognised narrowly so that a
 * session can be served without the SDK's per-session objects (sessions.ts). Each recogniser
 * accepts only the plain shape a client sends; anything else (an unknown key, a batch, odd
 * params) returns undefined and goes to the SDK, which answers it as it always did.
 */

export type Id = string | number;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown): v is Id => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v));
const onlyKeys = (o: Record<string, unknown>, keys: ReadonlySet<string>): boolean => {
  for (const k in o) if (!keys.has(k)) return false;
  return true;
};

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const NOTIFICATION_KEYS = new Set(['jsonrpc', 'method', 'params']);
const RESULT_KEYS = new Set(['jsonrpc', 'id', 'result']);
const ERROR_KEYS = new Set(['jsonrpc', 'id', 'error']);
const LIST_PARAM_KEYS = new Set(['cursor', '_meta']);

/** What the client said in `initialize`. */
export interface Hello {
  id: Id;
  protocolVersion: string;
  capabilities: ClientCapabilities;
  clientInfo: Implementation;
}

/** A plain `initialize` request, parsed by the SDK's own schema; else undefined. */
export function helloOf(m: unknown): Hello | undefined {
  if (!isObject(m) || m.jsonrpc !== '2.0' || m.method !== 'initialize' || !isId(m.id) || !onlyKeys(m, REQUEST_KEYS)) return undefined;
  const parsed = InitializeRequestSchema.safeParse({ method: m.method, params: m.params });
  if (!parsed.success) return undefined;
  const { protocolVersion, capabilities, clientInfo } = parsed.data.params;
  return { id: m.id, protocolVersion, capabilities, clientInfo };
}

/** The server's answer to `initialize`, as the SDK's `Server` builds it (version negotiated the same way). */
export function initializeResult(hello: Hello, version: string): InitializeResult {
  return {
    protocolVersion: SUPPORTED_PROTOCOL_VERSIONS.includes(hello.protocolVersion) ? hello.protocolVersion : LATEST_PROTOCOL_VERSION,
    // listChanged as the SDK's McpServer declared it, so the handshake is what it always was.
    capabilities: { tools: { listChanged: true } },
    serverInfo: { name: 'cco', version },
  };
}

/** The messages of a session after its initialize that cco can answer without the SDK. */
export type LiteMessage =
  | { kind: 'notification'; method: 'notifications/initialized' | 'notifications/roots/list_changed' }
  | { kind: 'request'; method: 'tools/list' | 'ping'; id: Id }
  | { kind: 'response'; id: Id; roots: ReadonlyArray<{ uri: string }> | undefined };

/** One message of a POST body, when it is one of the plain shapes above; else undefined. */
export function liteMessageOf(m: unknown): LiteMessage | undefined {
  if (!isObject(m) || m.jsonrpc !== '2.0') return undefined;
  if (m.method === undefined) return responseOf(m);
  if (m.params !== undefined && !isObject(m.params)) return undefined;
  if (m.id === undefined) {
    if (!onlyKeys(m, NOTIFICATION_KEYS)) return undefined;
    if (m.method === 'notifications/initialized' || m.method === 'notifications/roots/list_changed') return { kind: 'notification', method: m.method };
    return undefined;
  }
  if (!isId(m.id) || !onlyKeys(m, REQUEST_KEYS)) return undefined;
  if (m.method === 'ping' && (m.params === undefined || onlyKeys(m.params as Record<string, unknown>, META_KEY)))
    return { kind: 'request', method: 'ping', id: m.id };
  if (m.method === 'tools/list' && listParamsOk(m.params)) return { kind: 'request', method: 'tools/list', id: m.id };
  return undefined;
}

const META_KEY = new Set(['_meta']);

function listParamsOk(params: unknown): boolean {
  if (params === undefined) return true;
  const p = params as Record<string, unknown>;
  if (!onlyKeys(p, LIST_PARAM_KEYS)) return false;
  if (p.cursor !== undefined && typeof p.cursor !== 'string') return false;
  return p._meta === undefined || isObject(p._meta);
}

/** An answer to a request cco sent (roots/list): its roots when valid, undefined roots for an error or a misfit. */
function responseOf(m: Record<string, unknown>): LiteMessage | undefined {
  if (!isId(m.id)) return undefined;
  if ('result' in m) {
    if (!onlyKeys(m, RESULT_KEYS)) return undefined;
    const parsed = ListRootsResultSchema.safeParse(m.result);
    return { kind: 'response', id: m.id, roots: parsed.success ? parsed.data.roots : undefined };
  }
  if (!onlyKeys(m, ERROR_KEYS) || !isObject(m.error) || typeof m.error.code !== 'number' || typeof m.error.message !== 'string') return undefined;
  return { kind: 'response', id: m.id, roots: undefined };
}

/** `roots/list` as the SDK's Protocol frames a request it sends. */
export const rootsRequest = (id: number) => ({ method: 'roots/list', jsonrpc: '2.0', id });

/** A JSON-RPC result as the SDK's Protocol frames it. */
export const resultMessage = (id: Id, result: unknown) => ({ result, jsonrpc: '2.0', id });

/** The protocol version header of a request after initialize is absent or one the SDK supports. */
export const protocolHeaderOk = (value: string | undefined): boolean => value === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(value);
