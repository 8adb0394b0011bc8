/**
 * What a remote console (`cco watch --connect`) needs beyond the decision API: the live console
 * stream (the whole snapshot, then every change), the past asks for the `A` chooser's replay line,
 * the file a waiting Write would replace (read here, on the machine the agent runs on), and "always
 * allow". Mounted at `/api/console`, behind the decision API's auth.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import type { AlertBoard } from '../core/alerts.js';
import type { Broker } from '../core/broker.js';
import type { LogEntry } from '../core/audit.js';
import type { StatusBoard } from '../core/console-status.js';
import { CONSOLE_WIRE_FORMAT, type ConsoleMessages } from '../core/console-wire.js';
import type { Grant } from '../core/grant.js';
import { compileRules } from '../core/rules/index.js';
import type { BrokerEvent, PendingCall } from '../core/types.js';
import { readJsonBody } from './body.js';
import { eventStream, type StreamEvent } from './event-stream.js';
import { refuseUnless, type ApiEnv } from './identity.js';
import type { DiskFile } from '../store/disk-file.js';

export interface ConsoleApiDeps {
  /** Changes at each start of the server. */
  instance: string;
  version: string;
  /** Where agents connect (known once the server listens). */
  mcpUrl: () => string;
  /** The home directory rules' `~/` means on this machine. */
  homeDir: string;
  status: Pick<StatusBoard, 'snapshot' | 'subscribe'>;
  alerts: Pick<AlertBoard, 'snapshot' | 'subscribe'>;
  pastAsks: (limit: number) => readonly LogEntry[] | Promise<readonly LogEntry[]>;
  readFile: (path: string) => Promise<DiskFile>;
  /** Each open console stream is a console attached; `POST /activity` is a key pressed in one. */
  presence?: { attach(opts?: { resumed?: boolean }): () => void; touch(): void };
  /** Save the grant's allow rule (and allow the other waiting calls it decides). */
  alwaysAllow: (grant: Grant, person?: string) => Promise<{ id: string; allowed: readonly string[] }>;
}

export interface ConsoleApiOptions {
  keepAliveMs: number;
  maxBacklogBytes: number;
}

/** How often an idle console stream sends a ping; a console that hears nothing for three of them reconnects. */
export const CONSOLE_KEEPALIVE_MS = 10_000;

/** The most past asks one request may read (the chooser reads REPLAY_LIMIT). */
const MAX_ASKS = 10_000;

const TEXT = z.string().min(1).max(4096);
const GRANT = z
  .object({
    pattern: TEXT,
    fields: z.object({ session: TEXT.optional(), agent: TEXT.optional(), cwd: TEXT.optional() }).strict(),
    forMs: z
      .number()
      .int()
      .positive()
      .max(10 * 365 * 86_400_000)
      .optional(),
    scope: z.string().max(200),
    callId: TEXT,
  })
  .strict();

const fail = (status: 400 | 404 | 413, code: string, message: string) => Response.json({ error: { code, message } }, { status });

const ping: StreamEvent = { event: 'ping', data: '{}' };
const message = <K extends keyof ConsoleMessages>(event: K, data: ConsoleMessages[K]): StreamEvent => ({ event, data: JSON.stringify(data) });

export function consoleApi(broker: Broker, deps: ConsoleApiDeps, opts: ConsoleApiOptions): Hono<ApiEnv> {
  const api = new Hono<ApiEnv>();
  // Everything here is seeing (any token may), except saving a rule (`A`), which its limits decide.
  api.use('*', async (c, next) => refuseUnless(c, 'read') ?? (await next()));

  // `?resumed=1`: a console reconnecting by itself (no person opened it: not a key press).
  api.get('/stream', (c) =>
    eventStream(c, (push) => openFeed(broker, deps, push, c.req.query('resumed') === '1'), { ...opts, ping, stillValid: c.get('stillValid') }),
  );

  // A key pressed in a remote console: someone is there (cco's presence, for `whenAway`).
  api.post('/activity', (c) => {
    deps.presence?.touch();
    return c.body(null, 204);
  });

  api.get('/asks', async (c) => {
    const limit = Number(c.req.query('limit') ?? '200');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ASKS) return fail(400, 'bad_query', `"limit" must be a whole number from 1 to ${MAX_ASKS}.`);
    return c.json({ entries: await deps.pastAsks(limit) });
  });

  // Only the file a waiting Write names: this is not a way to read any file on the machine.
  api.get('/disk', async (c) => {
    const path = c.req.query('path');
    const waiting = path !== undefined && broker.snapshot().pending.some((p) => p.call.toolName === 'Write' && p.call.input.file_path === path);
    if (!waiting) return fail(404, 'not_found', 'No waiting Write names this file.');
    return c.json({ file: await deps.readFile(path) });
  });

  api.post('/always', async (c) => {
    const refused = refuseUnless(c, 'always');
    if (refused) return refused;
    const body = await readJsonBody(c.req.raw);
    if (!body.ok) return fail(body.status === 413 ? 413 : 400, body.status === 413 ? 'too_large' : 'bad_body', body.message);
    const late = refuseUnless(c, 'always');
    if (late) return late;
    const parsed = GRANT.safeParse((body.value as { grant?: unknown } | null)?.grant);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return fail(400, 'bad_body', `"grant" must be a grant from the console: ${issue?.message ?? 'invalid'} at ${issue?.path.join('.') || 'the top'}.`);
    }
    const grant = stripUndefined(parsed.data);
    try {
      compileRules([{ id: 'grant', pattern: grant.pattern, action: 'allow', ...grant.fields }], { homeDir: deps.homeDir });
    } catch (error) {
      return fail(400, 'bad_rule', `The pattern is not a rule cco can save: ${error instanceof Error ? error.message : String(error)}`);
    }
    const saved = await deps.alwaysAllow(grant, c.get('identity').person);
    return c.json({ rule: saved.id, allowed: saved.allowed });
  });

  return api;
}

/** zod's optional fields may hold `undefined`; the grant's types say absent. */
function stripUndefined(g: z.infer<typeof GRANT>): Grant {
  const fields: Grant['fields'] = {};
  if (g.fields.session !== undefined) fields.session = g.fields.session;
  if (g.fields.agent !== undefined) fields.agent = g.fields.agent;
  if (g.fields.cwd !== undefined) fields.cwd = g.fields.cwd;
  return { pattern: g.pattern, fields, scope: g.scope, callId: g.callId, ...(g.forMs !== undefined ? { forMs: g.forMs } : {}) };
}

/**
 * The console stream's feed: the snapshot now, then each call that starts waiting, each decision
 * (with the counts after it) and each change of the header's facts or the alerts.
 */
function openFeed(broker: Broker, deps: ConsoleApiDeps, push: (e: StreamEvent) => void, resumed: boolean): { first: StreamEvent; close: () => void } {
  const snap = broker.snapshot();
  // When each undecided call arrived and its deadline: a decision event names only its wait.
  const times = new Map<string, Pick<PendingCall, 'receivedAt' | 'deadline'>>();
  for (const p of snap.pending) times.set(p.id, { receivedAt: p.receivedAt, deadline: p.deadline });
  const onEvent = (e: BrokerEvent) => {
    if (e.type === 'request') {
      times.set(e.id, { receivedAt: e.at, deadline: e.deadline });
      if (!e.autoDecided) push(message('waiting', { call: { id: e.id, call: e.call, receivedAt: e.at, deadline: e.deadline } }));
      return;
    }
    const t = times.get(e.id) ?? { receivedAt: e.decision.at - e.waitMs, deadline: e.decision.at };
    times.delete(e.id);
    push(message('decided', { call: { id: e.id, call: e.call, ...t, decision: e.decision }, counts: broker.counts() }));
  };
  const offEvents = broker.onEvent(onEvent);
  const detach = deps.presence?.attach({ resumed });
  const sendStatus = () => push(message('status', { status: deps.status.snapshot(), alerts: deps.alerts.snapshot() }));
  const offStatus = deps.status.subscribe(sendStatus);
  const offAlerts = deps.alerts.subscribe(sendStatus);
  const first = message('snapshot', {
    format: CONSOLE_WIRE_FORMAT,
    instance: deps.instance,
    server: { version: deps.version, mcpUrl: deps.mcpUrl(), homeDir: deps.homeDir },
    pending: snap.pending,
    recent: snap.recent,
    counts: snap.counts,
    status: deps.status.snapshot(),
    alerts: deps.alerts.snapshot(),
  });
  return {
    first,
    close: () => {
      offEvents();
      detach?.();
      offStatus();
      offAlerts();
    },
  };
}
