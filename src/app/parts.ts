/**
 * The runner of the composition root: the server is opened part by part (state, core, settings
 * watch, HTTP, output), each part handing back what it made and how to close it, and closed in
 * the reverse order by `close`. A part that fails to open closes the parts opened before it, so a
 * failed start leaves no server file, no open audit log and no listening port behind.
 */

/** What opening a part gives: its value, and how to undo it (told why cco stops). */
export interface Part<T> {
  readonly value: T;
  close?: (reason: string) => void | Promise<void>;
}

export interface Parts {
  /** Open one part after the ones already open; if it throws, close those and rethrow. */
  open<T>(name: string, opener: () => Part<T> | Promise<Part<T>>): Promise<T>;
  /**
   * Close every open part, the last opened first, each told `reason`. A part whose close throws is
   * reported and the others are still closed. Called again, it returns the first call's promise.
   */
  close(reason: string): Promise<void>;
}

/** A part with nothing to close. */
export const nothingToClose = <T>(value: T): Part<T> => ({ value });

/** Why the parts were closed when one of them failed to open. */
export const FAILED_START = 'cco could not finish starting before anyone decided this call, so it was denied. Retry when cco is running again.';

export function openParts(onError: (error: unknown) => void): Parts {
  const opened: ((reason: string) => void | Promise<void>)[] = [];
  let closing: Promise<void> | undefined;

  const close = (reason: string): Promise<void> => {
    closing ??= (async () => {
      for (const closePart of opened.splice(0).reverse()) {
        try {
          await closePart(reason);
        } catch (error) {
          onError(error);
        }
      }
    })();
    return closing;
  };

  const open = async <T>(name: string, opener: () => Part<T> | Promise<Part<T>>): Promise<T> => {
    if (closing) throw new Error(`cannot open ${name}: cco is stopping`);
    let part: Part<T>;
    try {
      part = await opener();
    } catch (error) {
      await close(FAILED_START);
      throw error;
    }
    if (part.close) opened.push(part.close);
    return part.value;
  };

  return { open, close };
}
