import { describe, expect, it } from 'vitest';
import { desktopText, oscNotification, webhookRequest } from '../../src/core/notify-text.js';
import type { Notice } from '../../src/core/notify-plan.js';
import type { PendingCall, ToolCall } from '../../src/core/types.js';

/** Every C0, DEL and C1 character, and a few that end or start terminal strings. */
const controls = [
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)),
  '\u007f',
  ...Array.from({ length: 32 }, (_, i) => String.fromCharCode(0x80 + i)),
].join('');
const hostile = `x${controls}\u001b]0;t\u0007\u001bP\u001b\\\u009c\u009d;;y\u2028\u202e`;

function notice(call: ToolCall, n = 1): Notice {
  const p = (i: number): PendingCall => ({ id: `id${hostile}${i}`, call, receivedAt: 0, deadline: 1 });
  const calls = Array.from({ length: n }, (_, i) => p(i));
  return { step: 'desktop', at: 1000, calls, waiting: calls } as Notice;
}

const calls: ToolCall[] = [
  { toolName: `Bash${hostile}`, input: { command: `echo ${hostile}` }, agent: { name: hostile, sessionId: hostile, cwd: `/tmp/${hostile}` } },
  { toolName: `mcp__${hostile}`, input: { [hostile]: hostile, nested: { deep: [hostile] } }, agent: { client: { name: hostile } } },
  { toolName: 'Write', input: { file_path: `/x/${hostile}`, content: hostile.repeat(100) } },
];

describe('notices built from hostile agent text', () => {
  for (const [i, call] of calls.entries()) {
    for (const n of [1, 3]) {
      it(`an OSC notice holds no control character but its own framing (call ${i}, ${n} waiting)`, () => {
        for (const kind of ['osc9', 'osc777'] as const) {
          for (const tmux of [false, true]) {
            const osc = oscNotification(desktopText(notice(call, n)), kind, tmux);
            const open = tmux ? `\u001bPtmux;\u001b\u001b]${kind === 'osc9' ? '9' : '777'};` : `\u001b]${kind === 'osc9' ? '9' : '777'};`;
            const close = tmux ? '\u0007\u001b\\' : '\u0007';
            expect(osc.startsWith(open)).toBe(true);
            expect(osc.endsWith(close)).toBe(true);
            const inner = osc.slice(open.length, osc.length - close.length);
            // eslint-disable-next-line no-control-regex
            expect(inner).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
            if (kind === 'osc777') expect(inner.split(';').length).toBeGreaterThanOrEqual(3);
          }
        }
      });
    }
    it(`a webhook without content carries nothing of the call (call ${i})`, () => {
      for (const format of ['json', 'slack', 'ntfy', 'auto'] as const) {
        for (const url of ['https://example.org/hook', 'https://ntfy.sh/topic', 'https://hooks.slack.com/services/x']) {
          const req = webhookRequest(notice(call, 3), url, format, false);
          const text = JSON.stringify(req);
          for (const bit of ['Bash', 'mcp__', 'Write', 'echo', '/tmp/', '/x/', 'nested', '"id"']) {
            expect(text, `${format} ${url}`).not.toContain(bit);
          }
        }
      }
    });
  }
});
