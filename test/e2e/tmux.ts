import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout, and the built binary the end-to-end tests drive. */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/cco.js');

/** Before the tests of a file: tmux is installed and the binary is built, or a clear failure. */
export async function requireTmuxAndBuild(): Promise<void> {
  await Tmux.check();
  if (!existsSync(join(ROOT, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `npm run build` first (`npm test` does).');
}

/** The last screen and cco's log in `home`, attached to every failure. */
export async function screenAndLog(tmux: Tmux, home: string): Promise<string> {
  const log = await readFile(join(home, 'cco.log'), 'utf8').catch(() => '(no log)');
  return `--- last screen ---\n${tmux.lastScreen}\n--- cco.log ---\n${log}`;
}

/** Quote one word for the shell tmux runs the pane's command with. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

const SESSION = 'cco';

/**
 * One private tmux server (its own socket, no user config) holding one detached session of a
 * fixed size. Panes stay after their process exits, so the last screen can still be read.
 * Have the pane's command record its exit status itself rather than reading
 * #{pane_dead_status}: Debian's tmux forks a utempter helper when a pane closes, with SIGCHLD
 * at its default meanwhile, and can miss the pane's exit (a zombie, an empty status).
 */
export class Tmux {
  readonly socket = `cco-e2e-${process.pid}-${randomBytes(4).toString('hex')}`;
  /** The last screen captured, for failure messages. */
  lastScreen = '';

  /** Fails with a clear message when tmux is not installed: these tests must not skip quietly. */
  static async check(): Promise<void> {
    try {
      await run(['-V']);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new Error(
          'tmux is not installed, and the end-to-end tests drive `cco watch` inside tmux. ' + 'Install it (`apt-get install tmux`); .ci/run does this on CI.',
          { cause: error },
        );
      }
      throw error;
    }
  }

  /** Start the session running `command` (a shell command line) in `cwd`. */
  async start(command: string, opts: { cwd: string; width: number; height: number }): Promise<void> {
    await this.tmux(
      'start-server',
      ';',
      'set-option',
      '-g',
      'remain-on-exit',
      'on',
      ';',
      'new-session',
      '-d',
      '-s',
      SESSION,
      '-c',
      opts.cwd,
      '-x',
      String(opts.width),
      '-y',
      String(opts.height),
      command,
    );
  }

  /** The visible screen as plain text (no escape sequences). */
  async screen(): Promise<string> {
    this.lastScreen = await this.tmux('capture-pane', '-p', '-t', SESSION);
    return this.lastScreen;
  }

  /** Type one key, as a person would: no Enter after it. */
  async press(key: string): Promise<void> {
    await this.tmux('send-keys', '-t', SESSION, key);
  }

  /** Type text literally (keys like `Enter` in it are not interpreted). */
  async type(text: string): Promise<void> {
    await this.tmux('send-keys', '-t', SESSION, '-l', text);
  }

  /** Resize the window, as a person dragging a tmux pane border would. */
  async resize(width: number, height: number): Promise<void> {
    await this.tmux('resize-window', '-t', SESSION, '-x', String(width), '-y', String(height));
  }

  /** Stop the server and everything in it; fine to call when it is not running. */
  async kill(): Promise<void> {
    await this.tmux('kill-server').catch(() => undefined);
  }

  private tmux(...args: string[]): Promise<string> {
    return run(['-L', this.socket, '-f', '/dev/null', ...args]);
  }
}

function run(args: string[]): Promise<string> {
  // TMUX would tie the commands to a tmux the tests themselves may run in.
  const { TMUX: _tmux, TMUX_PANE: _pane, ...env } = process.env;
  return new Promise((resolve, reject) => {
    execFile('tmux', args, { env, timeout: 5000 }, (error, stdout, stderr) => {
      if (error) {
        if (stderr) error.message += `\n${stderr}`;
        reject(error);
      } else {
        resolve(stdout);
      }
    });
  });
}

/**
 * Poll `probe` until it returns something other than undefined/false; no fixed sleeps.
 * On timeout the error says what was awaited and carries `detail()` (the last screen, say).
 */
export async function until<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  detail: () => string | Promise<string> = () => '',
  timeoutMs = 10_000,
): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - start > timeoutMs) {
      const more = await detail();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${more ? `\n${more}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A promise whose outcome can be read without awaiting it. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly value: T | undefined; readonly error: unknown; promise: Promise<T> } {
  const state = { settled: false, value: undefined as T | undefined, error: undefined as unknown, promise };
  promise.then(
    (v) => Object.assign(state, { settled: true, value: v }),
    (e: unknown) => Object.assign(state, { settled: true, error: e }),
  );
  return state;
}
