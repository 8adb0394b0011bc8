import { homedir } from 'node:os';
import { render } from 'ink';
import type { AlertBoard } from '../core/alerts.js';
import type { ConsoleSource } from '../core/console-source.js';
import { App } from './App.js';
import { colorFromEnv } from './theme.js';

export interface RunConsoleOptions {
  source: ConsoleSource;
  alerts?: AlertBoard;
  info: { url: string; version: string };
  /** Saves an allow rule for `A` (always allow); without it the key only says it is not available. */
  onAlwaysAllow?: (pattern: string) => void | Promise<void>;
  /** Resolves when the process is told to stop (SIGINT, SIGTERM…). */
  stopSignal: Promise<NodeJS.Signals>;
}

const ALT_SCREEN_ON = '\u001B[?1049h\u001B[H';
const ALT_SCREEN_OFF = '\u001B[?1049l';

/** Mount the console on the terminal; resolves with why it ended. */
export async function runConsole(opts: RunConsoleOptions): Promise<'quit' | NodeJS.Signals> {
  let reason: 'quit' | NodeJS.Signals | undefined;
  process.stdout.write(ALT_SCREEN_ON);
  const setTitle = (t: string) => process.stdout.write(`\u001B]0;${t}\u0007`);
  setTitle('cco');
  // The bell and the title are zero-width, so writing them beside Ink does not disturb its frame.
  const bell = () => process.stdout.write('\u0007');
  const instance = render(
    <App
      source={opts.source}
      {...(opts.alerts ? { alerts: opts.alerts } : {})}
      url={opts.info.url}
      version={opts.info.version}
      onQuit={() => (reason ??= 'quit')}
      onBell={bell}
      onTitle={setTitle}
      color={colorFromEnv(process.env)}
      homeDir={homedir()}
      {...(opts.onAlwaysAllow ? { onAlwaysAllow: opts.onAlwaysAllow } : {})}
    />,
    { patchConsole: false, exitOnCtrlC: true },
  );
  void opts.stopSignal.then((sig) => {
    reason ??= sig;
    instance.unmount();
  });
  try {
    await instance.waitUntilExit();
  } finally {
    process.stdout.write(ALT_SCREEN_OFF);
  }
  // Ctrl-C in raw mode reaches Ink as a key, not as SIGINT.
  return reason ?? 'SIGINT';
}
