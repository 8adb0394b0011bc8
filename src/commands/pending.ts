import { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import { ApiClient } from '../client/api-client.js';
import { ccoPaths } from '../store/paths.js';
import type { PendingView } from './pending-table.js';
import { API_ENV_HELP } from './decide.js';

export function pendingCommand(): Command {
  return new Command('pending')
    .description('list the calls waiting for a decision on the running server; with ids (or --full), show calls whole')
    .argument('[ids...]', 'show these calls whole: every field of the input, escaped, wrapped, nothing cut')
    .option('--full', 'show every waiting call whole instead of the table')
    .option('--json', 'print JSON (one object with a "pending" array; with ids, only those calls)')
    .addHelpText(
      'after',
      `
The table cuts long inputs (they end in …) and says so; \`cco pending ID\` shows one call whole.
A line wider than the terminal continues on the next line, marked ↳.
${API_ENV_HELP.replace('it decides as', 'it reads as')}`,
    )
    .action(async (ids: string[], opts: { json?: boolean; full?: boolean }) => {
      const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
      const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
      const { pendingJson, renderPendingTable, renderPendingFull, outputWidth } = await import('./pending-table.js');
      let shown = pending;
      if (ids.length > 0) {
        const missing = ids.filter((id) => !pending.some((p) => p.id === id));
        if (missing.length > 0) {
          throw new UserError(`No pending call with id ${missing.map((id) => escapeText(id)).join(', ')}. Run \`cco pending\` to see the ids.`);
        }
        shown = ids.map((id) => pending.find((p) => p.id === id)!);
      }
      if (opts.json) process.stdout.write(pendingJson(shown));
      else if (opts.full || ids.length > 0) process.stdout.write(`${renderPendingFull(shown, outputWidth())}\n`);
      else process.stdout.write(`${renderPendingTable(shown)}\n`);
    });
}
