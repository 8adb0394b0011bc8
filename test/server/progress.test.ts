import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { askApproval, parseResult, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

/**
 * Progress every 50 ms; the client gives up after 600 ms without an answer (or progress, if it
 * resets): twelve ticks of margin, so a busy machine's pauses do not end the wait.
 */
const PROGRESS_MS = 50;
const CLIENT_TIMEOUT_MS = 600;
/** ≈1.5 s of waiting: more than two client timeouts. */
const ENOUGH_PROGRESS = 30;

describe('progress keeps a long wait alive', () => {
  it('with resetTimeoutOnProgress a decision after ~1.5 s still arrives', async () => {
    const t = await h.start({ progressIntervalMs: PROGRESS_MS });
    const client = await h.client(t.server.mcpUrl);
    const progress: number[] = [];
    const started = Date.now();
    const input = { command: 'npm publish' };
    const result = askApproval(client, 'Bash', input, {
      timeout: CLIENT_TIMEOUT_MS,
      resetTimeoutOnProgress: true,
      onprogress: (p) => progress.push(p.progress),
    });
    await waitFor(() => progress.length >= ENOUGH_PROGRESS, 5000, `${ENOUGH_PROGRESS} progress notifications`);
    expect(Date.now() - started).toBeGreaterThan(2 * CLIENT_TIMEOUT_MS);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: input });
    // Progress counts up, one notification per tick.
    expect(progress.slice(0, 5)).toEqual([1, 2, 3, 4, 5]);
  });

  it('negative control: without resetTimeoutOnProgress the same wait times out on the client', async () => {
    const t = await h.start({ progressIntervalMs: PROGRESS_MS });
    const client = await h.client(t.server.mcpUrl);
    const progress: number[] = [];
    const result = askApproval(
      client,
      'Bash',
      { command: 'npm publish' },
      {
        timeout: CLIENT_TIMEOUT_MS,
        onprogress: (p) => progress.push(p.progress),
      },
    );
    const error = await result.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(ErrorCode.RequestTimeout);
    expect(progress.length).toBeGreaterThan(0);
    // The client cancels what it gave up on; the call leaves the queue.
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave pending');
    expect(t.broker.snapshot().recent[0]!.decision.decidedBy).toBe('cancelled');
  });
});
