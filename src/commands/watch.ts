import { Option, type Command } from 'commander';
import { UserError } from '../core/errors.js';
import { ANSWER_KEYMAP, GRANT_KEYMAP, KEYMAP } from '../tui/keymap.js';
import { serverCommand, type ServerCliOptions } from './server-options.js';

/** The console's keys for --help, from the one keymap the console itself uses. */
function keysHelp(): string {
  const w = Math.max(...KEYMAP.map((b) => b.hint.length)) + 2;
  return [
    '',
    'Keys in the console:',
    ...KEYMAP.map((b) => `  ${b.hint.padEnd(w)}${b.help}`),
    '',
    "Answering an agent's questions (a on an AskUserQuestion call), one question at a time:",
    ...ANSWER_KEYMAP.map((b) => `  ${b.hint.padEnd(w)}${b.help}`),
    '',
    'In the always-allow chooser (A), besides typing the pattern:',
    ...GRANT_KEYMAP.map((b) => `  ${b.hint.padEnd(w)}${b.help}`),
    '',
    'Settings that change it: `cco config set bell false`; NO_COLOR turns colour off.',
  ].join('\n');
}

/** Options that start a server: they mean nothing to a console that connects to one. */
const SERVER_ONLY = ['host', 'port', 'timeout', 'token', 'allowHost', 'progressInterval'] as const;

export function watchCommand(): Command {
  const cmd = serverCommand(
    'watch',
    'run the approval endpoint with the live console (approve with a, deny with d); with --connect, the console on a cco already running',
  );
  return cmd
    .addOption(
      new Option(
        '--connect [url]',
        "start no server: open the console on a running cco (this machine's by default; or its URL, with CCO_API_TOKEN set to one of its tokens: `cco token add NAME` there). Several consoles may watch one cco; the first answer wins",
      ),
    )
    .action(async (opts: ServerCliOptions & { connect?: string | true }) => {
      if (!process.stdin.isTTY || !process.stdout.isTTY) {
        throw new UserError(
          'cco watch needs an interactive terminal, and this one has no TTY. ' +
            'Run `cco serve` for the server without a console, and decide calls with `cco pending`, `cco approve` and `cco deny`.',
          2,
        );
      }
      // Ink draws only a final frame when it thinks it runs in CI; with a TTY on both ends a person
      // is watching, so say so before Ink loads (it reads the variable once, at import).
      for (const name of ['CI', 'CONTINUOUS_INTEGRATION']) if (process.env[name] !== undefined) process.env[name] = 'false';
      if (opts.connect !== undefined) {
        const given = SERVER_ONLY.filter((o) => cmd.getOptionValueSource(o) === 'cli');
        if (given.length > 0) {
          throw new UserError(
            `--connect starts no server, so ${given.map((o) => `--${o.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} ${given.length === 1 ? 'means' : 'mean'} nothing with it; set them on the cco you connect to.`,
            2,
          );
        }
        const { runRemoteConsole } = await import('../app/remote-console.js');
        await runRemoteConsole(opts.connect === true ? undefined : opts.connect);
        return;
      }
      const { runServer } = await import('../app/run-server.js');
      await runServer({ ...opts, console: true });
    })
    .addHelpText('after', keysHelp());
}
