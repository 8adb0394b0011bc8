import { afterEach, describe, expect, it } from 'vitest';
import { askApproval, parseResult, testHarness, waitFor } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

describe('decisions reach the client exactly', () => {
  it('approve → allow with the original input', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const input = { command: 'echo hi > out.txt', description: 'Write a file' };
    const result = askApproval(client, 'Bash', input);
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    const r = await result;
    expect(r.isError).toBeFalsy();
    expect(parseResult(r)).toEqual({ behavior: 'allow', updatedInput: input });
    expect(t.broker.snapshot().pending).toHaveLength(0);
  });

  it('approve with edited input → allow with the edited input', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const input = { command: 'rm -rf build', description: 'Clean' };
    const edited = { command: 'rm -rf build/tmp', description: 'Clean (narrowed)' };
    const result = askApproval(client, 'Bash', input);
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    const decision = t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow', updatedInput: edited });
    expect(decision.edited).toBe(true);
    expect(parseResult(await result)).toEqual({ behavior: 'allow', updatedInput: edited });
  });

  it('deny with a message → deny with exactly that message', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const message = 'Use the staging database, not production.\n  (keep "quotes" and spacing)';
    const result = askApproval(client, 'Bash', { command: 'psql prod' });
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny', message });
    expect(parseResult(await result)).toEqual({ behavior: 'deny', message });
  });

  it('deny without a message → deny with a non-empty string message', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const result = askApproval(client, 'Write', { file_path: '/tmp/x', content: 'x' });
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to be pending');
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny' });
    const payload = parseResult(await result);
    expect(payload).toEqual({ behavior: 'deny', message: expect.any(String) });
    expect((payload.message as string).trim()).not.toBe('');
  });

  it('timeout → deny that says it timed out, counted as timedOut', async () => {
    const t = await h.start({ timeoutMs: 200 });
    const client = await h.client(t.server.mcpUrl);
    const started = Date.now();
    const payload = parseResult(await askApproval(client, 'Bash', { command: 'make deploy' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(payload).toEqual({ behavior: 'deny', message: expect.stringContaining('Timed out') });
    const snap = t.broker.snapshot();
    expect(snap.counts).toEqual({ allowed: 0, denied: 1, timedOut: 1, cancelled: 0 });
    expect(snap.pending).toHaveLength(0);
    expect(snap.recent[0]!.decision.decidedBy).toBe('timeout');
  });
});
