/**
 * Codex CLI's PermissionRequest hook, as forwarded by `cco hook codex`:
 * `POST /hooks/codex/permission-request[/<agent>]`. Codex runs command hooks only, so the body is
 * exactly what Codex wrote to the hook's stdin (codex-rs/hooks, PermissionRequestCommandInput):
 * `{session_id, turn_id, transcript_path, cwd, hook_event_name, model, permission_mode,
 * tool_name, tool_input}`. The call goes through the same broker, rules, console and audit log as
 * every other route, with the route `codex-hook`.
 *
 * Tool names stay as Codex sends them. Codex's `Bash` carries `{command, description?}`, the
 * same shape as Claude Code's Bash, so the same `Bash(...)` rules and the same shell parser judge
 * it; `cwd` is the directory the command runs in (Codex sends the command's workdir there), so
 * relative paths and project scopes resolve where the command really runs. `description` is the
 * model's own justification: shown (escaped), never trusted.
 *
 * The answer is Codex's hook output, `{"hookSpecificOutput":{"hookEventName":"PermissionRequest",
 * "decision":{"behavior":"allow"}}}` or `…{"behavior":"deny","message":"…"}}}`. Codex fails a
 * hook that returns `updatedInput`, `updatedPermissions` or `interrupt: true` (output_parser.rs),
 * so none is ever sent: an allow with an edited input becomes a denial that says why.
 */
import { z } from 'zod';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, ToolCall } from '../core/types.js';
import { readJsonBody } from './body.js';
import { MAX_INPUT_DEPTH, jsonDepthExceeds } from './approval-call.js';

export const CODEX_PERMISSION_REQUEST_PATH = '/hooks/codex/permission-request';

const text = (max: number) => z.string().max(max);

/** What Codex 0.171 writes to a PermissionRequest hook's stdin; unknown extra fields are kept (newer Codex). */
const codexPermissionRequest = z.looseObject({
  session_id: text(256).min(1),
  turn_id: text(256).optional(),
  transcript_path: text(4096).nullable().optional(),
  cwd: text(4096).min(1),
  hook_event_name: z.literal('PermissionRequest'),
  model: text(256).optional(),
  permission_mode: text(64).optional(),
  agent_id: text(256).optional(),
  agent_type: text(256).optional(),
  tool_name: text(256).min(1),
  tool_input: z.record(z.string(), z.unknown()),
});
type CodexRequest = z.infer<typeof codexPermissionRequest>;

/** Codex's tools whose input is a shell command string, judged by the Bash rules and parser. */
const SHELL_TOOLS = new Set(['Bash']);

const fail = (status: 400 | 500, code: string, message: string) => Response.json({ error: { code, message } }, { status });

function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid body';
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** The agent a Codex call comes from: its name, Codex's session id, the command's cwd and the permission mode. */
function codexAgent(name: string | undefined, body: CodexRequest): AgentInfo {
  const agent: AgentInfo = { route: 'codex-hook', conversationId: body.session_id, cwd: body.cwd, client: { name: 'codex' } };
  if (name) agent.name = name;
  if (body.permission_mode) agent.permissionMode = body.permission_mode;
  return agent;
}

export const EDITED_INPUT_DENIED =
  'Denied by cco: Codex cannot run a changed command from a hook (it accepts only allow or deny), so the edited call was not allowed. Ask for the command you want instead.';

/** Codex's hook answer for a decision: allow, or deny with its message. Nothing else Codex would reject. */
export function codexHookAnswer(d: Decision): Record<string, unknown> {
  let decision: Record<string, unknown>;
  if (d.behavior === 'allow' && !d.edited) decision = { behavior: 'allow' };
  else if (d.behavior === 'allow') decision = { behavior: 'deny', message: EDITED_INPUT_DENIED };
  else decision = { behavior: 'deny', message: d.message || 'Denied by cco.' };
  return { hookSpecificOutput: { hookEventName: 'PermissionRequest', decision } };
}

/** Parse and check one Codex hook body; a 4xx with a JSON error for anything wrong. */
async function parseCodexBody(req: Request): Promise<{ ok: true; value: CodexRequest } | { ok: false; res: Response }> {
  const body = await readJsonBody(req);
  if (!body.ok) return { ok: false, res: fail(body.status as 400, body.status === 413 ? 'too_large' : 'bad_json', body.message) };
  const v = body.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, res: fail(400, 'bad_body', 'The body must be a JSON object (the hook input Codex writes to `cco hook codex`).') };
  const event = (v as { hook_event_name?: unknown }).hook_event_name;
  if (event !== 'PermissionRequest') {
    const got = typeof event === 'string' ? JSON.stringify(event.slice(0, 64)) : 'none';
    return {
      ok: false,
      res: fail(
        400,
        'unknown_event',
        `This endpoint serves Codex's PermissionRequest hook (got hook_event_name ${got}). Register \`cco hook codex\` for PermissionRequest only; \`cco setup --codex\` does.`,
      ),
    };
  }
  const parsed = codexPermissionRequest.safeParse(v);
  if (!parsed.success) return { ok: false, res: fail(400, 'bad_body', `Invalid Codex PermissionRequest hook input: ${issueText(parsed.error)}.`) };
  const input = parsed.data.tool_input;
  if (jsonDepthExceeds(input, MAX_INPUT_DEPTH))
    return { ok: false, res: fail(400, 'bad_body', `Invalid Codex PermissionRequest hook input: tool_input is nested deeper than ${MAX_INPUT_DEPTH} levels.`) };
  // A shell call the rules could not read is never decided by them: no command string, no call.
  if (SHELL_TOOLS.has(parsed.data.tool_name) && typeof input.command !== 'string') {
    return {
      ok: false,
      res: fail(
        400,
        'bad_body',
        `Invalid Codex PermissionRequest hook input: tool_input.command must be the shell command as one string for ${parsed.data.tool_name}.`,
      ),
    };
  }
  return { ok: true, value: parsed.data };
}

export interface CodexHookOptions {
  broker: Broker;
  onError?: (error: unknown) => void;
}

/** Handle one forwarded Codex PermissionRequest. Every answer that is not an allow by cco is a denial or an error status. */
export async function codexPermissionRequestHook(req: Request, agentName: string | undefined, opts: CodexHookOptions): Promise<Response> {
  const parsed = await parseCodexBody(req);
  if (!parsed.ok) return parsed.res;
  const body = parsed.value;
  const call: ToolCall = { toolName: body.tool_name, input: body.tool_input, agent: codexAgent(agentName, body) };
  try {
    const decision = await opts.broker.request(call, { signal: req.signal });
    return Response.json(codexHookAnswer(decision));
  } catch (error) {
    // The broker never rejects: a bug between. `cco hook codex` turns an error status into a denial.
    opts.onError?.(error);
    return fail(500, 'internal', 'cco hit an internal error while deciding this call; it is denied.');
  }
}
