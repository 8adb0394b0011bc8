/** `cco doctor` as a person runs it: the built binary, a real `cco serve`, a fake `claude` on PATH. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationIn } from '../../src/commands/doctor.js';
import { writeServerFile } from '../../src/store/server-file.js';
import { startServe, type Served } from './cco-process.js';
import { ccoWith, emptyPath, fakeClaude } from './fake-claude.js';

const dirs: string[] = [];
const dir = (prefix: string) => {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A user home and a project folder with no Claude settings, so only what a test adds is found. */
function places() {
  return { userHome: dir('cco-doc-home-'), cwd: dir('cco-doc-proj-') };
}

describe('with a running cco serve', () => {
  let home: string;
  let served: Served;
  beforeAll(async () => {
    home = dir('cco-doctor-');
    served = await startServe(home);
  });
  afterAll(async () => {
    await served?.stop();
  });

  it('everything in order: each check passes, warnings do not fail', async () => {
    const fake = fakeClaude({ servers: { cco: { scope: 'user', config: { type: 'http', url: served.info.mcpUrl } } } });
    const r = await ccoWith(['doctor'], { home, path: fake.path, ...places() });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`✓ A cco server (pid ${served.info.pid}, version `);
    expect(r.stdout).toContain(`is running at ${served.info.mcpUrl} and answering /health.`);
    expect(r.stdout).toContain('✓ The server file');
    expect(r.stdout).toContain('is private (mode 600).');
    expect(r.stdout).toContain(`✓ Claude Code knows "cco" at ${served.info.mcpUrl}.`);
    expect(r.stdout).toContain('✓ No config file yet');
    expect(r.stdout).toContain('✓ No Claude Code allow rules let calls bypass cco.');
    // --port 0: the running port is not the configured one
    expect(r.stdout).toContain('✗ warning: cco listens on port');
    expect(r.stdout).toContain('No problems; 1 warning.');
    expect(fake.argv()).toEqual([['mcp', 'list']]);
  });

  it('claude missing from PATH is a warning, not a failure', async () => {
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('✗ warning: claude not found on PATH');
    expect(r.stdout).toContain('fix: Install Claude Code: npm install -g @anthropic-ai/claude-code');
  });

  it('Claude Code without cco registered fails with how to fix', async () => {
    const fake = fakeClaude({ servers: { github: { scope: 'user', config: { type: 'http', url: 'https://example.com/mcp' } } } });
    const r = await ccoWith(['doctor'], { home, path: fake.path, ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ Claude Code has no MCP server named "cco".');
    expect(r.stdout).toContain('fix: Run `cco setup`');
    expect(r.stderr).toBe('cco: 1 problem found (and 1 warning): fix them as shown above.\n');
  });

  it('Claude Code pointing at another URL fails', async () => {
    const fake = fakeClaude({ servers: { cco: { scope: 'user', config: { type: 'http', url: 'http://127.0.0.1:1/mcp' } } } });
    const r = await ccoWith(['doctor'], { home, path: fake.path, ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ Claude Code's "cco" points at http://127.0.0.1:1/mcp, but cco is at ${served.info.mcpUrl}.`);
    expect(r.stdout).toContain('fix: claude mcp remove cco -s <scope>');
  });

  it('Claude Code failing to connect fails', async () => {
    const fake = fakeClaude({
      servers: { cco: { scope: 'user', config: { type: 'http', url: served.info.mcpUrl } } },
      status: '✘ Failed to connect — ECONNREFUSED: Unable to connect. Is the computer able to access the url?',
    });
    const r = await ccoWith(['doctor'], { home, path: fake.path, ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('✗ Claude Code knows "cco" but cannot connect');
  });

  it('a project server nobody approved yet passes, with a note that only the interactive claude asks', async () => {
    const fake = fakeClaude({
      servers: { cco: { scope: 'project', config: { type: 'http', url: served.info.mcpUrl } } },
      status: '⏸ Pending approval (run `claude` to approve)',
    });
    const r = await ccoWith(['doctor'], { home, path: fake.path, ...places() });
    expect(r.stdout).toContain(
      `✓ Claude Code knows "cco" at ${served.info.mcpUrl} (a project server: interactive \`claude\` asks you to approve it once; \`claude -p\` uses it as it is).`,
    );
  });
});

describe('without a running server', () => {
  it('no server file: a failure that says how to start one', async () => {
    const home = dir('cco-doctor-');
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ No cco server is running (no ${join(home, 'server.json')}).`);
    expect(r.stdout).toContain('fix: Start one with `cco watch` (console) or `cco serve` (headless).');
  });

  it('a server file left by a dead process, readable by others', async () => {
    const home = dir('cco-doctor-');
    const file = join(home, 'server.json');
    await writeServerFile(file, { url: 'http://127.0.0.1:1', mcpUrl: 'http://127.0.0.1:1/mcp', pid: 2 ** 22 + 12345, token: 't', startedAt: '', version: '0' });
    chmodSync(file, 0o644);
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`which has exited.`);
    expect(r.stdout).toContain(`✗ The server file ${file} has mode 644`);
    expect(r.stdout).toContain(`fix: chmod 600 ${file}`);
  });

  it('a live process that does not answer /health', async () => {
    const home = dir('cco-doctor-');
    await writeServerFile(join(home, 'server.json'), {
      url: 'http://127.0.0.1:1',
      mcpUrl: 'http://127.0.0.1:1/mcp',
      pid: process.pid,
      token: 't',
      startedAt: '',
      version: '0',
    });
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ cco (pid ${process.pid}) does not answer GET http://127.0.0.1:1/health.`);
  });

  it('an invalid config file, readable by others', async () => {
    const home = dir('cco-doctor-');
    writeFileSync(join(home, 'config.json'), JSON.stringify({ defaultAction: 'maybe' }), { mode: 0o644 });
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`✗ The config file ${join(home, 'config.json')} is invalid: "defaultAction" must be`);
    expect(r.stdout).toContain('✗ The config file has mode 644: other users can read your rules.');
    expect(r.stdout).toContain(`fix: chmod 600 ${join(home, 'config.json')}`);
  });

  it('a valid private config passes', async () => {
    const home = dir('cco-doctor-');
    writeFileSync(join(home, 'config.json'), JSON.stringify({ rules: [{ id: 'r1', pattern: 'Bash', action: 'ask' }] }), { mode: 0o600 });
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.stdout).toContain(`✓ The config ${join(home, 'config.json')} is valid (1 rule).`);
    expect(r.stdout).toContain('✓ The config file is private (mode 600).');
  });

  it('the configured port taken by another program fails; a free one passes', async () => {
    const other = createServer((_req, res) => res.end('not cco'));
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    const port = (other.address() as AddressInfo).port;
    try {
      const home = dir('cco-doctor-');
      writeFileSync(join(home, 'config.json'), JSON.stringify({ port }), { mode: 0o600 });
      const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
      expect(r.stdout).toContain(`✗ Port ${port} is in use by another program`);
      expect(r.stdout).toContain('fix: Stop that program, or pick another port: `cco config set port <number>`');
    } finally {
      await new Promise((r) => other.close(r));
    }
    const home = dir('cco-doctor-');
    writeFileSync(join(home, 'config.json'), JSON.stringify({ port }), { mode: 0o600 });
    const r = await ccoWith(['doctor'], { home, path: emptyPath(), ...places() });
    expect(r.stdout).toContain(`✓ Port ${port} (configured) is free for cco.`);
  });

  it("lists Claude Code's own allow rules (user and project settings) as warnings", async () => {
    const home = dir('cco-doctor-');
    const { userHome, cwd } = places();
    mkdirSync(join(userHome, '.claude'));
    mkdirSync(join(cwd, '.claude'));
    writeFileSync(join(userHome, '.claude', 'settings.json'), JSON.stringify({ permissions: { allow: ['Bash(npm test:*)'], deny: ['Bash(rm:*)'] } }));
    writeFileSync(join(cwd, '.claude', 'settings.local.json'), JSON.stringify({ permissions: { allow: ['Edit(./src/**)'], defaultMode: 'acceptEdits' } }));
    const fake = fakeClaude({
      servers: { cco: { scope: 'user', config: { type: 'http', url: 'http://127.0.0.1:8660/mcp' } } },
      status: '✘ Failed to connect — ECONNREFUSED: Unable to connect. Is the computer able to access the url?',
    });
    const r = await ccoWith(['doctor'], { home, path: fake.path, userHome, cwd });
    expect(r.stdout).toContain('✗ warning: Claude Code allows these itself, so matching calls never reach cco:');
    expect(r.stdout).toContain(`      Bash(npm test:*)  (${join(userHome, '.claude', 'settings.json')})`);
    expect(r.stdout).toContain(`      Edit(./src/**)  (${join(cwd, '.claude', 'settings.local.json')})`);
    expect(r.stdout).not.toContain('Bash(rm:*)');
    expect(r.stdout).toContain(
      'sets defaultMode "acceptEdits": file edits, and shell commands that only write files in the working directory (mkdir, touch, cp, mv, sed -i and the like), never reach cco.',
    );
    // cco not running: a failed connection is expected, the registration itself is right
    expect(r.stdout).toContain('✓ Claude Code knows "cco" at http://127.0.0.1:8660/mcp (it connects once cco runs).');
  });
});

describe('registrationIn', () => {
  // `claude mcp list` as Claude Code 2.1.332 prints it.
  const out = [
    'Checking MCP server health…',
    '',
    'github: https://x/mcp (HTTP) - ✔ Connected',
    'cco: http://127.0.0.1:8660/mcp (HTTP) - ✘ Failed to connect — ECONNREFUSED: Unable to connect. Is the computer able to access the url?',
    'proj: http://127.0.0.1:8660/mcp (HTTP) - ⏸ Pending approval (run `claude` to approve)',
    '',
  ].join('\n');
  it('finds the line of the name, its URL and whether it connects', () => {
    expect(registrationIn(out, 'cco')).toEqual({
      line: 'cco: http://127.0.0.1:8660/mcp (HTTP) - ✘ Failed to connect — ECONNREFUSED: Unable to connect. Is the computer able to access the url?',
      url: 'http://127.0.0.1:8660/mcp',
      failed: true,
      pendingApproval: false,
    });
    expect(registrationIn(out, 'github')).toMatchObject({ url: 'https://x/mcp', failed: false, pendingApproval: false });
    expect(registrationIn(out, 'proj')).toMatchObject({ url: 'http://127.0.0.1:8660/mcp', failed: false, pendingApproval: true });
    expect(registrationIn(out, 'gh')).toBeUndefined();
  });
});
