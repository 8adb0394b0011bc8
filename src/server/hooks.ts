/**
 * Claude Code's http hooks: `POST /hooks/claude/permission-request` (a permission question, in
 * interactive sessions and in `-p` runs) and `POST /hooks/claude/post-tool-use` (PostToolUse and
 * PostToolUseFailure: the call ran, so a question still waiting for it here was answered at
 * Claude's own prompt). Bodies are validated with one schema each; anything wrong is a 4xx with a
 * JSON error body, which Claude treats as "no decision" (never an allow).
 */
import { z } from 'zod';
import type { Broker } from '../core/broker.js';
import type { AgentInfo, Decision, PermissionUpdate, ToolCall } from '../core/types.js';
import { readJsonBody } from './body.js';
import { MAX_INPUT_DEPTH, jsonDepthExceeds } from './approval-call.js';
import type { RouteJoin } from './route-join.js';
import { hookAnswer } from './wire.js';

export { PERMISSION_REQUEST_PATH, POST_TOOL_USE_PATH } from '../store/claude-settings.js';

const text = (max: number) => z.string().max(max);
const destination = z.enum(['session', 'cliArg', 'localSettings', 'projectSettings', 'userSettings']);

/** One entry of `permission_suggestions` (the shape of Claude Code's `updatedPermissions`). */
const permissionUpdate: z.ZodType<PermissionUpdate> = z.union([
  z.object({
    type: z.enum(['addRules', 'replaceRules', 'removeRules']),
    rules: z.array(z.object({ toolName: text(256).min(1), ruleContent: text(4096).optional() })).max(256),
    behavior: z.enum(['allow', 'deny', 'ask']),
    destination,
  }),
  // The modes the decision API accepts too: a suggestion to switch to bypassPermissions is never relayed.
  z.object({ type: z.literal('setMode'), mode: z.enum(['default', 'acceptEdits', 'plan', 'dontAsk']), destination }),
  z.object({ type: z.enum(['addDirectories', 'removeDirectories']), directories: z.array(text(4096).min(1)).max(256), destination }),
]) as z.ZodType<PermissionUpdate>;

/** The fields every hook event carries. */
const common = {
  session_id: text(256).min(1),
  transcript_path: text(4096).optional(),
  cwd: text(4096).min(1),
  permission_mode: text(64).optional(),
  agent_id: text(256).optional(),
  agent_type: text(256).optional(),
};
const toolFields = {
  tool_name: text(256).min(1),
  tool_input: z.record(z.string(), z.unknown()),
};

const permissionRequest = z.looseObject({
  ...common,
  hook_event_name: z.literal('PermissionRequest'),
  ...toolFields,
  permission_suggestions: z.array(z.unknown()).max(4096).optional(),
});

const postToolUse = z.looseObject({
  ...common,
  hook_event_name: z.enum(['PostToolUse', 'PostToolUseFailure']),
  ...toolFields,
  tool_use_id: text(256).optional(),
});

export type HookError = { status: 400 | 413; code: string; message: string };

const fail = (status: 400 | 401 | 413 | 500, code: string, message: string) => Response.json({ error: { code, message } }, { status });

/** What the schema's first complaint says, as one line naming the field. */
function issueText(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid body';
  return `${issue.path.join('.') || 'body'}: ${issue.message}`;
}

/** Parse a hook body: the event must be the one the path serves, the fields of the right types. */
async function parseBody<T>(req: Request, schema: z.ZodType<T>, events: readonly string[]): Promise<{ ok: true; value: T } | { ok: false; res: Response }> {
  const body = await readJsonBody(req);
  if (!body.ok) return { ok: false, res: fail(body.status, body.status === 413 ? 'too_large' : 'bad_json', body.message) };
  const v = body.value;
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    return { ok: false, res: fail(400, 'bad_body', 'The body must be a JSON object (the hook input Claude Code sends).') };
  const event = (v as { hook_event_name?: unknown }).hook_event_name;
  if (typeof event !== 'string' || !events.includes(event)) {
    const got = typeof event === 'string' ? JSON.stringify(event.slice(0, 64)) : 'none';
    return {
      ok: false,
      res: fail(
        400,
        'unknown_event',
        `This endpoint serves the hook event ${events.join(' and ')} (got ${got}). Register it for that event only; \`cco setup --hooks\` does.`,
      ),
    };
  }
  const parsed = schema.safeParse(v);
  if (!parsed.success) return { ok: false, res: fail(400, 'bad_body', `Invalid ${event} hook input: ${issueText(parsed.error)}.`) };
  const input = (v as { tool_input?: unknown }).tool_input;
  if (jsonDepthExceeds(input, MAX_INPUT_DEPTH))
    return { ok: false, res: fail(400, 'bad_body', `Invalid ${event} hook input: tool_input is nested deeper than ${MAX_INPUT_DEPTH} levels.`) };
  return { ok: true, value: parsed.data };
}

/** The suggestions that have Claude Code's shape; a malformed one is left out (Claude ignores those too). */
export function validSuggestions(list: readonly unknown[] | undefined): PermissionUpdate[] {
  const out: PermissionUpdate[] = [];
  for (const s of list ?? []) {
    const p = permissionUpdate.safeParse(s);
    if (p.success) out.push(p.data);
  }
  return out;
}

export interface HookRoutesOptions {
  broker: Broker;
  join: RouteJoin;
  /** Whether any MCP session is open: then a question may also come on the MCP route. */
  mcpOpen: () => boolean;
  onError?: (error: unknown) => void;
}

/** The agent a hook call comes from: its name (as /mcp takes one), Claude's session id, cwd and mode. */
function hookAgent(name: string | undefined, body: z.infer<typeof permissionRequest>): AgentInfo {
  const agent: AgentInfo = { route: 'claude-hook', conversationId: body.session_id, cwd: body.cwd, client: { name: 'claude-code' } };
  if (name) agent.name = name;
  if (body.permission_mode) agent.permissionMode = body.permission_mode;
  return agent;
}

/** Handle one PermissionRequest hook POST. `deferToMcp`: the run also has the MCP route (`cco run --via both`). */
export async function permissionRequestHook(req: Request, agentName: string | undefined, deferToMcp: boolean, opts: HookRoutesOptions): Promise<Response> {
  const parsed = await parseBody(req, permissionRequest, ['PermissionRequest']);
  if (!parsed.ok) return parsed.res;
  const body = parsed.value;
  const call: ToolCall = { toolName: body.tool_name, input: body.tool_input, agent: hookAgent(agentName, body) };
  const suggestions = validSuggestions(body.permission_suggestions);
  if (suggestions.length) call.suggestions = suggestions;
  try {
    // The same question on the MCP route: that route answers it, this one says nothing.
    const wait = deferToMcp ? 'long' : opts.mcpOpen() ? 'short' : false;
    if (await opts.join.hookDefers(call, wait, req.signal)) return Response.json({});
    const decision: Decision = await opts.broker.request(call, { signal: req.signal });
    return Response.json(hookAnswer(decision));
  } catch (error) {
    // The broker never rejects: a bug between. An error status is "no decision" to Claude, never an allow.
    opts.onError?.(error);
    return fail(500, 'internal', 'cco hit an internal error while deciding this call; Claude Code decides it without cco.');
  }
}

/** Handle one PostToolUse / PostToolUseFailure POST: the call ran, so its waiting question was answered at Claude's prompt. */
export async function postToolUseHook(req: Request, opts: HookRoutesOptions): Promise<Response> {
  const parsed = await parseBody(req, postToolUse, ['PostToolUse', 'PostToolUseFailure']);
  if (!parsed.ok) return parsed.res;
  const body = parsed.value;
  const id = opts.join.waitingHookCall(body.session_id, body.tool_name, body.tool_input);
  if (id !== undefined) opts.broker.withdraw(id);
  return Response.json({});
}
