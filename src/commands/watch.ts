import type { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { serverCommand, type ServerCliOptions } from './server-options.js';

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
      const { runServer } = await import('./run-server.js');
      await runServer({ ...opts, console: true });
    },
  );
}
