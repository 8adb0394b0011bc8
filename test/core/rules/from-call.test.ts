import { describe, expect, it } from 'vitest';
import { claudeRuleFromCall, compileRules, parsePattern, proposeRule } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';
import { bash, HOME, tool } from './helpers.js';

describe('claudeRuleFromCall: the narrowest sensible pattern', () => {
  it.each<[ToolCall, string]>([
    [bash('npm test -- --watch'), 'Bash(npm test:*)'],
    [bash('npm run build'), 'Bash(npm run build:*)'],
    [bash('pnpm run test:unit --coverage'), 'Bash(pnpm run test:unit:*)'],
    [bash('git push origin main'), 'Bash(git push origin main)'],
    [bash('git -C sub status'), 'Bash(git -C sub status)'],
    [bash('ls -la'), 'Bash(ls:*)'],
    [bash('CI=1 npm test'), 'Bash(npm test:*)'],
    [bash('FOO=1 npm test'), 'Bash(FOO=1 npm test)'],
    [bash('npm test && rm -rf x'), 'Bash(npm test && rm -rf x)'],
    [bash('"my tool" --x'), 'Bash("my tool" --x)'],
    [tool('Bash', {}), 'Bash'],
    [tool('Edit', { file_path: '/repo/src/a.ts' }), 'Edit(//repo/src/**)'],
    [tool('Write', { file_path: '/repo/src/../lib/a.ts' }), 'Edit(//repo/lib/**)'],
    [tool('MultiEdit', { file_path: 'src/a.ts', edits: [] }), 'Edit(//repo/src/**)'],
    [tool('NotebookEdit', { notebook_path: '/nb/x.ipynb' }), 'Edit(//nb/x.ipynb)'],
    [tool('NotebookEdit', { notebook_path: '/nb/x.ipynb' }, { name: 'x' }), 'Edit(//nb/**)'],
    [tool('Read', { file_path: '/etc/hosts' }), 'Read(//etc/hosts)'],
    [tool('Read', { file_path: '/etc/hosts' }, { name: 'x' }), 'Read(//etc/**)'],
    [tool('Read', { file_path: '/x' }, { name: 'x' }), 'Read(//**)'],
    [tool('Edit', { file_path: '/repo/app/[id]/page.tsx' }), 'Edit(//repo/app/\\[id\\]/**)'],
    [tool('Glob', { pattern: '*.ts', path: '/repo/src' }), 'Read(//repo/src/**)'],
    [tool('Grep', { pattern: 'x' }), 'Read(//repo/**)'],
    [tool('Read', { file_path: 'src/a.ts' }, { name: 'x' }), 'Read(./src/**)'],
    [tool('WebFetch', { url: 'https://github.com/a/b' }), 'WebFetch(domain:github.com)'],
    [tool('WebFetch', { url: 'nope' }), 'WebFetch'],
    [tool('mcp__github__get_issue', { n: 1 }), 'mcp__github__get_issue'],
    [tool('WebSearch', { query: 'x' }), 'WebSearch'],
  ])('%j → %s', (call, pattern) => {
    expect(claudeRuleFromCall(call)).toBe(pattern);
    expect(() => parsePattern(pattern)).not.toThrow();
  });

  it.each([
    bash('npm test -- --watch'),
    bash('FOO=1 npm run build'),
    bash('npm install && npm test'),
    tool('Edit', { file_path: '/repo/app/[id]/page.tsx' }),
    tool('Grep', { pattern: 'x' }),
    tool('Read', { file_path: '~/.zshrc' }),
    tool('WebFetch', { url: 'https://api.github.com/x' }),
  ])('the pattern allows the call it came from: %j', (call) => {
    const pattern = claudeRuleFromCall(call, HOME);
    const set = compileRules([{ id: 'k', pattern, action: 'allow' }], { homeDir: HOME });
    expect(set.evaluate(call).decidedBy).toBe('rule:k');
  });
});

describe('proposeRule: narrow by default, and some calls never "always" from a proposal', () => {
  // [call, proposed pattern, locked?]
  it.each<[ToolCall, string, boolean]>([
    [bash('echo hi > out.txt'), 'Bash(echo hi > out.txt)', false],
    [bash('git push --force origin main'), 'Bash(git push --force origin main)', true],
    [bash('cat ~/.ssh/id_rsa'), 'Bash(cat ~/.ssh/id_rsa)', true],
    [bash('curl x | sh'), 'Bash(curl x | sh)', false],
    [bash('sudo apt-get install jq'), 'Bash(sudo apt-get install jq)', true],
    [bash('echo pwned >> ~/.bashrc'), 'Bash(echo pwned >> ~/.bashrc)', true],
    [bash('cat /etc/passwd'), 'Bash(cat /etc/passwd)', false],
    [bash('cat ../other/secret.txt'), 'Bash(cat ../other/secret.txt)', false],
    [bash('rm -rf build'), 'Bash(rm -rf build)', false],
    [bash('npm test && git push -f'), 'Bash(npm test && git push -f)', true],
    [bash('echo a && echo b'), 'Bash(echo a && echo b)', false],
    [bash('ls *.ts && rm -rf x'), 'Bash(ls:*)', false],
    [bash('git push origin main'), 'Bash(git push origin main)', false],
    [bash('cat src/a.ts'), 'Bash(cat:*)', false],
    [tool('Write', { file_path: '/repo/.env' }), 'Edit(//repo/**)', true],
    [tool('Edit', { file_path: '/repo/certs/server.pem' }), 'Edit(//repo/certs/**)', true],
    [tool('Write', { file_path: '/home/u/.zshrc' }), 'Edit(//home/u/.zshrc)', true],
    [tool('Read', { file_path: '/home/u/.ssh/id_rsa' }), 'Read(//home/u/.ssh/id_rsa)', true],
    [tool('Edit', { file_path: '/repo/src/a.ts' }), 'Edit(//repo/src/**)', false],
  ])('%j → %s (locked: %s)', (call, pattern, locked) => {
    const p = proposeRule(call, HOME);
    expect(p.pattern).toBe(pattern);
    expect(p.locked !== undefined).toBe(locked);
    expect(() => parsePattern(pattern)).not.toThrow();
  });

  it.each(['echo hi > out.txt', 'git push --force origin main', 'cat ~/.ssh/id_rsa', 'curl x | sh'])(
    'the proposal for `%s` is no bare prefix, allows the call itself, and nothing wider',
    (command) => {
      const { pattern } = proposeRule(bash(command), HOME);
      expect(pattern).not.toMatch(/:\*\)$/);
      const set = compileRules([{ id: 'k', pattern, action: 'allow' }], { homeDir: HOME });
      expect(set.evaluate(bash(command)).decidedBy).toBe('rule:k');
      for (const other of ['echo pwned >> ~/.bashrc', 'echo ok > /etc/cron.d/x', 'git push --force origin other', 'cat ~/.ssh/id_ed25519', 'curl y | sh']) {
        expect(set.evaluate(bash(other)).decidedBy).toBe('default');
      }
    },
  );

  it('a command cco cannot name exactly is locked, never proposed as `Bash`', () => {
    const p = proposeRule(bash('echo * > out.txt'), HOME);
    expect(p.pattern).toBe('Bash');
    expect(p.locked).toMatch(/exactly/);
  });
});

describe('proposeRule: no proposal allows what the call could not do', () => {
  const allowsAfterGrant = (call: ToolCall, other: ToolCall) => {
    const { pattern } = proposeRule(call, HOME);
    const set = compileRules([{ id: 'k', pattern, action: 'allow' }], { homeDir: HOME });
    return set.evaluate(other).decidedBy === 'rule:k';
  };

  it.each([
    ['env X=1 ls', 'env sudo rm -rf /'],
    ['nohup npm start', 'nohup rm -rf ~'],
    ['nice npm test', 'nice curl evil.example'],
    ['timeout 5 ls', 'timeout 5 rm -rf ~'],
    ['xargs -n1 echo', 'xargs rm -rf'],
    ['command ls', 'command rm -rf ~'],
    ['bash x.sh', 'bash evil.sh'],
  ])('a wrapper is proposed as the command line, never `Bash(<wrapper>:*)`: `%s` does not allow `%s`', (command, other) => {
    expect(proposeRule(bash(command), HOME).pattern).not.toMatch(/:\*\)$/);
    expect(allowsAfterGrant(bash(command), bash(other))).toBe(false);
  });

  it.each([
    'git push --force origin main',
    'git push -f',
    'git push origin +main',
    'git push --force-with-lease',
    'git push --mirror',
    'git push origin :main',
  ])('`A` on a plain push saves no rule that allows `%s`', (other) => {
    expect(allowsAfterGrant(bash('git push origin main'), bash(other))).toBe(false);
  });

  it.each([
    ['git -C sub status', 'git push --force'],
    ['kubectl -n prod get pods', 'kubectl delete namespace prod'],
    ['npm -w pkg test', 'npm publish'],
  ])('an option before the subcommand does not widen `%s` to the whole tool (`%s`)', (command, other) => {
    expect(allowsAfterGrant(bash(command), bash(other))).toBe(false);
  });

  it.each([tool('Read', { file_path: '/repo/.ENV' }), tool('Read', { file_path: '/repo/certs/Server.PEM' }), bash('cat .ENV')])(
    'a secret named in another case is still locked: %j',
    (call) => {
      expect(proposeRule(call, HOME).locked).toBeDefined();
    },
  );

  it.each([
    tool('Glob', { pattern: '.ssh/*', path: HOME }),
    tool('Grep', { pattern: 'BEGIN', path: HOME }),
    tool('Edit', { file_path: `${HOME}/notes.md` }, { name: 'a', cwd: HOME }),
    tool('Grep', { pattern: 'x', path: '/' }),
  ])('a proposal whose folder holds ~/.ssh or the shell start-up files is locked: %j', (call) => {
    const p = proposeRule(call, HOME);
    expect(p.locked).toBeDefined();
  });
});

describe('proposeRule: a command named by its path is proposed as narrowly as by its name', () => {
  it.each([
    ['/usr/bin/git push origin main', '/usr/bin/git push --force origin main'],
    ['/usr/bin/env X=1 ls', '/usr/bin/env rm -rf /'],
  ])('`%s` does not allow `%s`', (command, other) => {
    const { pattern } = proposeRule(bash(command), HOME);
    const set = compileRules([{ id: 'k', pattern, action: 'allow' }], { homeDir: HOME });
    expect(set.evaluate(bash(command)).decidedBy).toBe('rule:k');
    expect(set.evaluate(bash(other)).decidedBy).toBe('default');
  });
});
