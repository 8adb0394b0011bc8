import { formatDuration } from './duration.js';
import { agentLabel, oneLine, summarizeInput } from './summary.js';
import type { PendingCall } from './types.js';

/** What `cco status` shows: how many calls wait, and the one that has waited longest. */
export interface StatusView {
  pending: number;
  oldest?: {
    id: string;
    agent: string;
    tool: string;
    /** The call's one-line summary, bounded (agent text, not yet escaped). */
    summary: string;
    waitingMs: number;
  };
}

/** Longest summary a status carries: a status line has room for a few words. */
const SUMMARY_MAX = 80;

export function statusView(pending: readonly PendingCall[], now: number): StatusView {
  let oldest: PendingCall | undefined;
  for (const p of pending) if (!oldest || p.receivedAt < oldest.receivedAt) oldest = p;
  if (!oldest) return { pending: 0 };
  return {
    pending: pending.length,
    oldest: {
      id: oldest.id,
      agent: agentLabel(oldest.call.agent),
      tool: oldest.call.toolName,
      summary: summarizeInput(oldest.call, SUMMARY_MAX),
      waitingMs: Math.max(0, now - oldest.receivedAt),
    },
  };
}

/** Agent text for a status line: escaped (oneLine goes through escapeText), one line, cut to `max` characters. */
const safe = (text: string, max: number) => oneLine(text, max);

/**
 * One line for people (`plain`) or for a tmux status line (`tmux`: `⏳3 oldest 4m api Bash git
 * push`, empty when nothing waits, `#` doubled so agent text cannot inject tmux styles or
 * commands). Everything an agent sent is escaped.
 */
export function statusText(s: StatusView, mode: 'plain' | 'tmux'): string {
  const o = s.oldest;
  if (mode === 'tmux') {
    if (!o) return '';
    const text = `⏳${s.pending} oldest ${formatDuration(o.waitingMs)} ${safe(o.agent, 24)} ${safe(o.tool, 24)} ${safe(o.summary, 32)}`;
    return text.replace(/#/g, '##');
  }
  if (!o) return 'cco: nothing waiting';
  const calls = s.pending === 1 ? '1 call waits' : `${s.pending} calls wait`;
  return `cco: ${calls}; oldest ${formatDuration(o.waitingMs)}: ${safe(o.agent, 40)} ${safe(o.tool, 40)} ${safe(o.summary, SUMMARY_MAX)} (id ${safe(o.id, 20)})`;
}
