import { useRef } from 'react';
import type { Decision } from '../core/types.js';

/**
 * Decision keys do nothing for `ms` after `key` (the call under the cursor, or none) changed,
 * so a keystroke meant for something else can't decide a call that just appeared. Returns a
 * check that says so through `refuse` and reports whether the key must be ignored.
 */
export function useDecisionGuard(key: string | undefined, clock: () => number, ms: number, refuse: (text: string) => void) {
  const shown = useRef<{ key: string | undefined; at: number }>({ key: undefined, at: 0 });
  if (shown.current.key !== key) shown.current = { key, at: clock() };
  return (id: string): boolean => {
    if (clock() - shown.current.at >= ms) return false;
    refuse(`The selection just changed to ${id}: check it, then press again.`);
    return true;
  };
}

/** The footer's line after a decision the console sent (`how`: " with your edit"). */
export function decisionNotice(id: string, d: Decision, how = ''): string {
  if (d.behavior === 'allow') return `Allowed ${id}${how}.`;
  if (d.decidedBy === 'user') return `Denied ${id}.`;
  return `Denied ${id} by ${d.decidedBy}${d.message ? `: ${d.message}` : '.'}`;
}
