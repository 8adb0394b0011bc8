import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Decision } from '../core/types.js';

/**
 * The answer Claude Code accepts from a permission-prompt tool: exactly one text block holding
 * `{"behavior":"allow","updatedInput":…}` or `{"behavior":"deny","message":"…"}`.
 */
export function decisionPayload(d: Decision): Record<string, unknown> {
  if (d.behavior === 'allow') {
    const payload: Record<string, unknown> = { behavior: 'allow', updatedInput: d.updatedInput ?? {} };
    if (d.updatedPermissions?.length) payload.updatedPermissions = d.updatedPermissions;
    return payload;
  }
  const payload: Record<string, unknown> = { behavior: 'deny', message: d.message || 'Denied by cco.' };
  if (d.interrupt) payload.interrupt = true;
  return payload;
}

/**
 * The answer to Claude Code's PermissionRequest http hook. A call withdrawn before a decision
 * (answered at Claude's own prompt, on the MCP route, or its request closed) gets `{}`: no
 * decision, so nothing cco did not decide can be taken for an answer.
 */
export function hookAnswer(d: Decision): Record<string, unknown> {
  if (d.decidedBy === 'elsewhere' || d.decidedBy === 'cancelled') return {};
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: decisionPayload(d) } };
}

export function toCallToolResult(d: Decision): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(decisionPayload(d)) }] };
}
