import { describe, expect, it } from 'vitest';
import type { ToolCall } from '../../../src/core/types.js';
import { decides, tool } from './helpers.js';

const fetch = (url: unknown): ToolCall => tool('WebFetch', url === undefined ? {} : { url, prompt: 'summarize' });

describe('tool names, MCP servers and tool globs', () => {
  it.each([
    ['Bash', 'Bash', true],
    ['Bash', 'BashOutput', false],
    ['WebSearch', 'WebSearch', true],
    ['mcp__github', 'mcp__github__get_issue', true],
    ['mcp__github', 'mcp__githubx__get_issue', false],
    ['mcp__github', 'mcp__github_enterprise__get_issue', false],
    ['mcp__github__*', 'mcp__github__create_pr', true],
    ['mcp__github__*', 'mcp__gitlab__create_pr', false],
    ['mcp__github__get_issue', 'mcp__github__get_issue', true],
    ['mcp__github__get_issue', 'mcp__github__get_issues', false],
    ['mcp__github__get_*', 'mcp__github__get_pr', true],
    ['mcp__github__get_*', 'mcp__github__create_pr', false],
    ['mcp__*', 'mcp__slack__post', true],
    ['mcp__*', 'Bash', false],
    ['*', 'Bash', true],
    ['*', 'mcp__x__y', true],
    ['Web?etch', 'WebFetch', true],
    ['Read', 'Glob', true],
    ['Read', 'Edit', false],
    ['Edit', 'NotebookEdit', true],
  ])('%s on tool %s: %s', (pattern, name, expected) => expect(decides(pattern, 'allow', tool(name))).toBe(expected));
});

describe('WebFetch(domain:…)', () => {
  it.each([
    ['WebFetch(domain:github.com)', 'https://github.com/x/y', true],
    ['WebFetch(domain:github.com)', 'https://GITHUB.com./', true],
    ['WebFetch(domain:github.com)', 'http://github.com:8080/', true],
    ['WebFetch(domain:github.com)', 'https://api.github.com/', false],
    ['WebFetch(domain:github.com)', 'https://github.com.evil.com/', false],
    ['WebFetch(domain:github.com)', 'https://evil.com/?u=github.com', false],
    ['WebFetch(domain:github.com)', 'https://github.com@evil.com/', false],
    ['WebFetch(domain:*.github.com)', 'https://api.github.com/', true],
    ['WebFetch(domain:*.github.com)', 'https://a.b.github.com/', true],
    ['WebFetch(domain:*.github.com)', 'https://github.com/', false],
    ['WebFetch(domain:*.github.com)', 'https://evilgithub.com/', false],
    ['WebFetch(domain:bücher.de)', 'https://xn--bcher-kva.de/', true],
    ['WebFetch(domain:github.com)', 'not a url', false],
    ['WebFetch(domain:github.com)', 42, false],
    ['WebFetch(domain:github.com)', undefined, false],
    ['WebFetch', 'anything', true],
  ])('%s on %j: %s', (pattern, url, expected) => expect(decides(pattern, 'allow', fetch(url))).toBe(expected));

  it('never lets an unparsable URL match, not even a deny rule (the default then asks)', () => {
    expect(decides('WebFetch(domain:github.com)', 'deny', fetch('http://'))).toBe(false);
  });
});

describe('agent constraints', () => {
  it.each([
    ['api-*', { name: 'api-1' }, true],
    ['api-*', { name: 'docs-1' }, false],
    ['claude-code#*', { client: { name: 'claude-code' }, sessionId: 'abcdef12' }, true],
    ['claude-code#abcd', { client: { name: 'claude-code' }, sessionId: 'abcdef12' }, true],
    ['*', {}, false],
    ['/^api-\\d+$/', { name: 'api-12' }, true],
    ['/^api-\\d+$/', { name: 'api-x' }, false],
    ['/API/i', { name: 'my-api' }, true],
    ['/API/g', { name: 'my-API' }, true],
  ])('agent %s on %j: %s', (agent, info, expected) => {
    const call: ToolCall = { toolName: 'Bash', input: { command: 'ls' }, agent: info };
    expect(decides('Bash', 'allow', call, { agent })).toBe(expected);
    // A global regex remembers nothing between calls.
    expect(decides('Bash', 'allow', call, { agent })).toBe(expected);
  });

  it('never matches a call with no agent information', () => {
    expect(decides('Bash', 'allow', { toolName: 'Bash', input: { command: 'ls' } }, { agent: '*' })).toBe(false);
  });
});

describe('input constraints', () => {
  it.each([
    [{ file_path: '/repo/**' }, tool('Write', { file_path: '/repo/a/b.ts', content: '' }), true],
    [{ file_path: '/repo/*' }, tool('Write', { file_path: '/repo/a/b.ts', content: '' }), false],
    [{ 'edits.0.file_path': '**/*.ts' }, tool('MultiEdit', { edits: [{ file_path: 'src/a.ts' }] }), true],
    [{ 'edits.1.file_path': '**' }, tool('MultiEdit', { edits: [{ file_path: 'src/a.ts' }] }), false],
    [{ timeout: '600000' }, tool('Bash', { command: 'x', timeout: 600000 }), true],
    [{ run_in_background: 'true' }, tool('Bash', { command: 'x', run_in_background: true }), true],
    [{ url: '/^https:\\/\\/internal\\./' }, tool('WebFetch', { url: 'https://internal.corp/x' }), true],
    [{ url: '/^https:\\/\\/internal\\./' }, tool('WebFetch', { url: 'https://evil.com/internal.' }), false],
    [{ query: 'cco *' }, tool('WebSearch', { query: 'cco mcp approval' }), true],
    [{ missing: '*' }, tool('WebSearch', { query: 'x' }), false],
    [{ query: '*' }, tool('WebSearch', { query: { nested: true } }), false],
    [{ title: 'bug*', repo: 'acme/*' }, tool('mcp__github__create_issue', { title: 'bug: x', repo: 'acme/api' }), true],
    [{ title: 'bug*', repo: 'acme/*' }, tool('mcp__github__create_issue', { title: 'bug: x', repo: 'other/api' }), false],
  ])('input %j on %j: %s', (input, call, expected) => expect(decides('*', 'allow', call, { input })).toBe(expected));

  it('needs the agent and every input constraint to hold at once', () => {
    const rule = { agent: 'api-*', input: { command: 'npm *' } };
    expect(decides('Bash', 'allow', tool('Bash', { command: 'npm test' }, { name: 'api-2' }), rule)).toBe(true);
    expect(decides('Bash', 'allow', tool('Bash', { command: 'npm test' }, { name: 'web-2' }), rule)).toBe(false);
    expect(decides('Bash', 'allow', tool('Bash', { command: 'make' }, { name: 'api-2' }), rule)).toBe(false);
  });
});
