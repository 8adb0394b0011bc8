/** The console with calls from Claude Code's hook: the route and mode in the detail, and a call answered at Claude's own prompt. */
import { describe, expect, it, vi } from 'vitest';
import type { ToolCall } from '../../src/core/types.js';
import { keys, renderConsole } from './helpers.js';

const hookCall: ToolCall = {
  toolName: 'Bash',
  input: { command: 'echo hi > out.txt' },
  agent: { route: 'claude-hook', conversationId: '3f8e0c4e-1111', cwd: '/home/me/work', permissionMode: 'default', client: { name: 'claude-code' } },
};

describe('hook calls in the console', () => {
  it('the detail names the route, the permission mode and the cwd', async () => {
    const { broker, frame } = renderConsole();
    void broker.request(hookCall);
    await vi.waitFor(() => expect(frame()).toContain('via Claude Code hook, mode default'));
    expect(frame()).toContain('from claude-code#3f8e in /home/me/work');
    broker.shutdown();
  });

  it("a call answered at Claude's own prompt shows in the history as answered elsewhere, not as a denial", async () => {
    const { broker, frame, press } = renderConsole();
    void broker.request(hookCall);
    await vi.waitFor(() => expect(broker.snapshot().pending).toHaveLength(1));
    broker.withdraw(broker.snapshot().pending[0]!.id);
    await vi.waitFor(() => expect(frame()).toMatch(/· Bash .*elsewhere/));
    await press(keys.tab, () => frame().includes('answered elsewhere after'));
    expect(frame()).not.toMatch(/denied by elsewhere/);
    expect(frame()).toMatch(/0 denied/);
  });
});

describe('a denial that stopped the run', () => {
  it('says so in the history', async () => {
    const { broker, frame } = renderConsole();
    void broker.request({ toolName: 'Bash', input: { command: 'make deploy' } });
    await vi.waitFor(() => expect(broker.snapshot().pending).toHaveLength(1));
    broker.decide(broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'no', interrupt: true });
    await vi.waitFor(() => expect(frame()).toMatch(/✗ Bash .*you·stopped \S+ .*make deploy/));
    void broker.request({ toolName: 'Bash', input: { command: 'make test' } });
    await vi.waitFor(() => expect(broker.snapshot().pending).toHaveLength(1));
    broker.decide(broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'no' });
    await vi.waitFor(() => expect(frame()).toMatch(/✗ Bash .*you \S+ .*make test/));
    expect(frame()).not.toMatch(/stopped.*make test/);
  });
});
