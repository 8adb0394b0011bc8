/**
 * One question, one answer, when Claude Code asks on two routes at once. In a `-p` run with both
 * the MCP prompt tool and the PermissionRequest hook, Claude sends the same question to both and
 * takes the first allow/deny. cco lets the MCP route answer it (an MCP result is always a
 * decision; a hook can say nothing with `{}`), so the console shows one waiting call and the
 * audit log one decision:
 * - a hook question whose twin MCP call arrived in the last few seconds answers `{}` at once;
 * - with `cco run --via both` (the hook URL says `?via=both`) a hook question waits up to 1.5 s for
 *   its MCP twin before it goes to the queue; any other waits up to 300 ms while an MCP session
 *   is open (Claude sends the two within milliseconds, in either order);
 * - an MCP call whose twin hook question is already waiting takes it off the queue (recorded as
 *   answered elsewhere, its hook request answered `{}`).
 * Twins are the same tool with a deep-equal input. A `{}` is never an allow, so a wrong pairing
 * (two agents asking the very same thing within the window on different routes) can only send a
 * question back to Claude's own prompt, never cross an answer.
 */
import { createHash } from 'node:crypto';
import type { Broker } from '../core/broker.js';
import type { ToolCall } from '../core/types.js';

/** A JSON value with its object keys sorted, so deep-equal inputs give the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * A question's identity: a digest of its tool and canonical input, so the calls remembered for
 * pairing cost 64 bytes each, not the size of their input (up to 1 MiB).
 */
const keyOf = (toolName: string, input: unknown) => createHash('sha256').update(toolName).update('\u0000').update(canonicalJson(input)).digest('hex');

export interface RouteJoinOptions {
  /** How long an MCP call and a hook question count as twins (default 5 s). */
  windowMs?: number;
  /** How long a `--via both` hook question waits for its MCP twin (default 1.5 s). */
  waitMs?: number;
  /** How long any hook question waits for a twin while an MCP session is open (default 300 ms). */
  shortWaitMs?: number;
  now?: () => number;
}

/** Most MCP calls remembered for pairing at once. */
const MAX_REMEMBERED = 10_000;

export const ON_MCP_ROUTE = 'Answered on the MCP route: Claude Code asked this on its hook and its permission prompt tool at once, and cco answers it there.';

export class RouteJoin {
  /** MCP calls of the last few seconds; `session` is the Claude session whose hook questions they answer, once one paired. */
  private readonly recentMcp = new Map<string, Array<{ at: number; session?: string | undefined }>>();
  /** The same calls in arrival order (from `head` on), for expiry in O(1) per call. */
  private order: Array<{ key: string; at: number }> = [];
  private head = 0;

  private readonly waiters = new Set<{ key: string; session: string | undefined; hit: () => void }>();
  private readonly windowMs: number;
  private readonly waitMs: number;
  private readonly shortWaitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly broker: Broker,
    opts: RouteJoinOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 5000;
    this.waitMs = opts.waitMs ?? 1500;
    this.shortWaitMs = opts.shortWaitMs ?? 300;
    this.now = opts.now ?? Date.now;
  }

  /** An MCP `approval_prompt` call arrived (before it goes to the broker). */
  mcpCall(call: ToolCall): void {
    const key = keyOf(call.toolName, call.input);
    const now = this.now();
    this.prune(now);
    // One Claude session may send the question to several hooks (settings and `cco run` both
    // registered one): every copy that waits, or already sits in the queue, says nothing.
    let session: string | undefined;
    for (const w of [...this.waiters]) {
      if (w.key !== key || (session !== undefined && w.session !== session)) continue;
      session ??= w.session;
      this.waiters.delete(w);
      w.hit();
    }
    for (const p of this.broker.snapshot().pending) {
      if (p.call.agent?.route !== 'claude-hook' || now - p.receivedAt > this.windowMs || keyOf(p.call.toolName, p.call.input) !== key) continue;
      if (session !== undefined && p.call.agent.conversationId !== session) continue;
      session ??= p.call.agent.conversationId;
      this.broker.withdraw(p.id, ON_MCP_ROUTE);
    }
    const same = this.recentMcp.get(key);
    if (same) same.push({ at: now, session });
    else this.recentMcp.set(key, [{ at: now, session }]);
    this.order.push({ key, at: now });
  }

  /**
   * Whether a hook question should say nothing because its MCP twin answers it: the twin came in
   * the last few seconds, or (`wait`) comes within a moment. An MCP call pairs with the questions
   * of one Claude session (the first that asks), however many of its hooks send it.
   */
  hookDefers(call: ToolCall, wait: 'long' | 'short' | false, signal?: AbortSignal): Promise<boolean> {
    const key = keyOf(call.toolName, call.input);
    const session = call.agent?.conversationId;
    this.prune(this.now());
    const twin = this.recentMcp.get(key)?.find((m) => m.session === undefined || m.session === session);
    if (twin) {
      twin.session = session;
      return Promise.resolve(true);
    }
    if (!wait || signal?.aborted) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const done = (paired: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', onAbort);
        resolve(paired);
      };
      const waiter = { key, session, hit: () => done(true) };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), wait === 'long' ? this.waitMs : this.shortWaitMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The oldest hook question still waiting from this Claude session for this very call. */
  waitingHookCall(conversationId: string, toolName: string, input: unknown): string | undefined {
    const key = keyOf(toolName, input);
    return this.broker
      .snapshot()
      .pending.find(
        (p) => p.call.agent?.route === 'claude-hook' && p.call.agent.conversationId === conversationId && keyOf(p.call.toolName, p.call.input) === key,
      )?.id;
  }

  /** Forget the calls older than the window, oldest first; bounded, so a flood of MCP calls without twins cannot grow it past MAX_REMEMBERED. */
  private prune(now: number): void {
    while (this.head < this.order.length) {
      const oldest = this.order[this.head]!;
      if (now - oldest.at <= this.windowMs && this.order.length - this.head <= MAX_REMEMBERED) break;
      this.head++;
      const same = this.recentMcp.get(oldest.key);
      same?.shift();
      if (same?.length === 0) this.recentMcp.delete(oldest.key);
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order = this.order.slice(this.head);
      this.head = 0;
    }
  }
}
