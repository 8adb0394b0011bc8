import { describe, expect, it } from 'vitest';
import { CONSOLE_WIRE_FORMAT, parseConsoleMessage } from '../../src/core/console-wire.js';

const call = { id: 'c1', call: { toolName: 'Bash', input: { command: 'ls' } }, receivedAt: 1, deadline: 2 };
const counts = { allowed: 1, denied: 0, timedOut: 0, cancelled: 0 };
const status = { agents: 1, defaultAction: 'ask', rules: 0 };
const snapshot = {
  format: CONSOLE_WIRE_FORMAT,
  instance: 'i',
  server: { version: '1', mcpUrl: 'http://127.0.0.1:8660/mcp', homeDir: '/home/me' },
  pending: [call],
  recent: [],
  counts,
  status,
  alerts: [],
};

describe('the console stream: one schema per message', () => {
  it.each([
    ['snapshot', snapshot],
    ['waiting', { call }],
    ['decided', { call: { ...call, decision: { behavior: 'allow', decidedBy: 'user', at: 3, person: 'alice' } }, counts }],
    ['status', { status, alerts: [{ key: 'config', message: 'broken' }] }],
    ['ping', {}],
  ])('reads a well-formed %s', (event, data) => {
    const r = parseConsoleMessage(event, data);
    expect(r.ok, JSON.stringify(r)).toBe(true);
  });

  it.each([
    ['an unknown message', 'approve', {}, /unknown message "approve"/],
    ['a name from the object prototype', 'constructor', {}, /unknown message/],
    ['a snapshot of another format', 'snapshot', { ...snapshot, format: 2 }, /another format \(2; this cco reads 1\)/],
    ['a snapshot without a format', 'snapshot', { ...snapshot, format: undefined }, /another format \(null/],
    ['a call with no input', 'waiting', { call: { ...call, call: { toolName: 'Bash' } } }, /at call\.call\.input/],
    ['a call whose input is a list', 'waiting', { call: { ...call, call: { toolName: 'Bash', input: ['ls'] } } }, /at call\.call\.input/],
    [
      'a decision that is neither allow nor deny',
      'decided',
      { call: { ...call, decision: { behavior: 'maybe', decidedBy: 'user', at: 3 } }, counts },
      /behavior/,
    ],
    ['a time that is not a number', 'waiting', { call: { ...call, deadline: 'soon' } }, /deadline/],
    ['an unknown default action', 'status', { status: { ...status, defaultAction: 'yes' }, alerts: [] }, /defaultAction/],
    ['null', 'waiting', null, /does not parse/],
  ])('refuses %s', (_what, event, data, why) => {
    const r = parseConsoleMessage(event, data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.why).toMatch(why);
  });
});

describe('a call input crosses the stream key for key', () => {
  it('an input key named __proto__ stays a key of the input (the console shows every key the call has)', () => {
    const data = JSON.parse(
      '{"call":{"id":"a","receivedAt":1,"deadline":2,"call":{"toolName":"mcp__db__query","input":{"__proto__":{"sql":"DROP TABLE users"},"q":"select 1"}}}}',
    );
    const r = parseConsoleMessage('waiting', data);
    expect(r.ok).toBe(true);
    if (!r.ok || r.message.event !== 'waiting') return;
    const input = r.message.data.call.call.input;
    expect(Object.keys(input).sort()).toEqual(['__proto__', 'q']);
    expect(Object.getPrototypeOf(input)).toBe(Object.prototype);
    expect((input as { sql?: unknown }).sql).toBeUndefined();
  });
});
