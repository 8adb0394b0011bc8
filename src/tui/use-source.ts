import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ConsoleSource } from '../core/console-source.js';
import type { BrokerSnapshot } from '../core/types.js';

/** Tear-free reads of the broker (or a remote source) from React. */
export function useSnapshot(source: ConsoleSource): BrokerSnapshot {
  return useSyncExternalStore(
    (l) => source.subscribe(l),
    () => source.snapshot(),
  );
}

/** The current time, refreshed every `ms` (ages and countdowns). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}
