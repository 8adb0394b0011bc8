import { createContext, useContext } from 'react';

/**
 * Whether colour is on. Chalk (under Ink) honours FORCE_COLOR but not NO_COLOR, so the console
 * drops its colours itself when NO_COLOR is set; bold, dim and inverse stay (they are not colour).
 */
export const ColorContext = createContext(true);

/** A colour name, or nothing when colour is off. */
export function useColor(): (name: string) => string | undefined {
  const on = useContext(ColorContext);
  return (name) => (on ? name : undefined);
}

/** https://no-color.org: set and not empty turns colour off. */
export const colorFromEnv = (env: NodeJS.ProcessEnv): boolean => !env.NO_COLOR;
