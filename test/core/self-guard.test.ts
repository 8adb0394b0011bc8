import { describe, expect, it } from 'vitest';
import { compileRules, toPolicy } from '../../src/core/rules/index.js';
import { guardPolicy, type ProtectedPath } from '../../src/core/self-guard.js';
import type { AgentInfo, Policy, ToolCall } from '../../src/core/types.js';

const HOME = '/home/u';
const PROTECTED: ProtectedPath[] = [
  { path: '/home/u/.config/cco', dir: true, what: 'config folder' },
  { path: '/home/u/.config/cco/config.json', dir: false, what: 'config file' },
  { path: '/home/u/.local/state/cco', dir: true, what: "state folder (audit log, server file with the decision API's token)" },
];
const AGENT: AgentInfo = { name: 'api-1', cwd: '/repo' };

/** Every call allowed by the rules: whatever the guard lets through is allowed. */
const allowAll = toPolicy(compileRules([{ id: 'r1', pattern: '*', action: 'allow' }], { homeDir: HOME }));
const guarded = guardPolicy(allowAll, { protected: PROTECTED, homeDir: HOME });

const call = (toolName: string, input: Record<string, unknown>, agent: AgentInfo = AGENT): ToolCall => ({ toolName, input, agent });
const bash = (command: string, agent: AgentInfo = AGENT) => call('Bash', { command }, agent);

describe('cco protects its own files, whatever the rules say', () => {
  it.each<[string, ToolCall]>([
    ['Read of the config file by ~', call('Read', { file_path: '~/.config/cco/config.json' })],
    ['Read of the config file, absolute', call('Read', { file_path: '/home/u/.config/cco/config.json' })],
    ['Read of the server file', call('Read', { file_path: '/home/u/.local/state/cco/server.json' })],
    ['Read in another case', call('Read', { file_path: '/HOME/U/.Config/CCO/Config.JSON' })],
    ['Read through ..', call('Read', { file_path: '/home/u/x/../.config/cco/config.json' })],
    ['Read of the folder itself through ..', call('Read', { file_path: '/home/u/x/../.config/cco' })],
    ['Read relative to the cwd', call('Read', { file_path: '../.config/cco/config.json' }, { cwd: '/home/u/repo' })],
    ['Read relative with the cwd unknown', call('Read', { file_path: '.config/cco/config.json' }, {})],
    ['Edit of the config', call('Edit', { file_path: '~/.config/cco/config.json', old_string: 'deny', new_string: 'allow' })],
    ['MultiEdit of the config', call('MultiEdit', { file_path: '~/.config/cco/config.json', edits: [] })],
    ['Write of the audit log', call('Write', { file_path: '~/.local/state/cco/audit.jsonl', content: '' })],
    ['NotebookEdit in the state folder', call('NotebookEdit', { notebook_path: '/home/u/.local/state/cco/x.ipynb', new_source: '' })],
    ['LS of the state folder', call('LS', { path: '/home/u/.local/state/cco' })],
    ['Grep on ~', call('Grep', { pattern: 'token', path: '~' })],
    ['Grep on /', call('Grep', { pattern: 'token', path: '/' })],
    ['Grep with no path, cwd home', call('Grep', { pattern: 'token' }, { cwd: '/home/u' })],
    ['Grep on ~/.config', call('Grep', { pattern: 'token', path: '/home/u/.config' })],
    ['Glob on ~', call('Glob', { pattern: '**/*.json', path: '/home/u' })],
    ['Glob with an absolute pattern', call('Glob', { pattern: '/home/u/.config/**/*.json', path: '/repo' })],
    ['Glob inside the config folder', call('Glob', { pattern: '*', path: '~/.config/cco' })],
    ['MCP tool naming the config file', call('mcp__fs__read_file', { path: '/home/u/.config/cco/config.json' })],
    ['cat ~/…', bash('cat ~/.config/cco/config.json')],
    ['append to the audit log', bash('echo x >> ~/.local/state/cco/audit.jsonl')],
    ['sed -i on $HOME/…', bash("sed -i 's/deny/allow/' $HOME/.config/cco/config.json")],
    ['${HOME} in quotes', bash('cat "${HOME}/.config/cco/config.json"')],
    ['quotes inside the path', bash('cat ~/.con\'fig\'/c"c"o/config.json')],
    ['read redirection', bash('while read l; do echo $l; done < ~/.local/state/cco/server.json')],
    ['no space before <', bash('jq .token</home/u/.local/state/cco/server.json')],
    ['different case', bash('cat /HOME/U/.CONFIG/CCO/CONFIG.JSON')],
    ['.. in the path', bash('cat /home/u/x/../.config/cco/config.json')],
    ['./ in the path', bash('cat ~/.config/./cco/config.json')],
    ['relative to home', bash('cd ~ && cat .config/cco/config.json')],
    ['relative to ~/.config', bash('cd ~/.config && cat cco/config.json')],
    ['relative to the cwd', bash('cat ../.config/cco/config.json', { cwd: '/home/u/repo' })],
    ['a glob', bash('cat ~/.conf*/cc?/config.json')],
    ['a glob of the folder', bash('cat ~/.config/*/*')],
    ['in a variable', bash('d=~/.config/cco; cat $d/config.json')],
    ['dd if=', bash('dd if=/home/u/.local/state/cco/server.json of=/tmp/x')],
    // The kernel's links name the same files by other names.
    ['through /proc/self/root', bash('cat /proc/self/root/home/u/.local/state/cco/server.json')],
    ['through /proc/self/root/..', bash('cat /proc/self/root/../home/u/.config/cco/config.json')],
    ['through /proc/<pid>/root twice', bash('cat /proc/1/root/proc/self/root/home/u/.config/cco/config.json')],
    ['through /proc/thread-self/root', bash('cat /proc/thread-self/root/home/u/.config/cco/config.json')],
    ['through a task root', bash('cat /proc/self/task/7/root/home/u/.config/cco/config.json')],
    ["through another process's cwd", bash('cat /proc/1/cwd/.config/cco/config.json')],
    ['through a cwd link and ..', bash('cat /proc/self/cwd/../.local/state/cco/server.json')],
    ['a write through /proc/self/root', bash('echo {} > /proc/self/root/home/u/.config/cco/config.json')],
    ['grep -r through /proc/self/root', bash('grep -r token /proc/self/root/home/u')],
    ['Read through /proc/self/root', call('Read', { file_path: '/proc/self/root/home/u/.config/cco/config.json' })],
    ['Read through /proc/self/root/..', call('Read', { file_path: '/proc/self/root/../home/u/.local/state/cco/server.json' })],
    ['Edit through a cwd link', call('Edit', { file_path: '/proc/1/cwd/../.config/cco/config.json', old_string: 'a', new_string: 'b' })],
    ['Grep through /proc/self/root', call('Grep', { pattern: 'token', path: '/proc/self/root/home/u' })],
    ['behind bash -c', bash('bash -c "cat ~/.config/cco/config.json"')],
    ['behind sudo', bash('sudo tee ~/.config/cco/config.json < /tmp/evil')],
    ['an unsettled command', bash('cat ~/.config/cco/config.json $(( ')],
    ['cp to the config', bash('cp /tmp/evil.json ~/.config/cco/config.json')],
    ['grep -r on home', bash('grep -r token ~')],
    ['rg on home', bash('rg token /home/u')],
    ['find from home', bash('find ~ -name server.json')],
    ['rg with no path from home', bash('rg token', { cwd: '/home/u' })],
    ['tar of home', bash('tar czf /tmp/all.tgz ~')],
    ['rm -rf ~/.config', bash('rm -rf ~/.config')],
    ['mv ~/.local', bash('mv ~/.local /tmp/')],
    ['cco itself', bash('cco approve abc')],
    ['cco rules add', bash('cco rules add Bash --allow')],
    ['cco by path', bash('/usr/local/bin/cco rules add Bash --allow')],
    ['npx cco-mcp', bash('npx cco-mcp rules add "*" --allow')],
  ])('%s is denied by the guard', (_name, c) => {
    const v = guarded(c);
    expect(v).toMatchObject({ action: 'deny', decidedBy: 'guard' });
    expect(v.action === 'deny' && v.message).toMatch(/^cco protects its own files: /);
  });

  it.each<[string, ToolCall]>([
    ['Read in the project', call('Read', { file_path: '/repo/src/index.ts' })],
    ['Read of a neighbour of the config folder', call('Read', { file_path: '~/.config/ccop/config.json' })],
    ['Read of another program config', call('Read', { file_path: '~/.config/git/config' })],
    ['LS of home (names only)', call('LS', { path: '/home/u' })],
    ['Grep in the project', call('Grep', { pattern: 'token', path: '/repo' })],
    ['Glob in the project', call('Glob', { pattern: '**/*.ts' })],
    ['Write in the project', call('Write', { file_path: '/repo/cco.json', content: 'x' })],
    ['WebFetch', call('WebFetch', { url: 'https://example.com', prompt: 'summarize' })],
    ['npm test', bash('npm test')],
    ['cat in the project', bash('cat src/cco.ts README.md')],
    ['ls ~', bash('ls ~')],
    ['grep without -r on home files', bash('grep token ~/notes.txt')],
    ['rg in a project folder', bash('rg token ~/repo')],
    ['git commit naming cco', bash('git commit -m "cco: fix the console"')],
    ['echo to the project', bash('echo x >> notes.txt')],
  ])('%s goes to the rules', (_name, c) => {
    expect(guarded(c)).toEqual({ action: 'allow', decidedBy: 'rule:r1' });
  });

  it('an agent glob built to make a matcher backtrack is decided at once', () => {
    for (const n of [50, 200]) {
      const start = performance.now();
      for (const c of [`cat /**/${'*a'.repeat(n)}*b`, `cat ~/${'*a'.repeat(n)}*b/config.json`, `grep -r x /${'*a'.repeat(n)}*b`]) {
        expect(guarded(bash(c)).action).toMatch(/allow|deny/);
      }
      // picomatch took 0.6 s for n = 14 against one short path; the linear matcher is microseconds.
      expect(performance.now() - start).toBeLessThan(500);
    }
  });

  it.each([
    ['cat ~/.config/[[:alpha:]]*/config.json', /`\/home\/u\/\.config\/\[\[:alpha:\]\]\*\/config\.json` is cco's config file|is in cco's|cco's config/],
    ['cat ~/.local/state/[[:lower:]]co/server.json', /cco's state folder/],
    ['grep -r token ~/[[:punct:]]config', /cannot tell which files the pattern .*\[\[:punct:\]\]config/],
    ['cat ~/.config/[[:graph:]]co/config.json', /cannot tell which files the pattern/],
  ])('POSIX classes in a glob: read, or refused when cco cannot: %s', (command, message) => {
    const v = guarded(bash(command));
    expect(v).toMatchObject({ action: 'deny', decidedBy: 'guard' });
    expect((v as { message: string }).message).toMatch(message);
  });

  it('says which file and why', () => {
    const v = guarded(call('Read', { file_path: '~/.config/cco/config.json' }));
    expect(v).toEqual({
      action: 'deny',
      decidedBy: 'guard',
      message: "cco protects its own files: `/home/u/.config/cco/config.json` is cco's config file; agents may not read or change it.",
    });
    const s = guarded(call('Grep', { pattern: 'x', path: '/home/u' }));
    expect(s.action === 'deny' && s.message).toMatch(/going through `\/home\/u` would reach cco's config folder .*Use a narrower folder that does not hold it/);
  });

  it('a protected folder elsewhere ($CCO_HOME) is protected the same way', () => {
    const p = guardPolicy(allowAll, { protected: [{ path: '/srv/cco-home', dir: true, what: 'folder ($CCO_HOME)' }], homeDir: HOME });
    expect(p(call('Read', { file_path: '/srv/cco-home/audit.jsonl' }))).toMatchObject({ action: 'deny', decidedBy: 'guard' });
    expect(p(bash('tail -f /SRV/cco-home/cco.log'))).toMatchObject({ action: 'deny', decidedBy: 'guard' });
    expect(p(call('Read', { file_path: '/srv/other/x' }))).toMatchObject({ action: 'allow' });
  });

  it('fails closed: a policy that throws is a denial, never an allow', () => {
    const broken: Policy = () => {
      throw new Error('boom');
    };
    expect(guardPolicy(broken, { protected: PROTECTED, homeDir: HOME })(call('Read', { file_path: '/repo/x' }))).toMatchObject({
      action: 'deny',
      decidedBy: 'error',
    });
    const badGuard = guardPolicy(allowAll, () => {
      throw new Error('bad');
    });
    expect(badGuard(call('Read', { file_path: '/repo/x' }))).toMatchObject({ action: 'deny', decidedBy: 'guard' });
    // Odd input shapes are not an allow past the guard's reach.
    expect(guarded({ toolName: 'Read', input: null as unknown as Record<string, unknown> })).toMatchObject({ action: 'allow' });
  });

  it('refuses options it cannot use', () => {
    expect(() => guardPolicy(allowAll, { protected: [{ path: 'rel', dir: true, what: 'x' }], homeDir: HOME })).toThrow(/absolute/);
    expect(() => guardPolicy(allowAll, { protected: [], homeDir: 'home' })).toThrow(/absolute/);
  });
});

describe("cco's files by spellings a shell reads differently from the text", () => {
  it.each<[string, string]>([
    ['an open folder: /dev/stdin with `< ~`', 'cat /dev/stdin/.local/state/cco/server.json < ~'],
    ['an open folder: /proc/self/fd/0', 'cat /proc/self/fd/0/.local/state/cco/server.json < ~'],
    ['an open folder one level down', 'cat /dev/stdin/state/cco/server.json < ~/.local'],
    ['/proc/net is self/net: its .. is /proc/self', 'cat /proc/net/../root/home/u/.local/state/cco/server.json'],
    ['/proc/thread-self is <pid>/task/<tid>', 'cat /proc/thread-self/../../root/home/u/.local/state/cco/server.json'],
    ['.. after a symlinked folder (/var/run is /run)', 'cat /var/run/../home/u/.local/state/cco/server.json'],
    ['the whole folder path after a link to /', 'ln -s / r; cat r/home/u/.local/state/cco/server.json'],
    ['braces', 'cat ~/.local/state/{cco,x}/server.json'],
    ['braces in a name', 'cat ~/.local/state/c{c,x}o/server.json'],
    ['braces of a folder above', 'cat ~/.local/stat{e,x}/cco/server.json'],
    ['an empty alternative', 'diff ~/.local/state/cco/server.json{,}'],
    ['[:alpha:] outside brackets is a set holding a', 'cat ~/.local/st[:alpha:]te/cco/server.json'],
    ['two classes in one bracket', 'cat ~/.local/state/c[[:alnum:][:punct:]]o/server.json'],
    ['an equivalence class', 'cat ~/.local/state/c[[=c=]]o/server.json'],
    ['a collating symbol', 'cat ~/.local/state/c[[.c.]]o/server.json'],
    ['an extglob ?(…)', 'cat ~/.local/state/?(c)co/server.json'],
    ['an extglob !(…)', 'cat ~/.local/state/!(x)/server.json'],
    ['an extglob inside $(…)', 'cat $(echo ~/.local/state/@(cco)/server.json)'],
    ['a glob after cd', 'cd ~/.local/state && cat c?o/server.json'],
    ['a glob after two cds', 'cd ~/.local && cd state && cat c?o/s*'],
    ['a search of another process cwd', 'rg token /proc/1/cwd'],
    ['a search of an open folder', 'rg token /dev/stdin < ~'],
    ['a search of / through a symlinked folder', 'rg token /var/run/..'],
    ['a search of home through a symlinked folder', 'rg token /var/run/../home/u'],
  ])('%s', (_, command) => expect(guarded(bash(command))).toMatchObject({ action: 'deny', decidedBy: 'guard' }));

  it.each([
    "python -c 'print(2*(3))'",
    'echo $((2*(3+4)))',
    "grep -E 'a+(b)' file",
    'ls [:alpha:]',
    'ls ~/.local/state/[[:alpha:]]x',
    'ls *[.]txt',
    'echo {a,b}',
    'cat /repo/src/../config.json',
    'cat /var/run/../etc/hosts',
    'cd /tmp && cat */config.json',
    'cat /dev/stdin',
    'rg x src/..',
  ])('%s is not cco’s', (command) => expect(guarded(bash(command))).toEqual({ action: 'allow', decidedBy: 'rule:r1' }));
});

describe('a word of unclosed brackets', () => {
  // Each `[` looks for its `]` to the end of the word (in the guard's class reading and the glob
  // matcher's compile): 4,000 of them held a decision for seconds.
  it('is decided at once', () => {
    const start = performance.now();
    guarded(bash(`cat ${'['.repeat(4000)}`));
    expect(performance.now() - start).toBeLessThan(500);
  });
});
