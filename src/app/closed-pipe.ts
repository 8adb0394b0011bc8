/**
 * A reader that goes away (`cco doctor | head -5`, `cco serve | head -1`) is not an error.
 * Without a listener, Node turns the EPIPE on the next write into an uncaught exception with a
 * stack trace, which for `cco serve` also left a stale server file behind.
 *
 * Once stdout or stderr has lost its reader, later writes to it are dropped (a destroyed stream
 * discards them), the command goes on and finishes its work (a bulk approval still decides every
 * call it showed), and `closed()` tells long-running output loops (`cco log --follow`) to end.
 * `cco serve` keeps serving: its output is a courtesy, the decisions go over HTTP.
 */
export interface ClosedPipes {
  /** True once stdout's reader went away. */
  closed(): boolean;
  /** Resolves when stdout's reader goes away. */
  readonly whenClosed: Promise<void>;
}

interface Stream {
  on(event: 'error', listener: (error: NodeJS.ErrnoException) => void): unknown;
}

export function watchClosedPipes(stdout: Stream = process.stdout, stderr: Stream = process.stderr): ClosedPipes {
  let isClosed = false;
  let resolve!: () => void;
  const whenClosed = new Promise<void>((r) => (resolve = r));
  const onError = (which: 'stdout' | 'stderr') => (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
    if (which === 'stdout' && !isClosed) {
      isClosed = true;
      resolve();
    }
  };
  stdout.on('error', onError('stdout'));
  stderr.on('error', onError('stderr'));
  return { closed: () => isClosed, whenClosed };
}

let installed: ClosedPipes | undefined;

/** The process-wide watcher, installed once by the CLI entry point. */
export function closedPipes(): ClosedPipes {
  installed ??= watchClosedPipes();
  return installed;
}
