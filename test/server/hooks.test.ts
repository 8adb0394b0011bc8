/**
 * Claude Code's http hooks on the real server (port 0): PermissionRequest answered in the hook
 * output format, hostile bodies refused with a JSON error (never an allow), the token, the call
 * leaving the queue when Claude answers at its own prompt (PostToolUse) or closes the request,
 * and one answer when the same question arrives on the hook and the MCP prompt tool.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PermissionUpdate, Policy, PolicyVerdict } from '../../src/core/types.js';
import { askApproval, parseResult, rawRequest, testHarness, waitFor, type TestServer } from '../helpers/server.js';

const h = testHarness();
afterEach(() => h.cleanup());

const SESSION = '3f8e0c4e-1111-4222-8333-444455556666';
const base = (over: Record<string, unknown> = {}) => ({
  session_id: SESSION,
  transcript_path: '/home/me/.claude/projects/x/3f8e.jsonl',
  cwd: '/home/me/work',
  prompt_id: 'accc',
  permission_mode: 'default',
  effort: { level: 'medium' },
  hook_event_name: 'PermissionRequest',
  tool_name: 'Bash',
  tool_input: { command: 'echo hello > out.txt', description: 'Write a marker file' },
  permission_suggestions: [{ type: 'addDirectories', directories: ['/home/me/work'], destination: 'session' }],
  ...over,
});

const hookUrl = (t: TestServer, path = '/hooks/claude/permission-request') => `${t.server.url}${path}`;

function post(url: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
}

const rules =
  (table: Record<string, PolicyVerdict>): Policy =>
  (call) =>
    table[String(call.input.command)] ?? { action: 'ask', decidedBy: 'default' };

describe('POST /hooks/claude/permission-request', () => {
  it('a waiting call carries the route, session, cwd, mode and suggestions; a person allows it; the answer is the hook format', async () => {
    const t = await h.start();
    const res = post(`${hookUrl(t)}/builder`, base());
    await waitFor(() => t.broker.snapshot().pending.length === 1, 5000, 'the call to wait');
    const p = t.broker.snapshot().pending[0]!;
    expect(p.call).toMatchObject({
      toolName: 'Bash',
      input: { command: 'echo hello > out.txt' },
      agent: { name: 'builder', route: 'claude-hook', conversationId: SESSION, cwd: '/home/me/work', permissionMode: 'default' },
      suggestions: [{ type: 'addDirectories', directories: ['/home/me/work'], destination: 'session' }],
    });
    const perms: PermissionUpdate[] = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'echo:*' }], behavior: 'allow', destination: 'session' }];
    t.broker.decide(p.id, { behavior: 'allow', updatedPermissions: perms });
    const r = await res;
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await r.json()).toEqual({
      hookSpecificOutput: {
        hookEventName: 'PermissionRequest',
        decision: { behavior: 'allow', updatedInput: { command: 'echo hello > out.txt', description: 'Write a marker file' }, updatedPermissions: perms },
      },
    });
  });

  it('rules decide at once; a deny carries the rule message verbatim, and interrupt when asked', async () => {
    const message = "Don't delete files; move them to ./trash instead.";
    const t = await h.start({
      policy: rules({
        'touch ok': { action: 'allow', decidedBy: 'rule:r1' },
        'rm -rf x': { action: 'deny', decidedBy: 'rule:r2', message },
      }),
    });
    const allow = await (await post(hookUrl(t), base({ tool_input: { command: 'touch ok' } }))).json();
    expect(allow).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'allow', updatedInput: { command: 'touch ok' } } },
    });
    const deny = await (await post(hookUrl(t), base({ tool_input: { command: 'rm -rf x' } }))).json();
    expect(deny).toEqual({ hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message } } });

    const waiting = post(hookUrl(t), base({ tool_input: { command: 'make' } }));
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny', message: '  use `npm run build`  ', interrupt: true });
    expect(await (await waiting).json()).toEqual({
      hookSpecificOutput: { hookEventName: 'PermissionRequest', decision: { behavior: 'deny', message: 'use `npm run build`', interrupt: true } },
    });
    expect(t.broker.snapshot().counts).toMatchObject({ allowed: 1, denied: 2 });
  });

  it('the agent name comes as for /mcp: ?agent= or X-CCO-Agent; a bad one is refused', async () => {
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }) });
    await post(`${hookUrl(t)}?agent=docs`, base());
    await post(hookUrl(t), base(), { 'x-cco-agent': 'api' });
    expect(t.broker.snapshot().recent.map((d) => d.call.agent?.name)).toEqual(['api', 'docs']);
    const bad = await post(`${hookUrl(t)}/..%2Fx`, base());
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'bad_agent' } });
  });

  it('malformed suggestions are left out, valid ones kept', async () => {
    const t = await h.start();
    const res = post(
      hookUrl(t),
      base({ permission_suggestions: [{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }, { type: 'addRules', rules: 'all' }, 42] }),
    );
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    expect(t.broker.snapshot().pending[0]!.call.suggestions).toEqual([{ type: 'setMode', mode: 'acceptEdits', destination: 'session' }]);
    t.broker.shutdown();
    expect(await (await res).json()).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'deny' } } });
  });

  const hostile: Array<[string, string | Record<string, unknown>, number, string]> = [
    ['not JSON', '{"session_id": ', 400, 'bad_json'],
    ['a JSON array', '[1,2]', 400, 'bad_body'],
    ['JSON null', 'null', 400, 'bad_body'],
    ['no hook_event_name', { ...base(), hook_event_name: undefined }, 400, 'unknown_event'],
    ['an unknown event', base({ hook_event_name: 'PreToolUse' }), 400, 'unknown_event'],
    ['a PostToolUse on this path', base({ hook_event_name: 'PostToolUse' }), 400, 'unknown_event'],
    ['tool_input a string', base({ tool_input: 'rm -rf /' }), 400, 'bad_body'],
    ['tool_input missing', { ...base(), tool_input: undefined }, 400, 'bad_body'],
    ['tool_name a number', base({ tool_name: 7 }), 400, 'bad_body'],
    ['tool_name empty', base({ tool_name: '' }), 400, 'bad_body'],
    ['session_id missing', { ...base(), session_id: undefined }, 400, 'bad_body'],
    ['cwd an object', base({ cwd: { path: '/' } }), 400, 'bad_body'],
    ['permission_suggestions not a list', base({ permission_suggestions: { type: 'setMode' } }), 400, 'bad_body'],
    ['a tool_input nested 100 deep', base({ tool_input: JSON.parse(`${'{"a":'.repeat(100)}1${'}'.repeat(100)}`) as Record<string, unknown> }), 400, 'bad_body'],
    ['a 2 MiB body', base({ tool_input: { command: 'x'.repeat(2 * 1024 * 1024) } }), 413, 'too_large'],
  ];
  it.each(hostile)('%s: a clear JSON error, and nothing reaches the queue or is allowed', async (_name, body, status, code) => {
    // A policy that allows everything: if anything got through, it would be allowed.
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:all' }) });
    const r = await post(hookUrl(t), body);
    expect(r.status).toBe(status);
    const json = (await r.json()) as { error: { code: string; message: string }; hookSpecificOutput?: unknown };
    expect(json.error.code).toBe(code);
    expect(json.error.message.length).toBeGreaterThan(10);
    expect(json.hookSpecificOutput).toBeUndefined();
    expect(t.broker.snapshot().counts).toMatchObject({ allowed: 0 });
    expect(t.broker.snapshot().recent).toEqual([]);
  });

  it('with a token: none or a wrong one is 401 with a JSON error naming the fix; the right one is served', async () => {
    const t = await h.start({ mcpToken: 'hook-secret', policy: () => ({ action: 'allow', decidedBy: 'rule:all' }) });
    for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: 'hook-secret' }] as Array<Record<string, string>>) {
      const r = await post(hookUrl(t), base(), headers);
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: { code: 'unauthorized', message: expect.stringContaining('cco setup --hooks') } });
    }
    const post2 = await post(hookUrl(t, '/hooks/claude/post-tool-use'), base({ hook_event_name: 'PostToolUse' }));
    expect(post2.status).toBe(401);
    expect(t.broker.snapshot().recent).toEqual([]);
    const ok = await post(hookUrl(t), base(), { authorization: 'Bearer hook-secret' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
  });

  it('a foreign Host or Origin is refused before anything else', async () => {
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:all' }) });
    const body = JSON.stringify(base());
    const host = await rawRequest(hookUrl(t), { method: 'POST', headers: { host: 'evil.example', 'content-type': 'application/json' }, body });
    expect(host.status).toBe(403);
    const origin = await post(hookUrl(t), body, { origin: 'https://evil.example' });
    expect(origin.status).toBe(403);
    expect(t.broker.snapshot().recent).toEqual([]);
  });

  it('Claude closes the hook request (No at its prompt, or it exits): the call leaves the queue as cancelled', async () => {
    const t = await h.start();
    const ac = new AbortController();
    const res = post(hookUrl(t), base(), {}, ac.signal).catch(() => undefined);
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    ac.abort();
    await res;
    await waitFor(() => t.broker.snapshot().pending.length === 0, 5000, 'the call to leave the queue');
    expect(t.broker.snapshot().recent[0]!.decision).toMatchObject({ behavior: 'deny', decidedBy: 'cancelled' });
  });

  it("a timeout is cco's explained denial", async () => {
    const t = await h.start({ timeoutMs: 200 });
    const r = await (await post(hookUrl(t), base())).json();
    expect(r).toMatchObject({
      hookSpecificOutput: { decision: { behavior: 'deny', message: expect.stringMatching(/^Timed out: nobody decided this call in cco/) } },
    });
  });
});

describe("POST /hooks/claude/post-tool-use: answered at Claude's own prompt", () => {
  it('withdraws the oldest matching call of that session as answered elsewhere; the hook request gets {}', async () => {
    const t = await h.start();
    const first = post(hookUrl(t), base());
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    const second = post(hookUrl(t), base());
    const otherSession = post(hookUrl(t), base({ session_id: 'other' }));
    const otherInput = post(hookUrl(t), base({ tool_input: { command: 'echo hello > out.txt', description: 'another' } }));
    await waitFor(() => t.broker.snapshot().pending.length === 4);
    const oldest = t.broker.snapshot().pending[0]!.id;

    const done = await post(hookUrl(t, '/hooks/claude/post-tool-use'), {
      ...base({ hook_event_name: 'PostToolUse' }),
      permission_suggestions: undefined,
      tool_use_id: 'toolu_1',
      tool_response: { stdout: '', stderr: '', interrupted: false },
      duration_ms: 12,
    });
    expect(done.status).toBe(200);
    expect(await done.json()).toEqual({});
    expect(await (await first).json()).toEqual({});
    const snap = t.broker.snapshot();
    expect(snap.pending).toHaveLength(3);
    expect(snap.pending.map((p) => p.id)).not.toContain(oldest);
    expect(snap.recent[0]).toMatchObject({ id: oldest, decision: { decidedBy: 'elsewhere' } });
    // Not a denial by anyone: counted with the withdrawn calls.
    expect(snap.counts).toEqual({ allowed: 0, denied: 0, timedOut: 0, cancelled: 1 });

    // PostToolUseFailure (the command failed after Claude's own Yes) withdraws the next one.
    await post(hookUrl(t, '/hooks/claude/post-tool-use'), base({ hook_event_name: 'PostToolUseFailure', error: 'exit 1' }));
    expect(await (await second).json()).toEqual({});
    // A PostToolUse that matches nothing changes nothing.
    await post(hookUrl(t, '/hooks/claude/post-tool-use'), base({ hook_event_name: 'PostToolUse', tool_input: { command: 'ls' } }));
    expect(t.broker.snapshot().pending).toHaveLength(2);
    t.broker.shutdown();
    await Promise.all([otherSession, otherInput]);
  });

  it('refuses a PermissionRequest body and bad JSON, withdrawing nothing', async () => {
    const t = await h.start();
    const res = post(hookUrl(t), base());
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    const wrong = await post(hookUrl(t, '/hooks/claude/post-tool-use'), base());
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: { code: 'unknown_event' } });
    expect((await post(hookUrl(t, '/hooks/claude/post-tool-use'), '{')).status).toBe(400);
    expect(t.broker.snapshot().pending).toHaveLength(1);
    t.broker.shutdown();
    await res;
  });
});

describe('the same question on the hook and the MCP prompt tool (claude -p with both)', () => {
  it('MCP first: the hook answers {} at once; one call in the queue, one decision', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const input = { command: 'echo hello > out.txt', description: 'Write a marker file' };
    const mcp = askApproval(client, 'Bash', input);
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    const hook = await (await post(hookUrl(t), base({ tool_input: { description: 'Write a marker file', command: 'echo hello > out.txt' } }))).json();
    expect(hook).toEqual({});
    expect(t.broker.snapshot().pending).toHaveLength(1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    expect(parseResult(await mcp)).toMatchObject({ behavior: 'allow' });
    expect(t.broker.snapshot().recent).toHaveLength(1);
  });

  it('hook first: the MCP call takes the question over; the hook request gets {} (no second answer)', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const hook = post(hookUrl(t), base());
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    const mcp = askApproval(client, 'Bash', base().tool_input);
    expect(await (await hook).json()).toEqual({});
    await waitFor(() => t.broker.snapshot().pending.length === 1 && t.broker.snapshot().pending[0]!.call.agent?.route !== 'claude-hook');
    expect(t.broker.snapshot().recent[0]!.decision).toMatchObject({ decidedBy: 'elsewhere', message: expect.stringContaining('MCP route') });
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'deny', message: 'no' });
    expect(parseResult(await mcp)).toMatchObject({ behavior: 'deny', message: 'no' });
  });

  it('?via=both: the hook waits a moment for its MCP twin, so the queue never shows the hook copy', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    let versions = 0;
    t.broker.subscribe(() => versions++);
    const hook = post(`${hookUrl(t)}?via=both`, base());
    await new Promise((r) => setTimeout(r, 100));
    expect(t.broker.snapshot().pending).toHaveLength(0);
    const mcp = askApproval(client, 'Bash', base().tool_input);
    expect(await (await hook).json()).toEqual({});
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    expect(t.broker.snapshot().pending[0]!.call.agent?.route).toBeUndefined();
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    await mcp;
    expect(t.broker.snapshot().recent).toHaveLength(1);
    expect(versions).toBeGreaterThan(0);
  });

  it('while an MCP session is open, a plain hook question waits a moment for its twin: hook first, still one call', async () => {
    const t = await h.start();
    const client = await h.client(t.server.mcpUrl);
    const hook = post(hookUrl(t), base());
    const mcp = askApproval(client, 'Bash', base().tool_input);
    expect(await (await hook).json()).toEqual({});
    await waitFor(() => t.broker.snapshot().pending.length === 1);
    t.broker.decide(t.broker.snapshot().pending[0]!.id, { behavior: 'allow' });
    await mcp;
    expect(t.broker.snapshot().recent.map((d) => d.decision.decidedBy)).toEqual(['user']);
  });

  it('?via=both without an MCP twin: after the wait the hook question goes to the queue and is answered there', async () => {
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }) });
    const r = await (await post(`${hookUrl(t)}?via=both`, base())).json();
    expect(r).toMatchObject({ hookSpecificOutput: { decision: { behavior: 'allow' } } });
  });

  it('a rule-decided MCP call answered at once still pairs with its hook twin', async () => {
    const t = await h.start({ policy: () => ({ action: 'allow', decidedBy: 'rule:r1' }) });
    const client = await h.client(t.server.mcpUrl);
    // Two calls: the first teaches the session its roots (the fast path needs them), the second is answered at once.
    for (let i = 0; i < 2; i++) {
      const input = { command: `touch f${i}` };
      expect(parseResult(await askApproval(client, 'Bash', input))).toMatchObject({ behavior: 'allow' });
      expect(await (await post(hookUrl(t), base({ tool_input: input }))).json()).toEqual({});
    }
    expect(t.broker.snapshot().recent).toHaveLength(2);
  });
});

describe('permission_suggestions cco would relay', () => {
  it('a suggestion to switch to bypassPermissions is dropped, as the decision API refuses it', async () => {
    const { validSuggestions } = await import('../../src/server/hooks.js');
    const ok: PermissionUpdate = { type: 'setMode', mode: 'acceptEdits', destination: 'session' };
    const kept = validSuggestions([
      { type: 'setMode', mode: 'bypassPermissions', destination: 'session' },
      { type: 'setMode', mode: 'BypassPermissions', destination: 'session' },
      ok,
    ]);
    expect(kept).toEqual([ok]);
  });
});
