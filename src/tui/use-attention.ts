import { useEffect, useRef } from 'react';
import type { PendingCall } from '../core/types.js';

export interface AttentionCallbacks {
  /** Called once for each call that arrives while the console is open. */
  onBell?: (() => void) | undefined;
  /** Called with the terminal title whenever the pending count changes. */
  onTitle?: ((title: string) => void) | undefined;
}

/**
 * Pending calls can't go unnoticed: a bell per new call and the count in the terminal title.
 * Calls already waiting when the console opens are on screen, so they do not ring.
 */
export function useAttention(pending: readonly PendingCall[], { onBell, onTitle }: AttentionCallbacks): void {
  const seen = useRef<Set<string> | undefined>(undefined);
  useEffect(() => {
    const ids = new Set(pending.map((p) => p.id));
    if (seen.current) for (const id of ids) if (!seen.current.has(id)) onBell?.();
    // Only ids still pending are kept: ids are never reused, so the set stays as small as the queue.
    seen.current = ids;
  }, [pending, onBell]);

  const count = pending.length;
  useEffect(() => {
    onTitle?.(count ? `cco (${count})` : 'cco');
  }, [count, onTitle]);
}
