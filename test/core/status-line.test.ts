/** `cco status`'s line: the count, the oldest call, agent text escaped, tmux styles impossible to inject. */
import { describe, expect, it } from 'vitest';
import { statusText, statusView } from '../../src/core/status-line.js';
import type { PendingCall } from '../../src/core/types.js';

const pending = (id: string, receivedAt: number, command: string, name = 'api'): PendingCall => ({
  id,
  call: { toolName: 'Bash', input: { command }, agent: { name } },
  receivedAt,
  deadline: receivedAt + 300_000,
});

describe('statusView', () => {
  it('counts the waiting calls and picks the one waiting longest, whatever the order', () => {
    const v = statusView([pending('b', 2000, 'npm test'), pending('a', 1000, 'git push'), pending('c', 3000, 'ls')], 241_000);
    expect(v).toEqual({ pending: 3, oldest: { id: 'a', agent: 'api', tool: 'Bash', summary: 'git push', waitingMs: 240_000 } });
  });
  it('nothing waiting: a zero and no oldest; a clock behind the call: never a negative wait', () => {
    expect(statusView([], 0)).toEqual({ pending: 0 });
    expect(statusView([pending('a', 5000, 'x')], 1000).oldest?.waitingMs).toBe(0);
  });
  it('the summary is bounded however long the command', () => {
    expect(statusView([pending('a', 0, 'x'.repeat(100_000))], 0).oldest!.summary.length).toBeLessThanOrEqual(80);
  });
});

describe('statusText', () => {
  const one = statusView([pending('k3f9q2', 0, 'git push')], 240_000);
  it.each([
    ['tmux, one waiting', one, 'tmux', '⏳1 oldest 4m api Bash git push'],
    ['tmux, nothing waiting: empty', { pending: 0 }, 'tmux', ''],
    ['plain, one waiting', one, 'plain', 'cco: 1 call waits; oldest 4m: api Bash git push (id k3f9q2)'],
    ['plain, several', statusView([pending('a', 0, 'a'), pending('b', 1, 'b')], 12_000), 'plain', 'cco: 2 calls wait; oldest 12s: api Bash a (id a)'],
    ['plain, nothing waiting', { pending: 0 }, 'plain', 'cco: nothing waiting'],
  ] as const)('%s', (_name, view, mode, text) => {
    expect(statusText(view, mode)).toBe(text);
  });

  it('agent text is escaped in both forms, and # is doubled for tmux (no #[style] or #(command) from an agent)', () => {
    const hostile = statusView([pending('a', 0, 'echo \u001b]0;pwned\u0007 #(rm -rf ~) #[fg=red]\u202e', 'x\u001b[2Jy')], 1000);
    for (const mode of ['plain', 'tmux'] as const) {
      // eslint-disable-next-line no-control-regex
      expect(statusText(hostile, mode)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    }
    const tmux = statusText(hostile, 'tmux');
    expect(tmux).not.toMatch(/(^|[^#])#(\(|\[)/);
    expect(tmux).toContain('##(rm');
    expect(tmux).toContain('x\\u001b[2Jy');
  });
});
