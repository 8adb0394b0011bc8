import { homedir } from 'node:os';
import { render } from 'ink';
import type { AlertBoard } from '../core/alerts.js';
import type { Grant } from '../core/grant.js';
import type { ConsoleSource } from '../core/console-source.js';
import type { StatusBoard } from '../core/console-status.js';
import { App } from './App.js';
import { readDiskFile } from './disk-file.js';
import { editInput } from './editor.js';
import { colorFromEnv } from './theme.js';

export interface RunConsoleOptions {
  source: ConsoleSource;
  alerts?: AlertBoard;
  status?: StatusBoard;
  info: { url: string; version: string };
  /** Saves an allow rule for `A` (always allow); without it the key only says it is not available. */
  onAlwaysAllow?: (grant: Grant) => void | { id: string } | Promise<void | { id: string }>;
  /** Whether a new call rings the terminal bell (read at each call, so a config change applies at once). */
  bell?: () => boolean;
  /** Resolves when the process is told to stop (SIGINT, SIGTERM…). */
  stopSignal: Promise<NodeJS.Signals>;
  /** Called whenever Ink reads a key press (the notices wait while the person types). */
  onKey?: () => void;
}

const ALT_SCREEN_ON = '\u001B[?1049h\u001B[H';
const ALT_SCREEN_OFF = '\u001B[?1049l';
const CLEAR = '\u001B[2J\u001B[H';

/**
 * process.stdout for Ink, with a tap that can be closed: while the user's editor owns the
 * terminal, frames Ink draws (a call arriving, a countdown) must not land on the editor's screen.
 */
function gatedStdout(): { stream: NodeJS.WriteStream; pause(): void; resume(): void } {
  let paused = false;
  const out = process.stdout;
  const write = (...args: Parameters<typeof out.write>) => {
    if (!paused) return out.write(...(args as [string]));
    const cb = args.find((a) => typeof a === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  };
  const stream = new Proxy(out, {
    get(target, prop, receiver) {
      if (prop === 'write') return write;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
  return { stream, pause: () => (paused = true), resume: () => (paused = false) };
}

/** process.stdin for Ink, calling `onKey` each time Ink reads input from it. */
function tappedStdin(onKey: () => void): NodeJS.ReadStream {
  const input = process.stdin;
  const read = (size?: number) => {
    const chunk = input.read(size) as unknown;
    if (chunk !== null) onKey();
    return chunk;
  };
  return new Proxy(input, {
    get(target, prop, receiver) {
      if (prop === 'read') return read;
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * Node keeps reading a TTY after its last listener is gone (until its buffer fills), so keys
 * typed into the editor could be swallowed by cco. Stop the read outright while the editor runs;
 * the returned function starts it again (the stream still waits for that read to complete).
 */
function pauseStdinReads(): () => void {
  const handle = (process.stdin as unknown as { _handle?: { reading?: boolean; readStop?: () => number; readStart?: () => number } })._handle;
  if (!handle?.reading || !handle.readStop || !handle.readStart) return () => {};
  handle.reading = false;
  handle.readStop();
  return () => {
    handle.reading = true;
    handle.readStart?.();
  };
}

/** Mount the console on the terminal; resolves with why it ended. */
export async function runConsole(opts: RunConsoleOptions): Promise<'quit' | NodeJS.Signals> {
  let reason: 'quit' | NodeJS.Signals | undefined;
  const out = gatedStdout();
  process.stdout.write(ALT_SCREEN_ON);
  const setTitle = (t: string) => out.stream.write(`\u001B]0;${t}\u0007`);
  setTitle('cco');
  // The bell and the title are zero-width, so writing them beside Ink does not disturb its frame.
  const bell = () => {
    if (opts.bell?.() ?? true) out.stream.write('\u0007');
  };
  const onEdit = async (input: Record<string, unknown>) => {
    const resumeReads = pauseStdinReads();
    out.pause();
    try {
      return await editInput(input, { env: process.env });
    } finally {
      resumeReads();
      // The editor may have left the alternate screen (vim does): take it back, blank, and let
      // the next frame (the edit's outcome always changes the footer) draw everything anew.
      process.stdout.write(ALT_SCREEN_ON + CLEAR);
      out.resume();
    }
  };
  const instance = render(
    <App
      source={opts.source}
      {...(opts.alerts ? { alerts: opts.alerts } : {})}
      {...(opts.status ? { status: opts.status } : {})}
      url={opts.info.url}
      version={opts.info.version}
      onQuit={() => (reason ??= 'quit')}
      onBell={bell}
      onTitle={setTitle}
      onEdit={onEdit}
      readFile={readDiskFile}
      color={colorFromEnv(process.env)}
      homeDir={homedir()}
      {...(opts.onAlwaysAllow ? { onAlwaysAllow: opts.onAlwaysAllow } : {})}
    />,
    { patchConsole: false, exitOnCtrlC: true, stdout: out.stream, ...(opts.onKey ? { stdin: tappedStdin(opts.onKey) } : {}) },
  );
  void opts.stopSignal.then((sig) => {
    reason ??= sig;
    instance.unmount();
  });
  try {
    await instance.waitUntilExit();
  } finally {
    out.resume();
    process.stdout.write(ALT_SCREEN_OFF);
  }
  // Ctrl-C in raw mode reaches Ink as a key, not as SIGINT.
  return reason ?? 'SIGINT';
}
