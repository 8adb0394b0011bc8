import { afterEach, describe, expect, it, vi } from 'vitest';
import { auditRecord, type LogEntry } from '../../src/core/audit.js';
import { Broker } from '../../src/core/broker.js';
import type { Grant } from '../../src/core/grant.js';
import type { Decision, ToolCall } from '../../src/core/types.js';
import { withPastAsks } from '../../src/core/console-source.js';
import { bash, keys, renderConsole } from './helpers.js';

const right = '\u001B[C';
const left = '\u001B[D';

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

type OnGrant = (g: Grant) => void | { id: string } | Promise<void | { id: string }>;

function setup(onAlwaysAllow?: OnGrant, extra: { broker?: Broker; pastAsks?: readonly LogEntry[] } = {}) {
  let n = 0;
  const broker = extra.broker ?? new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
  const source = extra.pastAsks ? withPastAsks(broker, () => extra.pastAsks!) : broker;
  const c = renderConsole({ broker, source, homeDir: '/home/me', ...(onAlwaysAllow ? { onAlwaysAllow } : {}) });
  unmount = c.ui.unmount;
  return c;
}

const inSession = (command: string, sessionId = 's1', more: Partial<ToolCall['agent']> = {}): ToolCall => ({
  toolName: 'Bash',
  input: { command },
  agent: { name: 'api', sessionId, cwd: '/home/me/repo', ...more },
});

describe('A: always allow, with a scope', () => {
  it('offers the narrowest pattern and scope, counts what it matches, saves it and allows the call as yours', async () => {
    const saved: Grant[] = [];
    const { broker, frame, press } = setup((g) => {
      saved.push(g);
      return { id: 'r7' };
    });
    const target = broker.request(inSession('npm test -- --watch'));
    void broker.request(inSession('npm test'));
    void broker.request(inSession('npm test', 's2'));
    void broker.request(inSession('npm publish'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Bash(npm test:*)'));
    expect(frame()).toContain('Scope: this session, 1h');
    // c2 (same session) matches; c3 (another session) does not.
    expect(frame()).toContain('Matches 2 waiting, 0 recent');
    expect(frame()).toContain('The rule lives in cco');
    let settled: Decision | undefined;
    void target.then((d) => (settled = d));
    await press(keys.enter, () => settled !== undefined);
    expect(saved).toEqual([{ pattern: 'Bash(npm test:*)', fields: { session: 's1' }, forMs: 3_600_000, scope: 'this session, 1h', callId: 'c1' }]);
    expect(settled).toMatchObject({ behavior: 'allow', decidedBy: 'user', savedRule: 'r7 for 1h' });
    await vi.waitFor(() => expect(frame()).toContain('you · saved r7 for 1h'));
  });

  it('Tab moves the scope out (agent, project, every agent), arrows change how long; the live count follows', async () => {
    const saved: Grant[] = [];
    const { broker, frame, press } = setup((g) => void saved.push(g));
    void broker.request(inSession('npm test'));
    void broker.request(inSession('npm test', 's2', { name: 'web', cwd: '/home/me/other' }));
    void broker.request(inSession('npm test', 's3', { cwd: '/home/me/repo/pkg' }));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Scope: this session, 1h'));
    expect(frame()).toContain('Matches 1 waiting');
    await press(keys.tab, () => frame().includes('Scope: this agent, 1h'));
    expect(frame()).toContain('Matches 2 waiting');
    await press(keys.tab, () => frame().includes('Scope: this project, 1h'));
    expect(frame()).toContain('Matches 2 waiting');
    await press(keys.tab, () => frame().includes('Scope: every agent, 1h'));
    expect(frame()).toContain('Matches 3 waiting');
    await press(right, () => frame().includes('Scope: every agent, 4h'));
    await press(right, () => frame().includes('Scope: every agent, forever'));
    await press(right, () => frame().includes('Scope: every agent, forever'));
    await press(left + left + left, () => frame().includes('Scope: every agent, 15m'));
    await press(keys.tab, () => frame().includes('Scope: this session, 15m'));
    await press(keys.enter, () => saved.length === 1);
    expect(saved[0]).toMatchObject({ fields: { session: 's1' }, forMs: 900_000 });
  });

  it('a call with no session starts at the next narrowest scope, and Tab skips what it lacks', async () => {
    const { broker, frame, press } = setup(() => {});
    void broker.request({ toolName: 'Bash', input: { command: 'make' }, agent: { cwd: '/home/me/repo' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Scope: this project, 1h'));
    await press(keys.tab, () => frame().includes('Scope: every agent, 1h'));
    await press(keys.tab, () => frame().includes('Scope: this project, 1h'));
    await press(keys.escape, () => frame().includes('No rule saved'));
  });

  it('the pattern can be edited; an invalid one is explained and not saved', async () => {
    const onAlwaysAllow = vi.fn();
    const { broker, frame, press } = setup(onAlwaysAllow);
    void broker.request({ toolName: 'Read', input: { file_path: '/home/me/src/a.ts' } });
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Read('));
    for (let i = 0; i < 40; i++) await press(keys.backspace, () => true);
    await vi.waitFor(() => expect(frame()).toMatch(/Always allow: \s/));
    await press('Read(', () => frame().includes('Always allow: Read('));
    await vi.waitFor(() => expect(frame()).not.toContain('Matches'));
    await press(keys.enter, () => frame().includes('Always allow: Read('));
    expect(onAlwaysAllow).not.toHaveBeenCalled();
    await press('~/**)', () => frame().includes('Matches 1 waiting'));
    await press(keys.escape, () => frame().includes('No rule saved'));
    expect(onAlwaysAllow).not.toHaveBeenCalled();
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('a force push is never saved from the proposal: only a pattern typed by hand', async () => {
    const saved: Grant[] = [];
    const { broker, frame, press } = setup((g) => void saved.push(g));
    void broker.request(inSession('git push --force origin main'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Type a pattern (it is a force push); proposal: Bash(git push --force origin main)'));
    await press(keys.enter, () => frame().includes('Type a pattern (it is a force push)'));
    expect(saved).toEqual([]);
    await press('Bash(git push --force origin main)', () => frame().includes('Matches 1 waiting'));
    await press(keys.enter, () => saved.length === 1);
    expect(saved[0]?.pattern).toBe('Bash(git push --force origin main)');
  });

  it('a locked call with past asks at hand: the replay line asks for a pattern, then counts it', async () => {
    const { broker, frame, press } = setup(() => {}, { pastAsks: [] });
    void broker.request(inSession('git push --force origin main'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Past asks: type a pattern to see what it would have allowed.'));
    expect(frame()).not.toContain('not available in this console');
    await press('Bash(git push --force origin main)', () => frame().includes('No past asks in the audit log to compare with.'));
  });

  it('shows the replay of the candidate against past asks, and it follows the pattern', async () => {
    const at = Date.parse('2026-08-02T09:00:00Z');
    const entry = (id: string, command: string, behavior: 'allow' | 'deny'): LogEntry => {
      const call = inSession(command);
      return {
        id,
        request: auditRecord({ type: 'request', id, call, at, deadline: at + 1000, autoDecided: false }, 'api'),
        decision: auditRecord(
          { type: 'decision', id, call, decision: { behavior, decidedBy: 'user', at: at + 10, ...(behavior === 'deny' ? { message: 'no' } : {}) }, waitMs: 10 },
          'api',
        ),
      };
    };
    const pastAsks = [entry('p1', 'cargo build', 'allow'), entry('p2', 'cargo build --target x', 'deny'), entry('p3', 'npm test', 'allow')];
    const { broker, frame, press } = setup(() => {}, { pastAsks });
    void broker.request(inSession('cargo build --release'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('it would have allowed 2 of the last 3 asks, 1 of which you denied: `cargo build --'));
    await press(keys.backspace.repeat(3) + ')', () => frame().includes('would have allowed 1 of the last 3 asks, none of which you denied'));
  });

  it('a call from Claude offers its suggestions and a write-back, says what that trades away, and sends it', async () => {
    const { broker, frame, press } = setup(() => ({ id: 'r2' }));
    const call: ToolCall = {
      ...inSession('npm test'),
      agent: { name: 'api', sessionId: 's1', cwd: '/home/me/repo', route: 'claude-hook', conversationId: 'conv-1' },
      suggestions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }], behavior: 'allow', destination: 'localSettings' }],
    };
    const target = broker.request(call);
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Tell Claude: cco only'));
    await press(keys.down, () => frame().includes("Tell Claude: Claude's suggestion: addRules Bash(npm test:*) → localSettings"));
    expect(frame()).toContain('cco neither sees nor audits them');
    await press(keys.down, () => frame().includes('tell Claude too: addRules Bash(npm test:*) → session'));
    await press(keys.down, () => frame().includes('→ localSettings'));
    await press(keys.down, () => frame().includes('→ projectSettings ⚠ shared'));
    await press(keys.up + keys.up, () => frame().includes('tell Claude too: addRules Bash(npm test:*) → session'));
    let settled: Decision | undefined;
    void target.then((d) => (settled = d));
    await press(keys.enter, () => settled !== undefined);
    expect(settled).toMatchObject({
      decidedBy: 'user',
      savedRule: 'r2 for 1h',
      updatedPermissions: [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test:*' }], behavior: 'allow', destination: 'session' }],
    });
  });

  it('A, Tab and Enter in one read save nothing: the chooser is answered once drawn', async () => {
    const saved: Grant[] = [];
    const { broker, frame, ui, press } = setup((g) => void saved.push(g));
    void broker.request(inSession('npm test'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    ui.stdin.write('A\t\r');
    await vi.waitFor(() => expect(frame()).toContain('Scope: this session, 1h'));
    expect(saved).toEqual([]);
    await press(keys.escape, () => frame().includes('No rule saved'));
  });

  it('a rule that cannot be saved leaves the call waiting', async () => {
    const { broker, frame, press } = setup(() => Promise.reject(new Error('settings file is broken')));
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('Always allow: Bash(make:*)'));
    await press(keys.enter, () => frame().includes('settings file is broken'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });

  it('without a way to save rules, A says so and decides nothing', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('make'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    await press('A', () => frame().includes('not available'));
    expect(broker.snapshot().pending).toHaveLength(1);
  });
});
