// A private tmux server (own socket, no user config) for driving `cco watch` in benchmarks.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

export const shellQuote = (s) => `'${String(s).replace(/'/g, `'\\''`)}'`;

export class Tmux {
  constructor(name) {
    this.socket = `cco-bench-${name}-${process.pid}`;
  }

  tmux(...args) {
    const { TMUX: _t, TMUX_PANE: _p, ...env } = process.env;
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { env, encoding: 'utf8', timeout: 5000 });
  }

  start(command, width = 120, height = 40) {
    this.tmux('new-session', '-d', '-s', 'bench', '-x', String(width), '-y', String(height), command);
  }

  screen() {
    return this.tmux('capture-pane', '-p', '-t', 'bench');
  }

  press(key) {
    this.tmux('send-keys', '-t', 'bench', key);
  }

  /** The pid of the process running in the pane. */
  panePid() {
    return Number(this.tmux('display-message', '-p', '-t', 'bench', '#{pane_pid}').trim());
  }

  kill() {
    try {
      this.tmux('kill-server');
    } catch {
      // Not running.
    }
    // kill-server leaves the socket file behind.
    const dir = process.env.TMUX_TMPDIR || '/tmp';
    rmSync(join(dir, `tmux-${process.getuid()}`, this.socket), { force: true });
  }
}

/** Poll `check` every `everyMs` until it returns something truthy; throw after `timeoutMs`. */
export async function until(check, timeoutMs = 10_000, everyMs = 2, what = 'condition') {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Start `cco watch` in tmux with CCO_HOME=home; resolves once its server file exists. */
export function watchCommand(node, cco, home) {
  return ['env -u CONTINUOUS_INTEGRATION CI=0', `CCO_HOME=${shellQuote(home)}`, shellQuote(node), shellQuote(cco), 'watch --port 0'].join(' ');
}
