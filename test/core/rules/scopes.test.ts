import { describe, expect, it } from 'vitest';
import { compileRules, type Rule } from '../../../src/core/rules/index.js';
import type { AgentInfo, ToolCall } from '../../../src/core/types.js';
import { HOME } from './helpers.js';

const T0 = Date.parse('2026-08-02T10:00:00Z');
const call = (agent: AgentInfo | undefined, command = 'npm test'): ToolCall =>
  agent === undefined ? { toolName: 'Bash', input: { command } } : { toolName: 'Bash', input: { command }, agent };

/** Whether the one scoped allow rule decides `c` at time `now` (the engine's injected clock). */
function allows(scope: Partial<Rule>, c: ToolCall, now: number | null): boolean {
  const set = compileRules([{ id: 'r7', pattern: 'Bash(npm test:*)', action: 'allow', ...scope }], {
    homeDir: HOME,
    ...(now === null ? {} : { now: () => now }),
  });
  return set.evaluate(c).decidedBy === 'rule:r7';
}

const A: AgentInfo = { name: 'api', sessionId: 'mcp-1', cwd: '/repo' };

describe('scoped rules: each scope matches, and stops matching', () => {
  it.each<[string, Partial<Rule>, ToolCall, number | null, boolean]>([
    ['session: same MCP session', { session: 'mcp-1' }, call(A), T0, true],
    ['session: another session', { session: 'mcp-1' }, call({ ...A, sessionId: 'mcp-2' }), T0, false],
    ['session: the conversation id is the key when the route sends one', { session: 'conv-9' }, call({ ...A, conversationId: 'conv-9' }), T0, true],
    ['session: an MCP id no longer counts once a conversation id is sent', { session: 'mcp-1' }, call({ ...A, conversationId: 'conv-9' }), T0, false],
    ['session: a call with no session (ended, unknown) fails closed', { session: 'mcp-1' }, call({ name: 'api', cwd: '/repo' }), T0, false],
    ['session: no agent at all', { session: 'mcp-1' }, call(undefined), T0, false],
    ['agent: same name', { agent: 'api' }, call(A), T0, true],
    ['agent: another agent', { agent: 'api' }, call({ ...A, name: 'web' }), T0, false],
    ['cwd: the project itself', { cwd: '/repo' }, call(A), T0, true],
    ['cwd: inside the project', { cwd: '/repo' }, call({ ...A, cwd: '/repo/pkg/a' }), T0, true],
    ['cwd: normalized before comparing', { cwd: '/repo/' }, call({ ...A, cwd: '/repo/pkg/../x/' }), T0, true],
    ['cwd: a sibling with the same prefix', { cwd: '/repo' }, call({ ...A, cwd: '/repo-other' }), T0, false],
    ['cwd: climbing out', { cwd: '/repo' }, call({ ...A, cwd: '/repo/../etc' }), T0, false],
    ['cwd: no cwd fails closed', { cwd: '/repo' }, call({ name: 'api', sessionId: 'mcp-1' }), T0, false],
    ['cwd: a relative cwd fails closed', { cwd: '/repo' }, call({ ...A, cwd: 'repo' }), T0, false],
    ['expires: before', { expires: T0 + 3_600_000 }, call(A), T0 + 3_599_999, true],
    ['expires: at the instant', { expires: T0 + 3_600_000 }, call(A), T0 + 3_600_000, false],
    ['expires: after', { expires: T0 + 3_600_000 }, call(A), T0 + 7_200_000, false],
    ['expires: no clock given never allows', { expires: T0 + 3_600_000 }, call(A), null, false],
    ['all together: every condition holds', { session: 'mcp-1', agent: 'api', cwd: '/repo', expires: T0 + 60_000 }, call(A), T0, true],
    ['all together: one fails', { session: 'mcp-1', agent: 'api', cwd: '/repo', expires: T0 + 60_000 }, call({ ...A, cwd: '/tmp' }), T0, false],
    ['the pattern still has to match', { session: 'mcp-1' }, call(A, 'rm -rf /'), T0, false],
  ])('%s', (_what, scope, c, now, expected) => {
    expect(allows(scope, c, now)).toBe(expected);
  });

  it('an expired allow rule gives way to the default, and the explanation says why', () => {
    const set = compileRules([{ id: 'r7', pattern: 'Bash', action: 'allow', expires: T0 }], { homeDir: HOME, now: () => T0 + 1 });
    const e = set.explain(call(A));
    expect(e.evaluation.decidedBy).toBe('default');
    expect(e.trace[0]?.reason).toMatch(/expired/);
  });

  it('a bad scope is an error naming the rule', () => {
    expect(() => compileRules([{ id: 'r1', pattern: 'Bash', action: 'allow', cwd: 'repo' }], { homeDir: HOME })).toThrow(/r1.*absolute/);
    expect(() => compileRules([{ id: 'r1', pattern: 'Bash', action: 'allow', session: '' }], { homeDir: HOME })).toThrow(/r1.*session/);
    expect(() => compileRules([{ id: 'r1', pattern: 'Bash', action: 'allow', expires: Number.NaN }], { homeDir: HOME })).toThrow(/r1.*expires/);
  });
});

describe('a project grant is saved for the folder it names', () => {
  it('a cwd with `..` or a trailing slash is saved normalized, and `/` is no project', async () => {
    const { whereFields } = await import('../../../src/core/grant.js');
    const call = (cwd: string): ToolCall => ({ toolName: 'Bash', input: { command: 'ls' }, agent: { name: 'a', cwd } });
    expect(whereFields('project', call('/repo/'))).toEqual({ ok: true, fields: { cwd: '/repo' } });
    expect(whereFields('project', call('/repo/sub/..'))).toEqual({ ok: true, fields: { cwd: '/repo' } });
    expect(whereFields('project', call('/repo/..')).ok).toBe(false);
    expect(whereFields('project', call('/')).ok).toBe(false);
  });
});
