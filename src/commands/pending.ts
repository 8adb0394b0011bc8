import { Command } from 'commander';
import { ApiClient } from '../client/api-client.js';
import { ccoPaths } from '../store/paths.js';
import type { PendingView } from './pending-table.js';

export function pendingCommand(): Command {
  return new Command('pending')
    .description('list the calls waiting for a decision on the running server')
    .option('--json', 'print JSON (one object with a "pending" array)')
    .action(async (opts: { json?: boolean }) => {
      const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
      const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
      const { pendingJson, renderPendingTable } = await import('./pending-table.js');
      process.stdout.write(opts.json ? pendingJson(pending) : `${renderPendingTable(pending)}\n`);
    });
}
