import type { RuleAction } from './rules/types.js';
import type { BrokerSnapshot } from './types.js';

/** Facts about the running cco that the console's header shows beside the broker's counts. */
export interface ConsoleStatus {
  /**
   * MCP sessions with a stream open now (Claude Code keeps one open for as long as it runs), plus
   * the Claude Code sessions that asked through the hook route lately (see hookAgents).
   */
  agents: number;
  /** What a call no rule matches gets. */
  defaultAction: RuleAction;
  /** Enabled rules in force. */
  rules: number;
  /** `whenAway` is deny and nobody counts as present: a call that would wait is denied at once. */
  away?: boolean;
}

/** A small store of the console status, so the header redraws only when one of the facts changes. */
export class StatusBoard {
  private snap: ConsoleStatus;
  private readonly listeners = new Set<() => void>();

  constructor(initial: ConsoleStatus) {
    this.snap = initial;
  }

  set(next: Partial<ConsoleStatus>): void {
    const merged = { ...this.snap, ...next };
    const same =
      merged.agents === this.snap.agents &&
      merged.defaultAction === this.snap.defaultAction &&
      merged.rules === this.snap.rules &&
      merged.away === this.snap.away;
    if (same) return;
    this.snap = merged;
    for (const l of [...this.listeners]) l();
  }

  /** Bound, so React can hold it directly. */
  readonly snapshot = (): ConsoleStatus => this.snap;

  /** Bound, so React can hold it directly. */
  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

/** How long a Claude Code session that asked through a hook counts as an agent present. */
export const HOOK_AGENT_WINDOW_MS = 10 * 60_000;

const isHookRoute = (route: string | undefined) => route === 'claude-hook' || route === 'codex-hook';

/**
 * Claude Code and Codex sessions that reached cco through a hook route: waiting now, or decided within
 * `windowMs`. A hook opens no stream to count, so "present" is "asked lately".
 */
export function hookAgents(snapshot: BrokerSnapshot, now: number, windowMs = HOOK_AGENT_WINDOW_MS): number {
  const ids = new Set<string>();
  for (const p of snapshot.pending) if (isHookRoute(p.call.agent?.route) && p.call.agent?.conversationId) ids.add(p.call.agent.conversationId);
  // Newest first: stop at the first one older than the window.
  for (const d of snapshot.recent) {
    if (now - d.decision.at > windowMs) break;
    if (isHookRoute(d.call.agent?.route) && d.call.agent?.conversationId) ids.add(d.call.agent.conversationId);
  }
  return ids.size;
}
