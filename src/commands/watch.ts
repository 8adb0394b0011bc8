import type { Command } from 'commander';
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
    'Settings that change it: `cco config set bell false`; NO_COLOR turns colour off.'].join('\n');
}

export function watchCommand(): Command {
  return serverCommand('watch', 'run the approval endpoint with the live console (approve with a, deny with d)').action(
    async (opts: ServerCliOptions) => {
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
      const { runServer } = await import('../app/run-server.js');
      await runServer({ ...opts, console: true });
    },
  ).addHelpText('after', keysHelp());
}
