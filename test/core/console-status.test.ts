import { describe, expect, it } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import { hookAgents, HOOK_AGENT_WINDOW_MS } from '../../src/core/console-status.js';
import type { ToolCall } from '../../src/core/types.js';
import { FakeClock } from '../helpers/fake-clock.js';

const hook = (session: string, command: string): ToolCall => ({
  toolName: 'Bash',
  input: { command },
  agent: { route: 'claude-hook', conversationId: session },
});

describe('hookAgents: Claude Code sessions present through the hook route', () => {
  it('counts each session once, waiting or decided within the window, and not MCP calls', () => {
    const clock = new FakeClock();
    let n = 0;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60 * 60_000, clock });
    void broker.request(hook('s1', 'a'));
    void broker.request(hook('s1', 'b'));
    void broker.request(hook('s2', 'c'));
    void broker.request({ toolName: 'Bash', input: { command: 'd' }, agent: { sessionId: 'mcp-1' } });
    expect(hookAgents(broker.snapshot(), clock.now())).toBe(2);
    broker.decide('c3', { behavior: 'allow' });
    expect(hookAgents(broker.snapshot(), clock.now())).toBe(2);
    clock.advance(HOOK_AGENT_WINDOW_MS + 1);
    // s2's only call was decided more than the window ago; s1 still waits.
    expect(hookAgents(broker.snapshot(), clock.now())).toBe(1);
    broker.decide('c1', { behavior: 'deny' });
    broker.decide('c2', { behavior: 'deny' });
    expect(hookAgents(broker.snapshot(), clock.now())).toBe(1);
    clock.advance(HOOK_AGENT_WINDOW_MS + 1);
    expect(hookAgents(broker.snapshot(), clock.now())).toBe(0);
  });
});
