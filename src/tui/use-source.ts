import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { ConsoleSource } from '../core/console-source.js';
import type { BrokerSnapshot } from '../core/types.js';

/**
 * Wrap a subscribe function so listeners hear at most one change per `ms`: the first change after
 * a quiet spell at once (a lone call shows without delay), a burst as one redraw at the end of
 * each window. At 200 auto-decided calls a second this is what keeps the console cheap.
 */
export function throttleSubscribe(subscribe: (l: () => void) => () => void, ms: number, now: () => number = Date.now) {
  return (listener: () => void) => {
    let last = -Infinity;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const fire = () => {
      timer = undefined;
      last = now();
      listener();
    };
    const unsubscribe = subscribe(() => {
      if (timer) return;
      const wait = last + ms - now();
      if (wait <= 0) fire();
      else timer = setTimeout(fire, wait);
    });
    return () => {
      if (timer) clearTimeout(timer);
      unsubscribe();
    };
  };
}

/** Tear-free reads of the broker (or a remote source) from React, redrawn at most every `throttleMs`. */
export function useSnapshot(source: ConsoleSource, throttleMs = 100): BrokerSnapshot {
  const subscribe = useMemo(() => throttleSubscribe((l) => source.subscribe(l), throttleMs), [source, throttleMs]);
  return useSyncExternalStore(subscribe, () => source.snapshot());
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
