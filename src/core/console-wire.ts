/**
 * The console stream (`GET /api/console/stream`): what a remote console (`cco watch --connect`)
 * reads to hold the same snapshot as the broker it watches. One schema per message, used by the
 * server to type what it sends and by the client to check what it reads: a message that does not
 * parse ends the stream (the console then reconnects), it never reaches the screen half-read.
 *
 * The messages, in order: `snapshot` once (the whole state), then `waiting` (a call began to
 * wait for a person), `decided` (a call was decided, by anyone, with this run's counts after it),
 * `status` (the header's facts or the server's alerts changed) and `ping` (nothing happened; the
 * connection is alive). Times are epoch milliseconds of the server's clock.
 */
import { z } from 'zod';
import type { BrokerCounts, DecidedCall, PendingCall } from './types.js';
import type { ConsoleStatus } from './console-status.js';

/** Bumped when a message changes shape; a console refuses a stream of another format. */
export const CONSOLE_WIRE_FORMAT = 1;

const text = z.string().max(1_000_000);
const time = z.number().finite();

const agent = z.looseObject({
  name: text.optional(),
  sessionId: text.optional(),
  client: z.looseObject({ name: text, version: text.optional() }).optional(),
  cwd: text.optional(),
  route: z.enum(['mcp', 'claude-hook', 'codex-hook']).optional(),
  conversationId: text.optional(),
  permissionMode: text.optional(),
});

/** Permission updates are checked again by the server when a console sends them back. */
const updates = z.array(z.looseObject({ type: z.string(), destination: z.string() })).max(64);

/**
 * A tool's input, kept as it was read (JSON.parse's own keys): a rebuilt copy would lose a key
 * named `__proto__` (set as the copy's prototype), and the console must show every key it has.
 */
const input = z.custom<Record<string, unknown>>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'an object');

const toolCall = z.looseObject({
  toolName: text,
  input,
  toolUseId: text.optional(),
  agent: agent.optional(),
  suggestions: updates.optional(),
});

const decision = z.looseObject({
  behavior: z.enum(['allow', 'deny']),
  message: text.optional(),
  updatedInput: input.optional(),
  edited: z.boolean().optional(),
  updatedPermissions: updates.optional(),
  interrupt: z.boolean().optional(),
  savedRule: text.optional(),
  person: text.optional(),
  decidedBy: text,
  at: time,
});

const pendingCall = z.looseObject({ id: text, call: toolCall, receivedAt: time, deadline: time });
const decidedCall = pendingCall.extend({ decision });

const counts = z.object({ allowed: z.number().int(), denied: z.number().int(), timedOut: z.number().int(), cancelled: z.number().int() });
const status = z.object({ agents: z.number().int(), defaultAction: z.enum(['allow', 'deny', 'ask']), rules: z.number().int(), away: z.boolean().optional() });
const alerts = z.array(z.object({ key: z.string().max(200), message: z.string().max(10_000) })).max(100);

export const CONSOLE_MESSAGES = {
  snapshot: z.object({
    format: z.literal(CONSOLE_WIRE_FORMAT),
    /** Changes at each start of the server: a console that sees a new one knows every id before it is gone. */
    instance: z.string().max(100),
    server: z.object({ version: z.string().max(100), mcpUrl: z.string().max(2000), homeDir: z.string().max(4096) }),
    pending: z.array(pendingCall),
    recent: z.array(decidedCall),
    counts,
    status,
    alerts,
  }),
  waiting: z.object({ call: pendingCall }),
  decided: z.object({ call: decidedCall, counts }),
  status: z.object({ status, alerts }),
  ping: z.object({}),
} as const;

export type ConsoleMessageName = keyof typeof CONSOLE_MESSAGES;

/** What the server sends, typed from the domain (the schemas above accept exactly these shapes). */
export interface ConsoleMessages {
  snapshot: {
    format: typeof CONSOLE_WIRE_FORMAT;
    instance: string;
    server: { version: string; mcpUrl: string; homeDir: string };
    pending: readonly PendingCall[];
    recent: readonly DecidedCall[];
    counts: BrokerCounts;
    status: ConsoleStatus;
    alerts: ReadonlyArray<{ key: string; message: string }>;
  };
  waiting: { call: PendingCall };
  decided: { call: DecidedCall; counts: BrokerCounts };
  status: { status: ConsoleStatus; alerts: ReadonlyArray<{ key: string; message: string }> };
  ping: Record<string, never>;
}

export type ConsoleMessage = { [K in ConsoleMessageName]: { event: K; data: ConsoleMessages[K] } }[ConsoleMessageName];

/** Read one message of the stream: the typed message, or why it is not one (the stream is then dropped). */
export function parseConsoleMessage(event: string, data: unknown): { ok: true; message: ConsoleMessage } | { ok: false; why: string } {
  if (!Object.hasOwn(CONSOLE_MESSAGES, event)) return { ok: false, why: `unknown message "${event.slice(0, 40)}"` };
  if (event === 'snapshot' && typeof data === 'object' && data !== null && (data as { format?: unknown }).format !== CONSOLE_WIRE_FORMAT) {
    return {
      ok: false,
      why: `a console stream of another format (${JSON.stringify((data as { format?: unknown }).format ?? null).slice(0, 20)}; this cco reads ${CONSOLE_WIRE_FORMAT}): run the same version of cco on both ends`,
    };
  }
  const schema = CONSOLE_MESSAGES[event as ConsoleMessageName];
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, why: `a "${event}" message that does not parse (${issue?.message ?? 'invalid'} at ${issue?.path.join('.') || 'the top'})` };
  }
  return { ok: true, message: { event, data: parsed.data } as ConsoleMessage };
}
