import type { Command } from 'commander';
import { serverCommand, type ServerCliOptions } from './server-options.js';

export function serveCommand(): Command {
  return serverCommand('serve', 'run the approval endpoint without a console; decide with `cco pending/approve/deny`').action(
    async (opts: ServerCliOptions) => {
      const { runServer } = await import('../app/run-server.js');
      await runServer({ ...opts, console: false });
    },
  );
}
