import { Command } from 'commander';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import type { Decision } from '../core/types.js';
import { ApiClient } from '../client/api-client.js';
import { ccoPaths } from '../store/paths.js';
import type { Selection } from './selection.js';

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

interface SelectOptions {
  all?: boolean;
  agent?: string[];
  tool?: string[];
  match?: string[];
  yes?: boolean;
}

const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** How the commands that talk to the decision API can be pointed elsewhere (`cco pending` too). */
export const API_ENV_HELP = `With CCO_API_TOKEN=<token> it decides as that token's person (\`cco token add NAME\`) instead
of with the server file's token; CCO_API_URL=http://127.0.0.1:8660 (with CCO_API_TOKEN) reaches
a cco on another machine, e.g. through an SSH tunnel, without a server file.`;

/** The selection flags both commands share (semantics: selection.ts, README "cco approve"). */
function withSelection(cmd: Command, verb: string): Command {
  return cmd
    .option('--all', `${verb} every waiting call`)
    .option('--agent <name>', 'only calls from this agent, exactly as `cco pending` shows it (repeat for any of several)', collect)
    .option('--tool <name>', 'only calls of this tool, exactly (Bash, Edit, mcp__server__tool; repeat for any of several)', collect)
    .option(
      '--match <glob>',
      'only calls whose whole command (or path, URL, query; other tools: input JSON) matches: * any run of characters, ? one, [abc] a set; case-sensitive (repeat for any of several)',
      collect,
    )
    .option('-y, --yes', 'decide the selected calls without asking (needed when stdin is not a terminal)')
    .addHelpText(
      'after',
      `
Give call ids, or a selection (flags combine: a call must pass all of them). Without --yes cco
shows how many calls match and the first few, and asks (y/N) on a terminal; without a terminal
it decides nothing and says to add --yes. Only the calls it showed are decided. Each decision is
printed, then a total; a call that ended meanwhile is reported and the others go on.
  cco ${cmd.name()} --agent frontend --tool Bash --match 'npm test*'
  cco ${cmd.name()} --all --yes
${API_ENV_HELP}`,
    );
}

/** Ids or a selection, not both, and at least one of them. */
async function bulk(ids: string[], opts: SelectOptions, action: 'approve' | 'deny', message: string | undefined): Promise<boolean> {
  const selection: Selection = { all: opts.all === true, agents: opts.agent ?? [], tools: opts.tool ?? [], globs: opts.match ?? [] };
  const { selectionGiven } = await import('./selection.js');
  const selected = selectionGiven(selection);
  if (selected && ids.length > 0) throw new UserError('Give call ids or a selection (--all, --agent, --tool, --match), not both.');
  if (!selected && ids.length === 0) throw new UserError('Give a call id (see `cco pending`), or a selection: --all, --agent NAME, --tool NAME, --match GLOB.');
  if (!selected && ids.length === 1) return false;
  const client = await ApiClient.fromServerFile(ccoPaths().serverFile);
  const { decideIds, decideSelection, terminalIo } = await import('./bulk.js');
  const code = selected
    ? await decideSelection(client, action, selection, { yes: opts.yes === true, message }, terminalIo())
    : await decideIds(client, ids, action, message, terminalIo());
  // The lines above said which and why; the exit status says that not all went through.
  if (code !== 0) throw new UserError('Not every call was decided as asked (see above).');
  return true;
}

export function approveCommand(): Command {
  return withSelection(
    new Command('approve')
      .description('allow pending calls: one by id (see `cco pending`), several ids, or a selection')
      .argument('[ids...]', 'the call ids')
      .option('--input <json>', 'run the call with this input instead (JSON object; one id only); cco re-checks its deny rules on it'),
    'allow',
  ).action(async (ids: string[], opts: SelectOptions & { input?: string }) => {
    if (opts.input !== undefined && ids.length !== 1) throw new UserError("--input replaces one call's input: give exactly one call id, and no selection.");
    if (await bulk(ids, opts, 'approve', undefined)) return;
    const id = ids[0]!;
    const decision = await send(id, 'approve', opts.input !== undefined ? { updatedInput: parseInput(opts.input) } : {});
    if (decision.behavior === 'allow') {
      process.stdout.write(`Allowed ${escapeText(id)}${decision.edited ? ' with the edited input' : ''}.\n`);
    } else {
      throw new UserError(`Not allowed: ${escapeText(decision.message ?? 'denied')} (${escapeText(decision.decidedBy)}); the call was denied.`);
    }
  });
}

export function denyCommand(): Command {
  return withSelection(
    new Command('deny')
      .description('deny pending calls (one by id, several ids, or a selection); the agent sees the message')
      .argument('[ids...]', 'the call ids')
      .option('-m, --message <text>', "why; sent to every call's agent verbatim, so say what it should do instead"),
    'deny',
  ).action(async (ids: string[], opts: SelectOptions & { message?: string }) => {
    if (await bulk(ids, opts, 'deny', opts.message)) return;
    const id = ids[0]!;
    await send(id, 'deny', opts.message !== undefined ? { message: opts.message } : {});
    process.stdout.write(`Denied ${escapeText(id)}.\n`);
  });
}
