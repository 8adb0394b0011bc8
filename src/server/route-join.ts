/**
 * One question, one answer, when Claude Code asks on two routes at once. In a `-p` run with both
 * the MCP prompt tool and the PermissionRequest hook, Claude sends the same question to both and
 * takes the first allow/deny. cco lets the MCP route answer it (an MCP result is always a
 * decision; a hook can say nothing with `{}`), so the console shows one waiting call and the
 * audit log one decision:
 * - a hook question whose twin MCP call arrived in the last few seconds answers `{}` at once;
 * - with `cco run --via both` (the hook URL says `?via=both`) a hook question waits a moment for
 *   its MCP twin before it goes to the queue;
 * - an MCP call whose twin hook question is already waiting takes it off the queue (recorded as
 *   answered elsewhere, its hook request answered `{}`).
 * Twins are the same tool with a deep-equal input. A `{}` is never an allow, so a wrong pairing
 * (two agents asking the very same thing within the window on different routes) can only send a
 * question back to Claude's own prompt, never cross an answer.
 */
import type { Broker } from '../core/broker.js';
import type { ToolCall } from '../core/types.js';

/** A JSON value with its object keys sorted, so deep-equal inputs give the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

const keyOf = (toolName: string, input: unknown) => `${toolName}\u0000${canonicalJson(input)}`;

export interface RouteJoinOptions {
  /** How long an MCP call and a hook question count as twins (default 5 s). */
  windowMs?: number;
  /** How long a `--via both` hook question waits for its MCP twin (default 1.5 s). */
  waitMs?: number;
  now?: () => number;
}

export const ON_MCP_ROUTE = 'Answered on the MCP route: Claude Code asked this on its hook and its permission prompt tool at once, and cco answers it there.';

export class RouteJoin {
  private recentMcp: Array<{ key: string; at: number }> = [];
  private readonly waiters = new Set<{ key: string; hit: () => void }>();
  private readonly windowMs: number;
  private readonly waitMs: number;
  private readonly now: () => number;

  constructor(
    private readonly broker: Broker,
    opts: RouteJoinOptions = {},
  ) {
    this.windowMs = opts.windowMs ?? 5000;
    this.waitMs = opts.waitMs ?? 1500;
    this.now = opts.now ?? Date.now;
  }

  /** An MCP `approval_prompt` call arrived (before it goes to the broker). */
  mcpCall(call: ToolCall): void {
    const key = keyOf(call.toolName, call.input);
    const now = this.now();
    this.prune(now);
    for (const w of this.waiters) {
      if (w.key !== key) continue;
      this.waiters.delete(w);
      w.hit();
      return;
    }
    const twin = this.broker
      .snapshot()
      .pending.find((p) => p.call.agent?.route === 'claude-hook' && now - p.receivedAt <= this.windowMs && keyOf(p.call.toolName, p.call.input) === key);
    if (twin) {
      this.broker.withdraw(twin.id, ON_MCP_ROUTE);
      return;
    }
    this.recentMcp.push({ key, at: now });
  }

  /**
   * Whether a hook question should say nothing because its MCP twin answers it: the twin came in
   * the last few seconds, or (`wait`) comes within a moment. Each MCP call pairs with one question.
   */
  hookDefers(call: ToolCall, wait: boolean, signal?: AbortSignal): Promise<boolean> {
    const key = keyOf(call.toolName, call.input);
    this.prune(this.now());
    const i = this.recentMcp.findIndex((m) => m.key === key);
    if (i !== -1) {
      this.recentMcp.splice(i, 1);
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
      const waiter = { key, hit: () => done(true) };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(false), this.waitMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The oldest hook question still waiting from this Claude session for this very call. */
  waitingHookCall(conversationId: string, toolName: string, input: unknown): string | undefined {
    const key = keyOf(toolName, input);
    return this.broker
      .snapshot()
      .pending.find((p) => p.call.agent?.route === 'claude-hook' && p.call.agent.conversationId === conversationId && keyOf(p.call.toolName, p.call.input) === key)?.id;
  }

  private prune(now: number): void {
    if (this.recentMcp.length && now - this.recentMcp[0]!.at > this.windowMs) this.recentMcp = this.recentMcp.filter((m) => now - m.at <= this.windowMs);
    // Bounded: a flood of MCP calls without twins cannot grow it past this.
    if (this.recentMcp.length > 10_000) this.recentMcp.splice(0, this.recentMcp.length - 10_000);
  }
}
