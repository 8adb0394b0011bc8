import { Hono, type Context } from 'hono';
import type { Broker } from '../core/broker.js';
import { NotPendingError } from '../core/errors.js';
import { z } from 'zod';
import type { BrokerEvent, PendingCall, PermissionUpdate, Verdict } from '../core/types.js';
import { statusView } from '../core/status-line.js';
import { agentLabel, summarizeInput } from '../core/summary.js';
import { readJsonBody } from './body.js';
import { eventStream } from './event-stream.js';
import { refuseUnless, type ApiEnv } from './identity.js';

/** A pending call as the API shows it: the call plus the one-line summary the console shows. */
export function pendingView(p: PendingCall) {
  return {
    id: p.id,
    toolName: p.call.toolName,
    input: p.call.input,
    toolUseId: p.call.toolUseId,
    agent: p.call.agent ?? {},
    agentLabel: agentLabel(p.call.agent),
    summary: summarizeInput(p.call),
    receivedAt: new Date(p.receivedAt).toISOString(),
    deadline: new Date(p.deadline).toISOString(),
  };
}

const DESTINATION = z.enum(['session', 'cliArg', 'localSettings', 'projectSettings', 'userSettings']);
const TEXT = z.string().min(1).max(4096);

/** Claude Code's permission updates, as an allow verdict may carry them (at most 16). */
const PERMISSION_UPDATES = z
  .array(
    z.discriminatedUnion('type', [
      z
        .object({
          type: z.enum(['addRules', 'replaceRules', 'removeRules']),
          rules: z
            .array(z.object({ toolName: TEXT, ruleContent: TEXT.optional() }).strict())
            .min(1)
            .max(64),
          behavior: z.enum(['allow', 'deny', 'ask']),
          destination: DESTINATION,
        })
        .strict(),
      z.object({ type: z.literal('setMode'), mode: z.enum(['default', 'acceptEdits', 'plan', 'dontAsk']), destination: DESTINATION }).strict(),
      z.object({ type: z.enum(['addDirectories', 'removeDirectories']), directories: z.array(TEXT).min(1).max(64), destination: DESTINATION }).strict(),
    ]),
  )
  .max(16);

const fail = (status: 400 | 404 | 409 | 413, code: string, message: string) => Response.json({ error: { code, message } }, { status });

async function optionalBody(req: Request): Promise<{ ok: true; value: Record<string, unknown> } | { ok: false; res: Response }> {
  if (!req.body || req.headers.get('content-length') === '0') return { ok: true, value: {} };
  const body = await readJsonBody(req);
  if (!body.ok) return { ok: false, res: fail(body.status, body.status === 413 ? 'too_large' : 'bad_body', body.message) };
  if (body.value === null || body.value === undefined) return { ok: true, value: {} };
  if (typeof body.value !== 'object' || Array.isArray(body.value)) {
    return { ok: false, res: fail(400, 'bad_body', 'The request body must be a JSON object.') };
  }
  return { ok: true, value: body.value as Record<string, unknown> };
}

/** The decision API: for scripts, tests and a second terminal. Mounted behind bearer auth. */
/** An event as `/api/events` sends it. */
function eventView(e: BrokerEvent) {
  return e.type === 'request'
    ? { autoDecided: e.autoDecided, ...pendingView({ id: e.id, call: e.call, receivedAt: e.at, deadline: e.deadline }) }
    : {
        id: e.id,
        toolName: e.call.toolName,
        input: e.call.input,
        toolUseId: e.call.toolUseId,
        agent: e.call.agent ?? {},
        agentLabel: agentLabel(e.call.agent),
        decision: e.decision,
        waitMs: e.waitMs,
      };
}

export interface DecisionApiOptions {
  keepAliveMs?: number;
  /** How many bytes of events may wait for one slow `/api/events` reader before it is dropped. */
  maxBacklogBytes?: number;
}

/** Events a slow reader may fall behind by: thousands of calls, bounded even for 1 MiB inputs. */
export const MAX_EVENT_BACKLOG_BYTES = 8 * 1024 * 1024;

export function decisionApi(broker: Broker, { keepAliveMs = 15_000, maxBacklogBytes = MAX_EVENT_BACKLOG_BYTES }: DecisionApiOptions = {}): Hono<ApiEnv> {
  // Every route runs after apiAuth (identity.ts): c.get('identity') is who asks, with their token's limits.
  const api = new Hono<ApiEnv>();

  api.get('/pending', (c) => c.json({ pending: broker.snapshot().pending.map(pendingView) }));
  // Cheap enough to ask every few seconds (a status line): a count and the oldest call, bounded.
  api.get('/status', (c) => c.json(statusView(broker.snapshot().pending, Date.now())));

  const decide = (c: Context<ApiEnv>, id: string, behavior: 'allow' | 'deny') => decideCall(broker, c, id, behavior);

  api.post('/pending/:id/approve', (c) => decide(c, c.req.param('id'), 'allow'));
  api.post('/pending/:id/deny', (c) => decide(c, c.req.param('id'), 'deny'));

  api.get('/events', (c) =>
    eventStream(
      c,
      (push) => {
        const off = broker.onEvent((e) => push({ event: e.type, data: JSON.stringify(eventView(e)) }));
        return { first: { event: 'hello', data: JSON.stringify({ pending: broker.snapshot().pending.map(pendingView) }) }, close: off };
      },
      { keepAliveMs, maxBacklogBytes, stillValid: c.get('stillValid') },
    ),
  );

  return api;
}

/** `POST /api/pending/:id/approve|deny`: the caller's verdict on a waiting call, if their token may give it. */
async function decideCall(broker: Broker, c: Context<ApiEnv>, id: string, behavior: 'allow' | 'deny'): Promise<Response> {
  const refused = refuseUnless(c, behavior);
  if (refused) return refused;
  const body = await optionalBody(c.req.raw);
  if (!body.ok) return body.res;
  // The body may have taken its time: the token is asked again (revoked meanwhile: 401).
  const late = refuseUnless(c, behavior);
  if (late) return late;
  const verdict = behavior === 'allow' ? allowVerdict(c, body.value) : denyVerdict(body.value);
  if (verdict instanceof Response) return verdict;
  try {
    const decision = broker.decide(id, { ...verdict, person: c.get('identity').person });
    return Response.json({ id, decision });
  } catch (error) {
    if (error instanceof NotPendingError) {
      return fail(error.state === 'decided' ? 409 : 404, error.state === 'decided' ? 'already_decided' : 'not_found', error.message);
    }
    throw error;
  }
}

/** An approve's body as a verdict, or the 400/403 that says what is wrong with it. */
function allowVerdict(c: Context<ApiEnv>, value: Record<string, unknown>): Verdict | Response {
  const { updatedInput, updatedPermissions, confirmShared, savedRule } = value;
  if (savedRule !== undefined && (typeof savedRule !== 'string' || savedRule.length > 200)) {
    return fail(400, 'bad_body', '"savedRule" must be a short text: the rule saved with this allow (`r7 for 1h`).');
  }
  if (updatedInput !== undefined && (typeof updatedInput !== 'object' || updatedInput === null || Array.isArray(updatedInput))) {
    return fail(400, 'bad_body', '"updatedInput" must be a JSON object (the tool\'s whole input).');
  }
  let permissions: PermissionUpdate[] | undefined;
  if (updatedPermissions !== undefined) {
    const parsed = PERMISSION_UPDATES.safeParse(updatedPermissions);
    if (!parsed.success) {
      return fail(
        400,
        'bad_body',
        `"updatedPermissions" must be a list of Claude Code permission updates: ${parsed.error.issues[0]?.message ?? 'invalid'} at ${parsed.error.issues[0]?.path.join('.') || 'the top'}.`,
      );
    }
    const shared = parsed.data.find((u) => u.destination === 'projectSettings' || u.destination === 'userSettings');
    if (shared !== undefined && confirmShared !== true) {
      return fail(
        400,
        'bad_body',
        `"updatedPermissions" saves to ${shared.destination}, which is shared beyond this session; send "confirmShared": true to mean it.`,
      );
    }
    permissions = parsed.data as PermissionUpdate[];
    // Asking the agent to save a rule is an "always": a --no-always (or deny-only) token may not.
    const always = permissions.length ? refuseUnless(c, 'always') : undefined;
    if (always) return always;
  }
  // Saying a rule was saved with this allow is an "always" too: a token that may not save one may not claim it.
  const claimsRule = typeof savedRule === 'string' && savedRule !== '' ? refuseUnless(c, 'always') : undefined;
  if (claimsRule) return claimsRule;
  return {
    behavior: 'allow',
    ...(updatedInput ? { updatedInput: updatedInput as Record<string, unknown> } : {}),
    ...(permissions?.length ? { updatedPermissions: permissions } : {}),
    ...(typeof savedRule === 'string' && savedRule !== '' ? { savedRule } : {}),
  };
}

/** A deny's body as a verdict, or the 400 that says what is wrong with it. */
function denyVerdict(value: Record<string, unknown>): Verdict | Response {
  const { message, interrupt } = value;
  if (interrupt !== undefined && typeof interrupt !== 'boolean') return fail(400, 'bad_body', '"interrupt" must be true or false.');
  if (message !== undefined && typeof message !== 'string') return fail(400, 'bad_body', '"message" must be a string.');
  return { behavior: 'deny', ...(message !== undefined ? { message } : {}), ...(interrupt === true ? { interrupt } : {}) };
}
