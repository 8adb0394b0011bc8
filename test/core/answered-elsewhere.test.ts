/** A call answered outside cco: withdrawn as `elsewhere`, shown and counted as nobody's denial; the route pairing. */
import { describe, expect, it } from 'vitest';
import { auditRecord, pairRecords, toDecidedCalls } from '../../src/core/audit.js';
import { Broker } from '../../src/core/broker.js';
import { NotPendingError } from '../../src/core/errors.js';
import { agentLabel, outcomeText, routeText } from '../../src/core/summary.js';
import type { AgentInfo, Decision, ToolCall } from '../../src/core/types.js';
import { canonicalJson, RouteJoin } from '../../src/server/route-join.js';
import { FakeClock } from '../helpers/fake-clock.js';

const hookAgent: AgentInfo = { route: 'claude-hook', conversationId: '3f8e0c4e-aaaa', cwd: '/w', permissionMode: 'default', client: { name: 'claude-code' } };
const call = (command: string, agent: AgentInfo = hookAgent): ToolCall => ({ toolName: 'Bash', input: { command }, agent });

function setup() {
  const clock = new FakeClock();
  let n = 0;
  const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 60_000 });
  return { clock, broker };
}

describe('Broker.withdraw', () => {
  it('settles a waiting call as elsewhere: a deny by nobody, counted with the withdrawn calls, timer cleared', async () => {
    const { broker, clock } = setup();
    const p = broker.request(call('make'));
    clock.advance(2000);
    const d = broker.withdraw('c1');
    expect(d).toMatchObject({ behavior: 'deny', decidedBy: 'elsewhere', at: clock.now() });
    await expect(p).resolves.toEqual(d);
    expect(broker.snapshot().counts).toEqual({ allowed: 0, denied: 0, timedOut: 0, cancelled: 1 });
    expect(clock.activeTimers).toBe(0);
    // Once withdrawn, a late decision is told "already decided", and a second withdraw does nothing.
    expect(() => broker.decide('c1', { behavior: 'allow' })).toThrow(NotPendingError);
    expect(broker.withdraw('c1')).toBeUndefined();
    expect(broker.withdraw('nope')).toBeUndefined();
  });
});

describe('words for a decision and a route', () => {
  const d = (over: Partial<Decision>): Decision => ({ behavior: 'deny', decidedBy: 'user', at: 0, ...over });
  it.each([
    [d({ behavior: 'allow' }), 'allowed'],
    [d({ behavior: 'allow', edited: true }), 'allowed with edited input'],
    [d({}), 'denied'],
    [d({ decidedBy: 'cancelled' }), 'denied'],
    [d({ decidedBy: 'elsewhere' }), 'answered elsewhere'],
  ])('%j reads %s', (decision, text) => expect(outcomeText(decision)).toBe(text));

  it.each([
    [undefined, 'MCP prompt tool'],
    [{}, 'MCP prompt tool'],
    [hookAgent, 'Claude Code hook, mode default'],
    [{ route: 'claude-hook', permissionMode: 'x\u001b[31m' } as AgentInfo, 'Claude Code hook, mode x\\u001b[31m'],
  ])('route of %j is %s', (agent, text) => expect(routeText(agent)).toBe(text));

  it('a hook agent without a name is labelled by its Claude session id', () => {
    expect(agentLabel(hookAgent)).toBe('claude-code#3f8e');
  });
});

describe('RouteJoin: one question on two routes', () => {
  it('deep-equal inputs give one key whatever the key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe('{"a":{"c":null,"d":[1,{"e":3,"f":2}]},"b":1}');
  });

  it('an MCP call pairs with one hook question inside the window only', async () => {
    const { broker } = setup();
    let now = 0;
    const join = new RouteJoin(broker, { windowMs: 5000, now: () => now });
    join.mcpCall(call('make', {}));
    expect(await join.hookDefers(call('make'), false)).toBe(true);
    // Another hook of the same Claude session (settings and `cco run` both registered one) pairs too;
    // a question from another session does not.
    expect(await join.hookDefers(call('make'), false)).toBe(true);
    expect(await join.hookDefers(call('make', { ...hookAgent, conversationId: 'other' }), false)).toBe(false);
    join.mcpCall(call('make', {}));
    now = 6000;
    expect(await join.hookDefers(call('make'), false)).toBe(false);
    join.mcpCall(call('make test', {}));
    expect(await join.hookDefers(call('make'), false)).toBe(false);
  });

  it('an MCP call takes over a waiting hook question of the same call, not one of another input', async () => {
    const { broker } = setup();
    const hookA = broker.request(call('make'));
    const hookB = broker.request(call('make install'));
    const join = new RouteJoin(broker, { now: () => broker.snapshot().pending[0]!.receivedAt });
    join.mcpCall(call('make', {}));
    expect(await hookA).toMatchObject({ decidedBy: 'elsewhere', message: expect.stringContaining('MCP route') });
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['make install']);
    broker.shutdown();
    await hookB;
  });

  it('an MCP call answers every copy of its question from one session: waiting for it and already queued', async () => {
    const { broker } = setup();
    const join = new RouteJoin(broker, { now: () => broker.snapshot().pending[0]?.receivedAt ?? 0 });
    const queued = broker.request(call('make'));
    const other = broker.request(call('make', { ...hookAgent, conversationId: 'other' }));
    const waiting = join.hookDefers(call('make'), 'long');
    join.mcpCall(call('make', {}));
    expect(await waiting).toBe(true);
    expect(await queued).toMatchObject({ decidedBy: 'elsewhere' });
    expect(broker.snapshot().pending.map((p) => p.call.agent?.conversationId)).toEqual(['other']);
    broker.shutdown();
    await other;
  });

  it('remembers MCP calls for the window only, oldest first, and at most 10,000 of them', async () => {
    const { broker } = setup();
    let now = 1_000_000;
    const join = new RouteJoin(broker, { now: () => now, windowMs: 5000 });
    join.mcpCall(call('first', {}));
    for (let i = 0; i < 3000; i++, now += 1) join.mcpCall(call(`flood ${i}`, {}));
    // Inside the window: found among thousands, and paired with the session that asked.
    expect(await join.hookDefers(call('first'), false)).toBe(true);
    expect(await join.hookDefers(call('flood 2999'), false)).toBe(true);
    now += 5001;
    expect(await join.hookDefers(call('first'), false)).toBe(false);
    expect(await join.hookDefers(call('flood 2999'), false)).toBe(false);
    // The same question twice: each MCP call answers its own copy, the second stays after the first expires.
    join.mcpCall(call('twice', {}));
    now += 3000;
    join.mcpCall(call('twice', {}));
    now += 2500;
    expect(await join.hookDefers(call('twice'), false)).toBe(true);
    // A flood past the bound forgets the oldest first.
    join.mcpCall(call('early', {}));
    for (let i = 0; i < 10_000; i++) join.mcpCall(call(`more ${i}`, {}));
    expect(await join.hookDefers(call('early'), false)).toBe(false);
    expect(await join.hookDefers(call('more 9999'), false)).toBe(true);
    broker.shutdown();
  });

  it('finds the oldest waiting hook question of that Claude session', () => {
    const { broker } = setup();
    void broker.request(call('make'));
    void broker.request(call('make', { ...hookAgent, conversationId: 'other' }));
    void broker.request(call('make'));
    const join = new RouteJoin(broker);
    expect(join.waitingHookCall('3f8e0c4e-aaaa', 'Bash', { command: 'make' })).toBe('c1');
    expect(join.waitingHookCall('other', 'Bash', { command: 'make' })).toBe('c2');
    expect(join.waitingHookCall('3f8e0c4e-aaaa', 'Write', { command: 'make' })).toBeUndefined();
    broker.shutdown();
  });
});

describe('the audit log keeps the route', () => {
  it('a hook call is recorded with its route, Claude session id and mode, and read back with them; elsewhere stays elsewhere', async () => {
    const { broker } = setup();
    const events: Parameters<typeof auditRecord>[0][] = [];
    broker.onEvent((e) => events.push(e));
    const p = broker.request(call('make'));
    broker.withdraw('c1');
    await p;
    const records = events.map((e) => auditRecord(e, agentLabel(hookAgent)));
    expect(records[0]).toMatchObject({
      event: 'request',
      route: 'claude-hook',
      conversationId: '3f8e0c4e-aaaa',
      permissionMode: 'default',
      cwd: '/w',
      agentLabel: 'claude-code#3f8e',
    });
    expect(records[1]).toMatchObject({ event: 'decision', decidedBy: 'elsewhere', behavior: 'deny' });
    const [back] = toDecidedCalls(pairRecords(JSON.parse(JSON.stringify(records))), 10);
    expect(back!.call.agent).toMatchObject({ route: 'claude-hook', conversationId: '3f8e0c4e-aaaa', permissionMode: 'default' });
    expect(back!.decision.decidedBy).toBe('elsewhere');
    // An MCP call has no route field: the log stays as it was.
    expect(auditRecord({ type: 'request', id: 'x', call: call('ls', { sessionId: 's' }), at: 0, deadline: 0, autoDecided: false }, 'a')).not.toHaveProperty(
      'route',
    );
  });
});
