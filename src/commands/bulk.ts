import { ApiError, type ApiClient } from '../client/api-client.js';
import { truncateCells } from '../core/cells.js';
import { UserError } from '../core/errors.js';
import { escapeText } from '../core/escape.js';
import { oneLine } from '../core/summary.js';
import type { Decision } from '../core/types.js';
import { renderPendingTable, type PendingView } from './pending-table.js';
import { describeSelection, selectCalls, type Selection } from './selection.js';
import { columns } from './table.js';

export type Action = 'approve' | 'deny';

/** How the bulk commands talk to the person: output, and a yes/no question when there is a terminal. */
export interface BulkIo {
  out(text: string): void;
  /** Undefined when stdin is not a terminal: nothing can be asked, so nothing is decided without --yes. */
  confirm: ((question: string) => Promise<boolean>) | undefined;
}

/** How many calls a preview shows before "… and N more". */
export const PREVIEW_ROWS = 5;

const verb = (action: Action) => (action === 'approve' ? 'allow' : 'deny');
const plural = (n: number) => `${n} call${n === 1 ? '' : 's'}`;

/** The per-call decide API, one call at a time: the broker decides each, through its one path. */
async function decideOne(client: ApiClient, id: string, action: Action, message: string | undefined): Promise<Decision> {
  const body = action === 'deny' && message !== undefined ? { message } : {};
  const { decision } = await client.request<{ decision: Decision }>('POST', `/api/pending/${encodeURIComponent(id)}/${action}`, body);
  return decision;
}

type Outcome = { kind: 'decided' } | { kind: 'ended'; why: string } | { kind: 'failed'; why: string };

/**
 * Decide `calls` one by one, printing a line per call as it is decided and a total. A call that
 * ended meanwhile (decided elsewhere, timed out, its agent gone) is reported and the others go
 * on; any other failure is reported too, and makes the exit status 1.
 */
export async function decideCalls(
  client: ApiClient,
  calls: readonly Pick<PendingView, 'id' | 'agentLabel' | 'toolName' | 'summary'>[],
  action: Action,
  message: string | undefined,
  io: BulkIo,
  /** Ids the person typed: one the server does not know is a mistake (status 1), not a call that ended. */
  typedIds = false,
): Promise<number> {
  const rows = columns(
    calls.map((p) => [oneLine(p.id, 40), oneLine(p.agentLabel, 20), oneLine(p.toolName, 24), truncateCells(oneLine(p.summary, 240), 60)]),
    { trimEnd: true },
  );
  const done = action === 'approve' ? 'allowed' : 'denied';
  const counts = { decided: 0, ended: 0, failed: 0 };
  for (const [i, p] of calls.entries()) {
    let outcome: Outcome;
    try {
      const decision = await decideOne(client, p.id, action, message);
      outcome =
        action === 'approve' && decision.behavior !== 'allow'
          ? { kind: 'failed', why: `not allowed: ${oneLine(decision.message ?? 'denied', 200)} (${oneLine(decision.decidedBy, 40)}); the call was denied` }
          : { kind: 'decided' };
    } catch (error) {
      if (error instanceof ApiError && error.status === 409)
        outcome = { kind: 'ended', why: 'ended meanwhile: already decided (elsewhere, by a timeout, or its agent left)' };
      else if (error instanceof ApiError && error.status === 404) {
        outcome = typedIds
          ? { kind: 'failed', why: 'no pending call with this id; see cco pending' }
          : { kind: 'ended', why: 'ended meanwhile: no longer waiting' };
      } else if (error instanceof UserError) outcome = { kind: 'failed', why: `failed: ${oneLine(error.message, 200)}` };
      else throw error;
    }
    counts[outcome.kind]++;
    const word = outcome.kind === 'decided' ? done : outcome.kind === 'ended' ? 'ended' : 'failed';
    io.out(`${word.padEnd(7)}  ${rows[i]}${outcome.kind === 'decided' ? '' : `  (${outcome.why})`}\n`);
  }
  const Done = `${done[0]!.toUpperCase()}${done.slice(1)}`;
  const notes = [counts.ended ? `${counts.ended} had ended meanwhile` : '', counts.failed ? `${counts.failed} failed` : ''].filter(Boolean);
  io.out(notes.length === 0 ? `${Done} ${plural(calls.length)}.\n` : `${Done} ${counts.decided} of ${plural(calls.length)}; ${notes.join(', ')}.\n`);
  return counts.failed > 0 ? 1 : 0;
}

/**
 * `cco approve|deny --all/--agent/--tool/--match`: the waiting calls the selection picks, as they
 * are now. Without `yes`, a preview (how many, a few rows) and a question on a terminal, or a
 * refusal without one. Only the calls previewed are decided: one that arrives while the person
 * reads is not among them.
 */
export async function decideSelection(
  client: ApiClient,
  action: Action,
  selection: Selection,
  o: { yes: boolean; message?: string | undefined },
  io: BulkIo,
): Promise<number> {
  const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
  const calls = selectCalls(pending, selection);
  const what = escapeText(describeSelection(selection));
  if (calls.length === 0) {
    io.out(`No waiting call matches ${what} (${pending.length} waiting); nothing decided.\n`);
    return 0;
  }
  if (!o.yes) {
    io.out(`${plural(calls.length)} of ${pending.length} waiting match ${what}${calls.length > PREVIEW_ROWS ? `; the first ${PREVIEW_ROWS}` : ''}:\n`);
    io.out(`${renderPendingTable(calls.slice(0, PREVIEW_ROWS))}\n`);
    if (calls.length > PREVIEW_ROWS) io.out(`… and ${calls.length - PREVIEW_ROWS} more (cco pending lists them all).\n`);
    if (!io.confirm) {
      throw new UserError(`Nothing decided: stdin is not a terminal, so cco cannot ask. Add --yes to ${verb(action)} these ${plural(calls.length)}.`);
    }
    if (!(await io.confirm(`${verb(action)[0]!.toUpperCase()}${verb(action).slice(1)} these ${plural(calls.length)}? [y/N] `))) {
      throw new UserError('Nothing decided.');
    }
  }
  return decideCalls(client, calls, action, o.message, io);
}

/** The terminal's BulkIo: stdout, and a y/N question on stderr read from stdin when it is a terminal. */
export function terminalIo(): BulkIo {
  return {
    out: (text) => process.stdout.write(text),
    confirm: process.stdin.isTTY
      ? async (question) => {
          const { createInterface } = await import('node:readline/promises');
          const rl = createInterface({ input: process.stdin, output: process.stderr });
          // Ctrl-C (or stdin closing) at the question is a no.
          const abort = new AbortController();
          rl.on('SIGINT', () => abort.abort());
          rl.on('close', () => abort.abort());
          try {
            return /^y(es)?$/i.test((await rl.question(question, { signal: abort.signal })).trim());
          } catch {
            process.stderr.write('\n');
            return false;
          } finally {
            rl.close();
          }
        }
      : undefined,
  };
}

/** `cco approve|deny ID ID…`: the calls named, decided without a question (they were named). */
export async function decideIds(client: ApiClient, ids: readonly string[], action: Action, message: string | undefined, io: BulkIo): Promise<number> {
  const { pending } = await client.request<{ pending: PendingView[] }>('GET', '/api/pending');
  const calls = ids.map((id) => pending.find((p) => p.id === id) ?? { id, agentLabel: '-', toolName: '-', summary: '' });
  return decideCalls(client, calls, action, message, io, true);
}
