import { z } from 'zod';

/** The one tool cco offers over MCP. */
export const APPROVAL_TOOL = 'approval_prompt';

/** How deep a tool input may nest; real tool inputs are a few levels deep. */
export const MAX_INPUT_DEPTH = 64;

/**
 * The arguments of an approval call: the one schema. `tools/list` shows it (as JSON Schema), the
 * SDK route and the fast path both parse with it through `parseApprovalCall`.
 */
export const approvalArguments = z.object({
  tool_name: z.string().min(1).describe('The tool Claude Code wants to run, e.g. Bash, Edit, mcp__github__create_issue.'),
  input: z.record(z.string(), z.unknown()).describe("The tool's input, as the tool would receive it."),
  tool_use_id: z.string().optional().describe("Claude Code's id for this tool use."),
});

/** What an approval call asks, once parsed. */
export interface ApprovalCall {
  toolName: string;
  input: Record<string, unknown>;
  toolUseId?: string;
}

export type ParsedApprovalCall = { ok: true; call: ApprovalCall } | { ok: false; problem: string };

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
 * The one parser for the params of a `tools/call` of approval_prompt: the call it asks, or why it
 * is invalid (answered as JSON-RPC invalid params, -32602, before anything reaches the broker).
 */
export function parseApprovalCall(params: unknown): ParsedApprovalCall {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return { ok: false, problem: 'params must be an object' };
  const p = params as { name?: unknown; arguments?: unknown };
  if (typeof p.name !== 'string') return { ok: false, problem: 'params.name must be a string' };
  if (p.name !== APPROVAL_TOOL) return { ok: false, problem: `Tool ${p.name.slice(0, 100)} not found (cco has one tool: ${APPROVAL_TOOL})` };
  const parsed = approvalArguments.safeParse(p.arguments ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, problem: `Invalid arguments for ${APPROVAL_TOOL}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'invalid'}` };
  }
  const { tool_name: toolName, input, tool_use_id: toolUseId } = parsed.data;
  if (jsonDepthExceeds(input, MAX_INPUT_DEPTH))
    return { ok: false, problem: `Invalid arguments for ${APPROVAL_TOOL}: input is nested deeper than ${MAX_INPUT_DEPTH} levels` };
  return { ok: true, call: toolUseId === undefined ? { toolName, input } : { toolName, input, toolUseId } };
}
