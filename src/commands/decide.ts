import { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import type { Decision } from '../core/types.js';
import { ApiClient } from '../client/api-client.js';
import { ccoPaths } from '../store/paths.js';

function parseInput(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UserError(`--input is not valid JSON (${(error as Error).message}). Pass the whole tool input, e.g. --input '{"command":"npm test"}'.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError('--input must be a JSON object: the whole tool input, e.g. --input \'{"command":"npm test"}\'.');
  }
  return value as Record<string, unknown>;
}

async function send(id: string, action: 'approve' | 'deny', body: Record<string, unknown>): Promise<Decision> {
  const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
  const { decision } = await client.request<{ decision: Decision }>('POST', `/api/pending/${encodeURIComponent(id)}/${action}`, body);
  return decision;
}

export function approveCommand(): Command {
  return new Command('approve')
    .description('allow a pending call (see `cco pending` for ids)')
    .argument('<id>', 'the call id')
    .option('--input <json>', 'run the call with this input instead (JSON object); cco re-checks its deny rules on it')
    .action(async (id: string, opts: { input?: string }) => {
      const decision = await send(id, 'approve', opts.input !== undefined ? { updatedInput: parseInput(opts.input) } : {});
      if (decision.behavior === 'allow') {
        process.stdout.write(`Allowed ${escapeText(id)}${decision.edited ? ' with the edited input' : ''}.\n`);
      } else {
        throw new UserError(`Not allowed: ${escapeText(decision.message ?? 'denied')} (${escapeText(decision.decidedBy)}); the call was denied.`);
      }
    });
}

export function denyCommand(): Command {
  return new Command('deny')
    .description('deny a pending call; the agent sees the message')
    .argument('<id>', 'the call id')
    .option('-m, --message <text>', 'why; sent to the agent verbatim, so say what it should do instead')
    .action(async (id: string, opts: { message?: string }) => {
      await send(id, 'deny', opts.message !== undefined ? { message: opts.message } : {});
      process.stdout.write(`Denied ${escapeText(id)}.\n`);
    });
}
