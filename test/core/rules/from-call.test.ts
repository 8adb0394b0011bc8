import { describe, expect, it } from 'vitest';
import { claudeRuleFromCall, compileRules, parsePattern } from '../../../src/core/rules/index.js';
import type { ToolCall } from '../../../src/core/types.js';
import { bash, HOME, tool } from './helpers.js';

describe('claudeRuleFromCall: the narrowest sensible pattern', () => {
  it.each<[ToolCall, string]>([
    [bash('npm test -- --watch'), 'Bash(npm test:*)'],
    [bash('npm run build'), 'Bash(npm run build:*)'],
    [bash('pnpm run test:unit --coverage'), 'Bash(pnpm run test:unit:*)'],
    [bash('git push origin main'), 'Bash(git push:*)'],
    [bash('git -C sub status'), 'Bash(git:*)'],
    [bash('ls -la'), 'Bash(ls:*)'],
    [bash('CI=1 npm test'), 'Bash(npm test:*)'],
    [bash('FOO=1 npm test'), 'Bash(FOO=1 npm test)'],
    [bash('npm test && rm -rf x'), 'Bash(npm test && rm -rf x)'],
    [bash('"my tool" --x'), 'Bash("my tool" --x)'],
    [tool('Bash', {}), 'Bash'],
    [tool('Edit', { file_path: '/repo/src/a.ts' }), 'Edit(//repo/src/**)'],
    [tool('Write', { file_path: '/repo/src/../lib/a.ts' }), 'Edit(//repo/lib/**)'],
    [tool('MultiEdit', { file_path: 'src/a.ts', edits: [] }), 'Edit(//repo/src/**)'],
    [tool('NotebookEdit', { notebook_path: '/nb/x.ipynb' }), 'Edit(//nb/**)'],
    [tool('Read', { file_path: '/etc/hosts' }), 'Read(//etc/**)'],
    [tool('Read', { file_path: '/x' }), 'Read(//**)'],
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
