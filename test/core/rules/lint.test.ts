import { describe, expect, it } from 'vitest';
import { compileRules, parsePattern, type Rule, type RuleAction } from '../../../src/core/rules/index.js';
import { lintRule, lintRules, type LintContext } from '../../../src/core/rules/lint.js';
import { nearestAgentTool } from '../../../src/core/rules/tools.js';

const CTX: LintContext = { homeDir: '/home/me', mcpServers: ['GitHub', 'my.server', 'linear'] };

const lint = (pattern: string, action: RuleAction, extra: Partial<Rule> = {}, ctx: LintContext = CTX) => lintRule({ id: 'r1', pattern, action, ...extra }, ctx);

describe('lintRule', () => {
  it.each<[string, RuleAction, string, string | undefined, RegExp]>([
    // pattern, action, code, fix, message
    ['Edit(/etc/**)', 'allow', 'path-single-slash', 'Edit(//etc/**)', /relative.*working directory.*Did you mean `Edit\(\/\/etc\/\*\*\)`/],
    ['Read(/etc/passwd)', 'deny', 'path-single-slash', 'Read(//etc/passwd)', /not the absolute `\/etc\/passwd`/],
    ['Read(/docs/**)', 'allow', 'path-single-slash', 'Read(./docs/**)', /means `\.\/docs\/\*\*`.*or `Read\(\/\/docs\/\*\*\)` for the absolute/],
    ['Edit(/home/me/notes/**)', 'allow', 'path-single-slash', 'Edit(~/notes/**)', /not your home folder/],
    ['Read($HOME/.ssh/**)', 'deny', 'path-home-variable', 'Read(~/.ssh/**)', /do not expand variables/],
    ['Read(${HOME})', 'deny', 'path-home-variable', 'Read(~)', /do not expand variables/],
    ['Read(~root/.ssh/**)', 'deny', 'path-tilde-user', undefined, /Only `~\/` means your home folder/],
    ['WebFetch(domain:example.com)', 'allow', 'domain-no-subdomains', 'WebFetch(domain:*.example.com)', /not `www\.example\.com` or `api\.example\.com`/],
    ['WebFetch(domain:*.example.com)', 'allow', 'domain-subdomains-only', 'WebFetch(domain:example.com)', /not `example\.com` itself/],
    ['WebFetch(domain:*.evil.com)', 'deny', 'domain-subdomains-only', 'WebFetch(domain:evil.com)', /lets `https:\/\/evil\.com\/` through/],
    ['WebFetch(domain:*.evil.com)', 'ask', 'domain-subdomains-only', 'WebFetch(domain:evil.com)', /this ask rule/],
    ['mcp__github__create_issue', 'allow', 'mcp-server-case', 'mcp__GitHub__create_issue', /registered as `GitHub`.*never matches/],
    ['mcp__github', 'deny', 'mcp-server-case', 'mcp__GitHub', /matches its tools anyway/],
    ['mcp__GITHUB__*', 'allow', 'mcp-server-case', 'mcp__GitHub__*', /never matches/],
    ['mcp__my.server__get', 'allow', 'mcp-server-name', 'mcp__my_server__get', /become `_`/],
    ['Bash(npm run test*)', 'allow', 'bash-glued-star', 'Bash(npm run test:*)', /also allows `npm run tests`/],
    ['Bash(git push *)', 'deny', 'bash-space-star', 'Bash(git push:*)', /does not match `git push` run alone/],
    ['Bash(npm:* test)', 'allow', 'bash-colon-star', 'Bash(npm * test)', /only at the end/],
    ['bash', 'allow', 'unknown-tool', 'Bash', /compare tool names exactly, so this rule never matches/],
    ['Webfetch', 'deny', 'unknown-tool', 'WebFetch', /matches it anyway/],
    ['Bsah', 'allow', 'unknown-tool', 'Bash', /did you mean `Bash`/],
    ['Grpe', 'ask', 'unknown-tool', 'Grep', /did you mean `Grep`/],
    ['Bash', 'allow', 'allows-everything', undefined, /every Bash command/],
    ['Bash(*)', 'allow', 'allows-everything', undefined, /every Bash command/],
    ['B*', 'allow', 'allows-everything', undefined, /every Bash command/],
    ['*', 'allow', 'allows-everything', undefined, /every call of every tool/],
    ['mcp__*', 'allow', 'allows-everything', undefined, /every tool of every MCP server/],
    ['Write', 'allow', 'allows-everything', undefined, /any file on the machine/],
    ['Write(**)', 'allow', 'allows-everything', undefined, /\.git\/hooks/],
    ['Edit(//**)', 'allow', 'allows-everything', undefined, /every file on the machine/],
    ['Edit(~/**)', 'allow', 'allows-everything', undefined, /home folder/],
    ['WebFetch', 'allow', 'allows-everything', undefined, /any URL/],
    ['WebFetch(domain:*.com)', 'allow', 'allows-everything', undefined, /every host under `\.com`/],
    ['Bash(python:*)', 'allow', 'allows-any-code', undefined, /runs whatever it is given/],
    ['Bash(sudo *)', 'allow', 'allows-any-code', undefined, /runs whatever it is given/],
  ])('%s (%s) → %s', (pattern, action, code, fix, message) => {
    const w = lint(pattern, action).find((x) => x.code === code);
    expect(w, JSON.stringify(lint(pattern, action))).toBeDefined();
    expect(w?.fix).toBe(fix);
    expect(w?.message).toMatch(message);
    // Every fix is a rule that parses.
    if (fix !== undefined) expect(() => parsePattern(fix)).not.toThrow();
  });

  it.each<[string, RuleAction, Partial<Rule>?]>([
    ['Edit(//etc/**)', 'allow'],
    ['Edit(./src/**)', 'allow'],
    ['Read(~/.ssh/**)', 'deny'],
    ['Read(**/.env)', 'deny'],
    ['WebFetch(domain:evil.com)', 'deny'], // covers the subdomains too
    ['WebFetch(domain:api.github.com)', 'allow'], // a host, not a registrable domain
    ['mcp__GitHub__create_issue', 'allow'],
    ['mcp__linear', 'deny'],
    ['mcp__unknown__x', 'allow'], // not registered: nothing to compare with
    ['Bash(npm run test:*)', 'allow'],
    ['Bash(git push:*)', 'deny'],
    ['Bash(rm*)', 'deny'], // broader is the safe side for a deny
    ['Bash(npm test *)', 'allow'], // narrower is the safe side for an allow
    ['Bash(python -m pytest:*)', 'allow'],
    ['Bash(*)', 'deny'],
    ['Bash', 'ask'],
    ['Bash', 'allow', { input: { command: '/^git (status|diff)\\b/' } }],
    ['Write(./notes/**)', 'allow'],
    ['TodoWrite', 'allow'],
    ['MyCustomTool', 'allow'],
  ])('%s (%s) has no warning', (pattern, action, extra = {}) => {
    expect(lint(pattern, action, extra)).toEqual([]);
  });

  it('says nothing about MCP names when no server is known, nor about rules that do not parse', () => {
    expect(lint('mcp__github__x', 'allow', {}, { homeDir: '/home/me' })).toEqual([]);
    expect(lint('Bash(', 'allow')).toEqual([]);
  });

  it('names the agent filter of a broad allow', () => {
    expect(lint('Bash', 'allow', { agent: 'ops-*' })[0]?.message).toMatch(/for agents matching `ops-\*`/);
  });

  describe('duplicates', () => {
    const r = (id: string, pattern: string, action: RuleAction, extra: Partial<Rule> = {}): Rule => ({ id, pattern, action, ...extra });
    it.each<[string, Rule, boolean]>([
      ['the same pattern and action', r('r2', 'Bash(ls)', 'allow'), true],
      ['the same with spaces around it and the default priority written out', r('r2', ' Bash(ls) ', 'allow', { priority: 100 }), true],
      ['another action', r('r2', 'Bash(ls)', 'deny'), false],
      ['another agent', r('r2', 'Bash(ls)', 'allow', { agent: 'api' }), false],
      ['another priority', r('r2', 'Bash(ls)', 'allow', { priority: 5 }), false],
      ['an input filter', r('r2', 'Bash(ls)', 'allow', { input: { command: 'ls' } } as Partial<Rule>), false],
    ])('%s', (_name, second, dup) => {
      const first = r('r1', 'Bash(ls)', 'allow', { createdAt: '2026-01-01T00:00:00.000Z' } as Partial<Rule>);
      const w = lintRule(second, { ...CTX, rules: [first, second] }).filter((x) => x.code === 'duplicate');
      expect(w.length).toBe(dup ? 1 : 0);
      if (dup) expect(w[0]!.message).toBe('Rule r1 (`Bash(ls)`) already says the same; one of them can go (`cco rules rm r1`).');
    });
  });

  describe('shadowing', () => {
    it.each<[Rule[], string, RegExp | undefined]>([
      [
        [
          { id: 'd', pattern: 'Bash(npm:*)', action: 'deny' },
          { id: 'a', pattern: 'Bash(npm test:*)', action: 'allow' },
        ],
        'a',
        /never decides: deny rule d/,
      ],
      [
        [
          { id: 'd', pattern: 'Bash', action: 'ask' },
          { id: 'a', pattern: 'Bash(ls)', action: 'allow' },
        ],
        'a',
        /ask rule d/,
      ],
      [
        [
          { id: 'd', pattern: 'Read(./secrets/**)', action: 'deny' },
          { id: 'a', pattern: 'Read(./secrets/a.txt)', action: 'allow' },
        ],
        'a',
        /never decides/,
      ],
      [
        [
          { id: 'd', pattern: 'Edit', action: 'deny' },
          { id: 'a', pattern: 'Write(./x)', action: 'allow' },
        ],
        'a',
        /never decides/,
      ],
      [
        [
          { id: 'd', pattern: 'WebFetch(domain:evil.com)', action: 'deny' },
          { id: 'a', pattern: 'WebFetch(domain:api.evil.com)', action: 'allow' },
        ],
        'a',
        /never decides/,
      ],
      [
        [
          { id: 'a', pattern: 'Bash', action: 'allow', priority: 10 },
          { id: 'd', pattern: 'Bash(rm:*)', action: 'deny' },
        ],
        'd',
        /Allow rule a .* checked first/,
      ],
      // Not shadowed: the allow comes first, the deny is narrower or filtered, or disabled.
      [
        [
          { id: 'd', pattern: 'Bash(npm:*)', action: 'deny', priority: 200 },
          { id: 'a', pattern: 'Bash(npm test:*)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
      [
        [
          { id: 'd', pattern: 'Bash(npm test:*)', action: 'deny' },
          { id: 'a', pattern: 'Bash(npm:*)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
      [
        [
          { id: 'd', pattern: 'Bash', action: 'deny', agent: 'x' },
          { id: 'a', pattern: 'Bash(ls)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
      [
        [
          { id: 'd', pattern: 'Bash', action: 'deny', input: { command: 'rm*' } },
          { id: 'a', pattern: 'Bash(ls)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
      [
        [
          { id: 'd', pattern: 'Bash', action: 'deny', enabled: false },
          { id: 'a', pattern: 'Bash(ls)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
      [
        [
          { id: 'd', pattern: 'Read(./src/*.ts)', action: 'deny' },
          { id: 'a', pattern: 'Read(./src/a.ts)', action: 'allow' },
        ],
        'a',
        undefined,
      ],
    ])('%j: %s', (rules, id, message) => {
      const warnings =
        lintRules(rules, { homeDir: '/home/me' })
          .get(id)
          ?.filter((w) => w.code === 'shadowed') ?? [];
      if (message === undefined) expect(warnings).toEqual([]);
      else expect(warnings[0]?.message).toMatch(message);
    });

    it('agrees with the engine: a shadowed allow rule decides no call', () => {
      const rules: Rule[] = [
        { id: 'd', pattern: 'Bash(npm:*)', action: 'deny' },
        { id: 'a', pattern: 'Bash(npm test:*)', action: 'allow' },
      ];
      const set = compileRules(rules, { homeDir: '/home/me' });
      for (const command of ['npm test', 'npm test -- --watch', 'CI=1 npm test']) {
        expect(set.evaluate({ toolName: 'Bash', input: { command } }).decidedBy).toBe('rule:d');
      }
    });
  });
});

describe('nearestAgentTool', () => {
  it.each([
    ['bash', 'Bash'],
    ['Webfetch', 'WebFetch'],
    ['ls', 'LS'],
    ['MultEdit', 'MultiEdit'],
    ['Bash', undefined],
    ['mcp__x__y', undefined],
    ['Ba*', undefined],
    ['Deploy', undefined],
  ])('%s → %s', (name, near) => {
    expect(nearestAgentTool(name)).toBe(near);
  });
});

describe('syntax errors name the tool meant', () => {
  it.each([
    ['bash(ls)', /tool names are case-sensitive: did you mean `Bash\(ls\)`/],
    ['Webfetch(domain:x.com)', /did you mean `WebFetch\(domain:x\.com\)`/],
    ['read(./src/**)', /did you mean `Read\(\.\/src\/\*\*\)`/],
    ['Deploy(x)', /takes no parentheses/],
  ])('%s', (pattern, message) => {
    expect(() => parsePattern(pattern)).toThrow(message);
  });
});
