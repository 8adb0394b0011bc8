import { execFile } from 'node:child_process';
import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runCli, tempHome } from '../helpers/cli.js';

const run = promisify(execFile);

describe('cco rules (in process)', () => {
  it('add → list shows it → test explains it → disable → test falls through → rm', async () => {
    const home = tempHome();
    const add = await runCli(home, 'rules', 'add', 'Bash(npm test:*)', '--allow', '--name', 'tests are safe');
    expect(add).toMatchObject({ code: 0, stdout: 'r1\n' });
    expect((await runCli(home, 'rules', 'add', 'Bash(rm:*)', '--deny', '-m', 'use trash instead')).stdout).toBe('r2\n');

    const list = await runCli(home, 'rules', 'list');
    expect(list.stdout).toMatch(/r2\s+100\s+deny\s+Bash\(rm:\*\).*"use trash instead"/);
    expect(list.stdout).toMatch(/r1\s+100\s+allow\s+Bash\(npm test:\*\).*tests are safe/);
    expect(list.stdout.indexOf('r2')).toBeLessThan(list.stdout.indexOf('r1 ')); // deny is checked first

    const test = await runCli(home, 'rules', 'test', 'Bash', '{"command":"npm test -- --watch"}');
    expect(test.code).toBe(0);
    expect(test.stdout).toMatch(/^ALLOW by rule r1/);
    expect(test.stdout).toMatch(/r2.*no/);

    const compound = await runCli(home, 'rules', 'test', 'Bash', '{"command":"npm test && rm -rf build"}');
    expect(compound.stdout).toMatch(/^DENY by rule r2/);
    expect(compound.stdout).toContain('use trash instead');

    expect((await runCli(home, 'rules', 'disable', 'r1')).stdout).toBe('Disabled r1.\n');
    expect((await runCli(home, 'rules', 'list')).stdout).toMatch(/allow \(off\)/);
    const fallthrough = await runCli(home, 'rules', 'test', 'Bash', '{"command":"npm test"}');
    expect(fallthrough.stdout).toMatch(/^ASK by the default action/);
    expect(fallthrough.stdout).toMatch(/r1.*skip/);

    expect((await runCli(home, 'rules', 'enable', 'r1')).code).toBe(0);
    expect((await runCli(home, 'rules', 'test', 'Bash', '{"command":"npm test"}')).stdout).toMatch(/^ALLOW/);
    expect((await runCli(home, 'rules', 'rm', 'r1')).stdout).toBe('Removed r1.\n');
    const json = JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<{ id: string }>;
    expect(json.map((r) => r.id)).toEqual(['r2']);
  });

  it('edit changes only what is given', async () => {
    const home = tempHome();
    await runCli(home, 'rules', 'add', 'mcp__github__*', '--ask', '--agent', 'docs-*', '--input', 'repo=myorg/*', '--timeout', '2m');
    expect((await runCli(home, 'rules', 'edit', 'r1', '--priority', '10', '--allow')).code).toBe(0);
    const [rule] = JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(rule).toMatchObject({
      id: 'r1',
      pattern: 'mcp__github__*',
      action: 'allow',
      priority: 10,
      agent: 'docs-*',
      input: { repo: 'myorg/*' },
      timeoutMs: 120_000,
    });
  });

  it.each([
    [['rules', 'add', 'Bash(npm test', '--allow'], /expected `\)`/],
    [['rules', 'add', 'Bash(npm test)'], /--allow, --deny or --ask/],
    [['rules', 'add', 'Bash', '--allow', '--deny'], /Pick one action/],
    [['rules', 'add', 'Bash', '--allow', '--input', 'nokey'], /KEY=GLOB/],
    [['rules', 'rm', 'r9'], /No rule with id r9.*cco rules list/],
    [['rules', 'test', 'Bash', '{nope'], /not valid JSON/],
    [['config', 'set', 'defaultAction', 'maybe'], /"defaultAction" must be/],
    [['config', 'set', 'timeout', 'soon'], /Invalid duration/],
    [['config', 'get', 'colour'], /Unknown setting "colour"/],
    [
      ['rules', 'add', 'Bash(npm test))', '--allow'],
      /^cco: Not saved: unexpected `\)` after `\)` at column 15 in `Bash\(npm test\)\)`: one `\)` too many; did you mean `Bash\(npm test\)`\?$/m,
    ],
    [['rules', 'add', 'Bash(npm test:*) extra', '--allow'], /^cco: Not saved: unexpected ` ` after `\)` at column 17 in `Bash\(npm test:\*\) extra`$/m],
    [['rules', 'add', 'Bash(x)', '--allow', '--timeout', '5m'], /--timeout is for --ask rules .* an allow rule decides at once/],
    [['rules', 'add', 'Bash(x)', '--deny', '--timeout', '5m'], /--timeout is for --ask rules .* a deny rule decides at once/],
    [['rules', 'add', 'Bash(x)', '--allow', '-m', 'why'], /--message is for --deny rules .* an allow rule sends none/],
    [['rules', 'add', 'Bash(x)', '--ask', '-m', 'why'], /--message is for --deny rules .* an ask rule sends none/],
  ])('rejects %j with a clear message', async (args, message) => {
    const home = tempHome();
    const r = await runCli(home, ...args);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
  });

  it('edit with nothing to change says so and changes nothing; an option that does not fit the action is refused', async () => {
    const home = tempHome();
    await runCli(home, 'rules', 'add', 'Bash(ls)', '--allow');
    const before = readFileSync(join(home, 'config.json'), 'utf8');
    const r = await runCli(home, 'rules', 'edit', 'r1');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Nothing to change: give rule r1 a new --pattern/);
    expect((await runCli(home, 'rules', 'edit', 'r1', '--timeout', '1m')).stderr).toMatch(/--timeout is for --ask rules/);
    expect(readFileSync(join(home, 'config.json'), 'utf8')).toBe(before);
    // Changing the action in the same edit makes the option fit.
    expect((await runCli(home, 'rules', 'edit', 'r1', '--ask', '--timeout', '1m')).code).toBe(0);
    expect(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')).rules[0]).toMatchObject({ action: 'ask', timeoutMs: 60_000 });
  });

  it('a second identical rule is saved with a duplicate warning', async () => {
    const home = tempHome();
    await runCli(home, 'rules', 'add', 'Bash(ls)', '--allow');
    const r = await runCli(home, 'rules', 'add', 'Bash(ls)', '--allow');
    expect(r.stdout).toBe('r2\n');
    expect(r.stderr).toMatch(/warning: Rule r1 \(`Bash\(ls\)`\) already says the same/);
    expect((await runCli(home, 'rules', 'add', 'Bash(ls)', '--allow', '--strict')).code).not.toBe(0);
  });

  it("imports Claude Code's Task(NAME) as Task with an input filter on subagent_type, aligned", async () => {
    const home = tempHome();
    const settings = join(home, 'settings.json');
    writeFileSync(settings, JSON.stringify({ permissions: { allow: ['Task(Explore)', 'Bash(npm test:*)'], deny: ['Task(general-purpose)'] } }));
    const r = await runCli(home, 'rules', 'import', settings);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '  r1  deny   Task --input subagent_type=general-purpose\n  r2  allow  Task --input subagent_type=Explore\n  r3  allow  Bash(npm test:*)\n',
    );
    expect(r.stdout).toMatch(/\n  Task\(Explore\)     \(.*settings\.json\)\n  Bash\(npm test:\*\)  \(/);
    const rules = JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')).rules;
    expect(rules[1]).toMatchObject({ pattern: 'Task', action: 'allow', input: { subagent_type: 'Explore' } });
    const t = await runCli(home, 'rules', 'test', 'Task', JSON.stringify({ subagent_type: 'Explore', prompt: 'p', description: 'd' }));
    expect(t.stdout).toMatch(/^ALLOW by rule r2/);
    expect((await runCli(home, 'rules', 'test', 'Task', JSON.stringify({ subagent_type: 'general-purpose', prompt: 'p', description: 'd' }))).stdout).toMatch(
      /^DENY by rule r1/,
    );
    // A second import adds nothing.
    expect((await runCli(home, 'rules', 'import', settings)).stdout).toMatch(/Added 0 rules[\s\S]*3 already present/);
  });

  it('accepts approve and review in a hand-written file', async () => {
    const home = tempHome();
    writeFileSync(join(home, 'config.json'), JSON.stringify({ rules: [{ id: 'r1', pattern: 'Bash(ls)', action: 'approve' }] }));
    expect((await runCli(home, 'rules', 'test', 'Bash', '{"command":"ls"}')).stdout).toMatch(/^ALLOW by rule r1/);
  });

  it('accepts approve and review as synonyms', async () => {
    const home = tempHome();
    await runCli(home, 'rules', 'add', 'Read', '--action', 'approve');
    await runCli(home, 'rules', 'add', 'Write', '--action', 'review');
    const rules = JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<{ action: string }>;
    expect(rules.map((r) => r.action).sort()).toEqual(['allow', 'ask']);
  });

  it('config set/get/list, file mode 0600', async () => {
    const home = tempHome();
    expect((await runCli(home, 'config', 'get', 'timeout')).stdout).toBe('5m\n');
    expect((await runCli(home, 'config', 'set', 'timeout', '2m')).code).toBe(0);
    expect((await runCli(home, 'config', 'set', 'default-action', 'deny')).code).toBe(0);
    expect((await runCli(home, 'config', 'get', 'timeout')).stdout).toBe('2m\n');
    const list = (await runCli(home, 'config', 'list')).stdout;
    expect(list).toMatch(/defaultAction\s+deny/);
    expect(list).toMatch(/port\s+8660\s+\(default\)/);
    const file = join(home, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ timeout: '2m', defaultAction: 'deny' });
  });

  it('a corrupt config file gives a clear error and is byte-for-byte unchanged', async () => {
    const home = tempHome();
    const file = join(home, 'config.json');
    const broken = '{ "rules": [ { "id": "r1", "pattern": "Bash", "action": "allow" }, ]\n';
    writeFileSync(file, broken);
    for (const args of [
      ['rules', 'add', 'Read', '--allow'],
      ['rules', 'list'],
      ['config', 'set', 'timeout', '1m'],
      ['rules', 'disable', 'r1'],
    ]) {
      const r = await runCli(home, ...args);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(file);
      expect(r.stderr).toMatch(/not valid JSON/);
      expect(r.stderr).toMatch(/never overwrites/);
    }
    expect(readFileSync(file, 'utf8')).toBe(broken);

    const invalid = JSON.stringify({ rules: [{ id: 'r1', pattern: 'Bash(', action: 'allow' }] });
    writeFileSync(file, invalid);
    const r = await runCli(home, 'rules', 'add', 'Read', '--allow');
    expect(r.stderr).toMatch(/invalid: rule r1 \("Bash\("\): expected `\)` at column 6/);
    expect(readFileSync(file, 'utf8')).toBe(invalid);
  });

  it('imports Claude Code settings, keeps precedence, reports unsupported entries and bypassing allow rules', async () => {
    const home = tempHome();
    const project = join(home, 'proj');
    mkdirSync(join(project, '.claude'), { recursive: true });
    const settings = join(project, '.claude', 'settings.json');
    writeFileSync(
      settings,
      JSON.stringify({
        permissions: {
          allow: ['Bash(npm run test:*)', 'Read(/docs/**)', 'WebFetch(domain:github.com)', 42],
          deny: ['Bash(curl:*)', 'Bash(broken'],
          ask: ['mcp__github__*'],
        },
      }),
    );
    const dry = await runCli(home, 'rules', 'import', settings, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would add 5 rules/);
    expect((await runCli(home, 'rules', 'list', '--json')).stdout).toBe('[]\n');

    const real = await runCli(home, 'rules', 'import', settings);
    expect(real.stdout).toMatch(/Added 5 rules/);
    expect(real.stdout).toMatch(/Not imported \(2\)/);
    expect(real.stdout).toContain('Bash(broken');
    expect(real.stdout).toContain('42');
    expect(real.stdout).toMatch(/never reach cco:[\s\S]*Bash\(npm run test:\*\)/);
    const rules = JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<{ pattern: string; action: string }>;
    expect(rules.map((r) => `${r.action} ${r.pattern}`)).toEqual([
      'deny Bash(curl:*)',
      'ask mcp__github__*',
      'allow Bash(npm run test:*)',
      `allow Read(/${project}/docs/**)`,
      'allow WebFetch(domain:github.com)',
    ]);
    // Importing again adds nothing.
    expect((await runCli(home, 'rules', 'import', settings)).stdout).toMatch(/Added 0 rules[\s\S]*5 already present/);

    const exported = JSON.parse((await runCli(home, 'rules', 'export', '--format', 'claude')).stdout);
    expect(exported.permissions.deny).toEqual(['Bash(curl:*)']);
    expect(exported.permissions.allow).toContain('Bash(npm run test:*)');
  });
});

describe('rule warnings', () => {
  it('add saves a rule with a warning and says why on stderr; --strict refuses it; list marks it', async () => {
    const home = tempHome();
    const add = await runCli(home, 'rules', 'add', 'Edit(/etc/**)', '--allow');
    expect(add.code).toBe(0);
    expect(add.stdout).toBe('r1\n');
    expect(add.stderr).toMatch(/warning: A single leading `\/` is relative/);
    expect(add.stderr).toContain('fix: Edit(//etc/**)');
    expect(add.stderr).toContain("cco rules edit r1 --pattern 'Edit(//etc/**)'");

    const strict = await runCli(home, 'rules', 'add', 'Bash(git push *)', '--deny', '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/does not match `git push` run alone[\s\S]*Not saved \(--strict\)/);
    // A note (safe as written) does not stop --strict.
    const note = await runCli(home, 'rules', 'add', 'WebFetch(domain:github.com)', '--allow', '--strict');
    expect(note).toMatchObject({ code: 0, stdout: 'r2\n' });
    expect(note.stderr).toMatch(/note: .*not `www\.github\.com`/);

    const list = await runCli(home, 'rules', 'list');
    expect(list.stdout).toMatch(/r1\s+100\s+allow\s+Edit\(\/etc\/\*\*\)\s+! path-single-slash/);
    expect(list.stdout).toMatch(/Warnings \(1 rule marked !\):\n  r1  Edit\(\/etc\/\*\*\)\n    warning: /);
    expect(list.stdout).not.toMatch(/r2.*!/);
    const rules = JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<{ id: string }>;
    expect(rules.map((r) => r.id)).toEqual(['r1', 'r2']);

    const edit = await runCli(home, 'rules', 'edit', 'r1', '--pattern', 'Edit(//etc/**)');
    expect(edit).toMatchObject({ code: 0, stderr: '' });
    expect((await runCli(home, 'rules', 'list')).stdout).not.toContain('Warnings');
  });

  it('escapes what a warning quotes', async () => {
    const home = tempHome();
    const add = await runCli(home, 'rules', 'add', 'Bash(npm run te\u001bst*)', '--allow');
    expect(add.code).toBe(0);
    expect(add.stderr).toContain('te\\u001bst');
    expect(add.stderr).not.toContain('\u001b');
  });

  it('rules import reports the warnings of what it adds', async () => {
    const home = tempHome();
    const settings = join(home, 'settings.json');
    writeFileSync(settings, JSON.stringify({ permissions: { allow: ['Bash(npm run test*)', 'Read(//etc/hosts)'], deny: ['WebFetch(domain:*.evil.com)'] } }));
    const r = await runCli(home, 'rules', 'import', settings);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Warnings about 2 of them \(added as written\):/);
    expect(r.stdout).toMatch(/Bash\(npm run test\*\)\n    warning: [^\n]*\n      fix: Bash\(npm run test:\*\)/);
    expect(r.stdout).toMatch(/WebFetch\(domain:\*\.evil\.com\)\n    warning: [^\n]*lets `https:\/\/evil\.com\/` through/);
    expect(r.stdout).not.toMatch(/etc\/hosts\)\n    warning/);
  });

  it('a misspelt tool with parentheses is refused with the name meant', async () => {
    const r = await runCli(tempHome(), 'rules', 'add', 'bash(ls)', '--allow');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/did you mean `Bash\(ls\)`/);
  });
});

describe('cco rules (the real binary)', () => {
  it("add prints a warning on stderr and the id on stdout; the MCP server names come from Claude Code's files", async () => {
    const home = tempHome();
    writeFileSync(join(home, '.claude.json'), JSON.stringify({ mcpServers: { GitHub: { type: 'http', url: 'http://x' } } }));
    const env = { ...process.env, CCO_HOME: home, HOME: home, CLAUDE_CONFIG_DIR: '' };
    const add = await run(process.execPath, [join(process.cwd(), 'bin/cco.js'), 'rules', 'add', 'mcp__github__create_issue', '--allow'], { env, cwd: home });
    expect(add.stdout).toBe('r1\n');
    expect(add.stderr).toBe(
      'warning: The MCP server is registered as `GitHub`, not `github`: its tools are `mcp__GitHub__…`, and allow rules compare tool names exactly, so this rule never matches them. Write `mcp__GitHub__create_issue`.\n' +
        '  fix: mcp__GitHub__create_issue\n' +
        "Rule r1 is saved as written (warnings are not errors; --strict refuses such a rule). Apply the fix with: cco rules edit r1 --pattern 'mcp__GitHub__create_issue'\n",
    );
    const strict = await run(process.execPath, [join(process.cwd(), 'bin/cco.js'), 'rules', 'add', 'mcp__github', '--deny', '--strict'], {
      env,
      cwd: home,
    }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(strict).toMatchObject({ code: 1, stdout: '' });
    expect(strict.stderr).toMatch(/registered as `GitHub`[\s\S]*cco: Not saved \(--strict\): the rule has 1 warning\.\n$/);
  });

  it('add then list, exact output and exit codes', async () => {
    const home = tempHome();
    const env = { ...process.env, CCO_HOME: home };
    const add = await run(process.execPath, ['bin/cco.js', 'rules', 'add', 'WebFetch(domain:github.com)', '--allow'], { env });
    expect(add.stdout).toBe('r1\n');
    const list = await run(process.execPath, ['bin/cco.js', 'rules', 'list'], { env });
    expect(list.stdout).toBe('ID  PRIO  ACTION  PATTERN                      AGENT  NOTE\nr1  100   allow   WebFetch(domain:github.com)\n');
    const bad = await run(process.execPath, ['bin/cco.js', 'rules', 'rm', 'r7'], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(bad).toMatchObject({ code: 1, stderr: 'cco: No rule with id r7. Run `cco rules list` to see the ids.\n' });
  });
});

describe('cco rules list and cco rules test agree on the order', () => {
  it('with equal priorities and equal dates, and an older rule last in the file', async () => {
    const home = tempHome();
    const at = (d: string) => `2025-0${d}-01T00:00:00Z`;
    const rules = [
      { id: 'r1', pattern: 'Bash(npm test:*)', action: 'allow', createdAt: at('6') },
      { id: 'r2', pattern: 'Bash(git status)', action: 'allow', createdAt: at('6') },
      { id: 'r3', pattern: 'Bash(npm:*)', action: 'allow', createdAt: at('1') },
    ];
    writeFileSync(join(home, 'config.json'), JSON.stringify({ rules }));
    const listed = ((await runCli(home, 'rules', 'list')).stdout.match(/^r\d+/gm) ?? []) as string[];
    const json = (JSON.parse((await runCli(home, 'rules', 'list', '--json')).stdout) as Array<{ id: string }>).map((x) => x.id);
    const checked = async (command: string) => {
      const out = (await runCli(home, 'rules', 'test', 'Bash', JSON.stringify({ command }))).stdout;
      return {
        by: out.split('\n')[0],
        ids: out
          .split('Rules checked, in order:\n')[1]!
          .match(/^ {2}r\d+/gm)!
          .map((s) => s.trim()),
      };
    };
    expect(listed).toEqual(['r3', 'r1', 'r2']);
    expect(json).toEqual(listed);
    // A call no rule matches: every rule checked, in the listed order.
    expect(await checked('make')).toEqual({ by: 'ASK by the default action (no rule matched)', ids: listed });
    // Two rules match: the one listed first decides.
    expect(await checked('npm test')).toEqual({ by: 'ALLOW by rule r3 (Bash(npm:*), priority 100)', ids: ['r3'] });
  });
});
