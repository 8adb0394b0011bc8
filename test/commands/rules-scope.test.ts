import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditRecord } from '../../src/core/audit.js';
import type { ToolCall } from '../../src/core/types.js';
import { AuditLog } from '../../src/store/audit.js';
import { ccoPaths } from '../../src/store/paths.js';
import { runCli, tempHome } from '../helpers/cli.js';

describe('cco rules add with a scope, list --expiring, add --preview', () => {
  it('saves --for, --session, --project; lists scope and time left; rm removes it', async () => {
    const home = tempHome();
    const before = Date.now();
    expect((await runCli(home, 'rules', 'add', 'Bash(npm test:*)', '--allow', '--for', '1h', '--session', 'conv-1', '--project', '/repo/./app')).stdout).toBe(
      'r1\n',
    );
    expect((await runCli(home, 'rules', 'add', 'Bash(ls:*)', '--allow')).stdout).toBe('r2\n');
    const file = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')) as { rules: Array<Record<string, unknown>> };
    const r1 = file.rules[0]!;
    expect(r1).toMatchObject({ id: 'r1', session: 'conv-1', cwd: '/repo/app' });
    expect(r1.expires as number).toBeGreaterThanOrEqual(before + 3_600_000);
    expect(r1.expires as number).toBeLessThanOrEqual(Date.now() + 3_600_000);

    const list = await runCli(home, 'rules', 'list');
    expect(list.stdout).toMatch(/SCOPE/);
    expect(list.stdout).toMatch(/r1.*session conv-1 · project \/repo\/app · (59m|1h) left/);
    const expiring = await runCli(home, 'rules', 'list', '--expiring');
    expect(expiring.stdout).toContain('r1');
    expect(expiring.stdout).not.toMatch(/^r2/m);

    const test = await runCli(home, 'rules', 'test', 'Bash', '{"command":"npm test"}', '--cwd', '/repo/app/pkg');
    expect(test.stdout).toMatch(/session/);

    expect((await runCli(home, 'rules', 'add', 'Bash', '--allow', '--for', 'soon')).stderr).toMatch(/--for: Invalid duration/);
    expect((await runCli(home, 'rules', 'rm', 'r1')).stdout).toBe('Removed r1.\n');
    expect((await runCli(home, 'rules', 'list', '--expiring')).stdout).toBe('No rule has a time limit.\n');
  });

  it('--preview replays the rule against the audit log and saves nothing', async () => {
    const home = tempHome();
    const dir = ccoPaths({ CCO_HOME: home }).stateDir;
    mkdirSync(dir, { recursive: true });
    const log = new AuditLog({ dir });
    let at = Date.parse('2026-08-02T09:00:00Z');
    const seed = (id: string, command: string, behavior: 'allow' | 'deny') => {
      const call: ToolCall = { toolName: 'Bash', input: { command }, agent: { name: 'api', sessionId: 's1', cwd: '/repo' } };
      log.append(auditRecord({ type: 'request', id, call, at, deadline: at + 60_000, autoDecided: false }, 'api'));
      log.append(
        auditRecord(
          { type: 'decision', id, call, decision: { behavior, decidedBy: 'user', at: at + 5, ...(behavior === 'deny' ? { message: 'no' } : {}) }, waitMs: 5 },
          'api',
        ),
      );
      at += 60_000;
    };
    seed('c1', 'git push origin main', 'allow');
    seed('c2', 'git push --force origin main', 'deny');
    seed('c3', 'git push --force origin main', 'deny');
    seed('c4', 'npm test', 'allow');
    log.close();
    const out = await runCli(home, 'rules', 'add', 'Bash(git push:*)', '--allow', '--preview');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('would have allowed 3 of the last 4 asks, 2 of which you denied: `git push --force origin main` (2 Aug), and 1 more');
    expect(out.stdout).toMatch(/denied c3 2026-08-02T09:02/);
    const narrow = await runCli(home, 'rules', 'add', 'Bash(npm test:*)', '--allow', '--preview', '--session', 's2');
    expect(narrow.stdout).toContain('would have allowed 0 of the last 4 asks');
    expect((await runCli(home, 'rules', 'list')).stdout).toMatch(/No rules yet/);
  });
});
