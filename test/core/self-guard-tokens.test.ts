/** The self-guard covers the tokens file: an agent can neither read the hashes nor add a token. */
import { describe, expect, it } from 'vitest';
import { selfGuard } from '../../src/core/self-guard.js';
import { protectedPaths } from '../../src/store/own-files.js';
import { ccoPaths } from '../../src/store/paths.js';
import type { ToolCall } from '../../src/core/types.js';

const home = '/home/u';
const guard = selfGuard({ protected: protectedPaths(ccoPaths({}, home), {}, home), homeDir: home });
const bash = (command: string): ToolCall => ({ toolName: 'Bash', input: { command, cwd: '/home/u/p' } });

describe("the self-guard and cco's tokens file", () => {
  it.each([
    'cat ~/.config/cco/tokens.json',
    'cat ~/.config/cco/tok*',
    'cp ~/.config/cco/tokens.json /tmp/x',
    'ln -sf /tmp/evil ~/.config/cco/tokens.json',
    'echo x > $HOME/.config/cco/tokens.json',
    'cd ~/.config && cat cco/tokens.json',
    'cd ~/.config/cco && cat tokens.json',
    'cco token add bob',
    'npx cco-mcp token add bob',
    'cco token rm alice',
  ])('refuses `%s`', (command) => expect(guard(bash(command))).toMatchObject({ message: expect.any(String) }));

  it.each([
    { toolName: 'Read', input: { file_path: '/home/u/.config/cco/tokens.json' } },
    { toolName: 'Write', input: { file_path: '/home/u/.config/cco/tokens.json', content: '{}' } },
    { toolName: 'Grep', input: { pattern: 'sha256', path: '/home/u/.config' } },
    { toolName: 'Glob', input: { pattern: '**/tokens.json', path: '/home/u' } },
  ] as ToolCall[])('refuses $toolName of it', (call) => expect(guard(call)).toMatchObject({ message: expect.any(String) }));
});
