/** How cco stops: the signals it listens for, what it tells the calls it denies, the line it prints. */
import { oneLine, summarizeInput } from '../core/summary.js';
import type { PendingCall } from '../core/types.js';

/** Resolves with the first of SIGINT, SIGTERM, SIGHUP. */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise<NodeJS.Signals>((resolve) => {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(sig, () => resolve(sig));
  });
}

/** What a call still waiting is told when a signal stops cco. */
export const signalMessage = (sig: string) => `cco stopped (${sig}) before anyone decided this call, so it was denied. Retry when cco is running again.`;

/** What a call still waiting is told when cco stops for another reason (its output failed). */
export const STOPPED_MESSAGE = 'cco stopped before anyone decided this call, so it was denied. Retry when cco is running again.';

/** What a call still waiting is told when the person quits the console. */
export const QUIT_MESSAGE = 'The cco console was closed before anyone decided this call, so it was denied. Retry when cco is running again.';

/** The one line printed when cco stops: what it denied on the way out. */
export function stoppedLine(waiting: readonly PendingCall[]): string {
  if (waiting.length === 0) return 'cco stopped; no call was waiting.';
  const shown = waiting.slice(0, 3).map((p) => `${p.id} ${oneLine(p.call.toolName, 40)} ${oneLine(summarizeInput(p.call, 60), 60)}`);
  const more = waiting.length > shown.length ? `, and ${waiting.length - shown.length} more` : '';
  return `cco stopped; denied ${waiting.length} waiting ${waiting.length === 1 ? 'call' : 'calls'}: ${shown.join(', ')}${more}.`;
}
