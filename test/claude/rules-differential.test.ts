/**
 * Differential test of rule meaning: the same permission rules in Claude Code's own settings
 * (`<work>/.claude/settings.json`, a trusted project) and in cco's engine must give each call the
 * same verdict, or cco's must be stricter (allow < ask < deny).
 *
 * For each group of rules, the fake model makes one call per case in a single `claude -p` run with
 * `--permission-prompt-tool` pointing at a recorder (prompt-recorder.ts). What Claude did with a call:
 * - it reached the recorder: Claude would ask;
 * - it is in the run's `permission_denials` without reaching the recorder: Claude denied it by rule;
 * - neither: Claude allowed it without asking (its own rule or a built-in allowance).
 * The same rules are then compiled by cco (as `cco rules import` turns them into cco rules: one
 * priority, `/path` anchored at the project) and evaluated in-process with the agent's cwd known.
 *
 * Every case states both verdicts; a case where cco is stricter says why in `why`, and is listed in
 * README ("Stricter than Claude Code"). A case where cco would be looser fails the test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { anchorPattern } from '../../src/commands/rules-import.js';
import { compileRules, toPolicy, type Rule, type RuleAction } from '../../src/core/rules/index.js';
import { realPath } from '../../src/store/real-path.js';
import type { Step } from './fake-anthropic.js';
import { PRINT, createWorld, resultOf, type World } from './harness.js';
import { ASKED, RECORDER_TOOL, startPromptRecorder } from './prompt-recorder.js';

type Verdict = RuleAction;
const RANK: Record<Verdict, number> = { allow: 0, ask: 1, deny: 2 };

interface Case {
  tool: string;
  /** Strings may hold `<work>` (Claude's cwd, the project), `<home>` and `<out>` (a folder outside both). */
  input: Record<string, unknown>;
  claude: Verdict;
  cco: Verdict;
  /** Required when the verdicts differ: why cco is stricter. */
  why?: string;
  /**
   * Required when cco is looser: why this is known and accepted (the same argv runs) or not fixed
   * yet. Each such case is listed in README; any other looser verdict fails the test.
   */
  looser?: string;
}

/** A call the model makes first so a later Edit is valid (Claude wants a file read before it is edited); not compared. */
interface Prep {
  prep: true;
  tool: string;
  input: Record<string, unknown>;
}

interface Group {
  name: string;
  permissions: { allow?: string[]; ask?: string[]; deny?: string[] };
  steps: Array<Case | Prep>;
}

const bash = (command: string, claude: Verdict, cco: Verdict = claude, why?: string): Case => call('Bash', { command }, claude, cco, why);
const call = (tool: string, input: Record<string, unknown>, claude: Verdict, cco: Verdict = claude, why?: string): Case => ({
  tool,
  input,
  claude,
  cco,
  ...(why ? { why } : {}),
});
const read = (file_path: string): Prep => ({ prep: true, tool: 'Read', input: { file_path } });

/** Files every world holds (paths with the same placeholders). */
const FILES = [
  '<work>/src/a.ts',
  '<work>/docs/x.md',
  '<work>/docs/private/p.md',
  '<work>/secret/.env',
  '<work>/secret/.ENV',
  '<work>/.env',
  '<work>/keys/a.pem',
  '<work>/x.gen.ts',
  '<home>/.zshrc',
  '<home>/notes/n.md',
  '<home>/other.md',
  '<out>/o.txt',
  '<out>/sub/deep.txt',
  '<out>/locked/l.txt',
];

// The commands are made-up names (deploy, build, nuke, ship, lint): an allowed one fails with
// "command not found" and touches nothing.
const INTERNAL =
  "Claude's built-in allowance (no rule): read-only commands and reads inside the working directory never reach cco, so cco's own default (ask) never applies to them";
const ONE_RULE = 'one allow rule must cover every part of a compound command; Claude accepts parts allowed by different rules (or by its read-only allowance)';
const WRAPPERS = 'allow rules do not look through wrappers (timeout, quotes around the command name), only deny and ask rules do';

const GROUPS: Group[] = [
  {
    name: 'Bash: exact, prefix and wildcard rules, compound commands',
    permissions: {
      allow: ['Bash(deploy staging)', 'Bash(build:*)', 'Bash(lint * --fix)', 'Bash(fmt *)', 'Bash(pkg run test:*)', 'mcp__recorder__get_issue'],
      ask: ['Bash(ship:*)'],
      deny: ['Bash(nuke:*)'],
    },
    steps: [
      bash('deploy staging', 'allow'),
      bash('deploy staging --force', 'ask'),
      {
        ...bash('deploy  staging', 'ask', 'allow'),
        looser: 'same argv: cco compares the words of a command, so runs of blanks between words do not count; bash runs the same argv as for `deploy staging`',
      },
      bash("deploy 'staging'", 'ask'),
      bash('deploy staging # note', 'allow'),
      bash(' deploy staging ', 'allow'),
      bash('build', 'allow'),
      bash('build --release', 'allow'),
      bash('build  --release', 'allow'),
      bash('buildx', 'ask'),
      bash('pkg run test', 'allow'),
      bash('pkg  run test', 'allow'),
      bash('pkg run test -- --watch', 'allow'),
      bash('pkg run test:unit', 'ask'),
      bash('lint src --fix', 'allow'),
      bash('lint --fix', 'ask'),
      bash('lint src', 'ask'),
      bash(
        'fmt',
        'allow',
        'ask',
        'a wildcard rule `Bash(fmt *)` needs the space, so it does not match `fmt` alone; Claude treats a trailing ` *` like `:*` (write `Bash(fmt:*)` for that)',
      ),
      bash('fmt src', 'allow'),
      bash('build && deploy staging', 'allow', 'ask', ONE_RULE),
      bash('build; ls', 'allow', 'ask', ONE_RULE),
      bash('build && build --x', 'allow'),
      bash('build && mkdir q', 'ask'),
      bash('timeout 5 build', 'allow', 'ask', WRAPPERS),
      bash('"build" x', 'allow', 'ask', WRAPPERS),
      bash('build; nuke all', 'deny'),
      bash('build | ship now', 'ask'),
      bash('ship now', 'ask'),
      bash('nuke all', 'deny'),
      bash('nuke', 'deny'),
      bash('timeout 5 nuke x', 'deny'),
      bash('env nuke x', 'deny'),
      bash('echo $(nuke x)', 'deny'),
      bash('build\nnuke x', 'deny'),
      bash('build > out.txt', 'ask'),
      bash('build 2>&1', 'allow'),
      bash('NODE_ENV=test build', 'allow'),
      bash('FOO=1 build', 'ask'),
      bash('mkdir made', 'ask'),
      bash('ls', 'allow', 'ask', INTERNAL),
      call('mcp__recorder__get_issue', { text: 'x' }, 'allow'),
      call('mcp__recorder__create_issue', { text: 'x' }, 'ask'),
    ],
  },
  {
    name: 'Read, Edit and Write paths: //abs, ~/, /project, ./, bare globs',
    permissions: {
      allow: [
        'Bash(cat:*)',
        'Bash(echo:*)',
        'Read(//<out>/**)',
        'Read(~/notes/**)',
        'Edit(/src/**)',
        'Edit(./docs/**)',
        'Edit(lib/**)',
        'Edit(**/*.gen.ts)',
        'Edit(//<out>/sub/**)',
        'mcp__recorder',
      ],
      ask: ['Edit(./docs/private/**)'],
      // Claude 2.1.332 offers no Grep or Glob tool (the model searches with Bash), so they are not here.
      deny: ['Read(**/.env)', 'Read(~/.zshrc)', 'Edit(//<out>/locked/**)', 'Read(*.pem)', 'mcp__recorder__create_issue'],
    },
    steps: [
      call('Read', { file_path: '<out>/o.txt' }, 'allow'),
      call('Read', { file_path: '<out>/sub/deep.txt' }, 'allow'),
      call('Read', { file_path: '<home>/notes/n.md' }, 'allow'),
      call('Read', { file_path: '<home>/other.md' }, 'ask'),
      call('Read', { file_path: '<home>/.zshrc' }, 'deny'),
      call('Read', { file_path: '<work>/secret/.env' }, 'deny'),
      call('Read', { file_path: '<work>/.env' }, 'deny'),
      call('Read', { file_path: '<work>/src/../secret/.env' }, 'deny'),
      call('Read', { file_path: '<work>/secret/.ENV' }, 'deny'),
      call('Read', { file_path: '<work>/keys/a.pem' }, 'deny'),
      call('Read', { file_path: '<work>/src/a.ts' }, 'allow', 'ask', INTERNAL),
      // A Read deny rule also refuses writing the file, whatever the Edit rules allow.
      call('Write', { file_path: '<work>/src/.env', content: 'e' }, 'deny'),
      bash('cat src/a.ts', 'allow'),
      bash('cat src/a.ts > src/b.ts', 'allow'),
      // A path a command names meets the Read deny rules (Claude: for the commands it knows read files; cco: any command).
      bash('cat secret/.env', 'deny'),
      bash('cat < secret/.env', 'deny'),
      bash('head -n 1 secret/.env', 'deny'),
      bash('echo k > src/x.env', 'allow'),
      bash(
        'echo k > src/.env',
        'allow',
        'deny',
        'a redirection is checked as a Write of its target, and a Read deny rule refuses that Write; Claude does not apply Read deny rules to redirections',
      ),
      read('<work>/docs/x.md'),
      call('Edit', { file_path: '<work>/src/a.ts', old_string: 'a', new_string: 'b' }, 'allow'),
      call('Write', { file_path: '<work>/src/new.ts', content: 'n' }, 'allow'),
      call('Write', { file_path: '<work>/src/../escape.ts', content: 'e' }, 'ask'),
      call('Edit', { file_path: '<work>/docs/x.md', old_string: 'x', new_string: 'y' }, 'allow'),
      call('Write', { file_path: '<work>/docs/d.md', content: 'd' }, 'allow'),
      read('<work>/docs/private/p.md'),
      call('Edit', { file_path: '<work>/docs/private/p.md', old_string: 'p', new_string: 'q' }, 'ask'),
      call('Write', { file_path: '<work>/lib/z.ts', content: 'z' }, 'allow'),
      call('Write', { file_path: '<work>/pkg/lib/z.ts', content: 'z' }, 'ask'),
      call('Write', { file_path: '<work>/deep/y.gen.ts', content: 'y' }, 'allow'),
      call('Write', { file_path: '<work>/other.ts', content: 'o' }, 'ask'),
      call('Write', { file_path: '<out>/sub/new.txt', content: 's' }, 'allow'),
      call('Write', { file_path: '<out>/locked/new.txt', content: 'l' }, 'deny'),
      call('Write', { file_path: '<out>/new.txt', content: 'o' }, 'ask'),
      call('mcp__recorder__get_issue', { text: 'x' }, 'allow'),
      call('mcp__recorder__create_issue', { text: 'x' }, 'deny'),
    ],
  },
  {
    name: 'WebFetch domains, MCP wildcards',
    permissions: {
      allow: ['WebFetch(domain:example.com)', 'WebFetch(domain:*.docs.test)', 'mcp__recorder__*'],
      ask: ['mcp__recorder__create_issue'],
      deny: ['WebFetch(domain:evil.test)'],
    },
    steps: [
      call('WebFetch', { url: 'https://example.com/page', prompt: 'p' }, 'allow'),
      call('WebFetch', { url: 'https://EXAMPLE.com/page', prompt: 'p' }, 'allow'),
      call('WebFetch', { url: 'https://www.example.com/page', prompt: 'p' }, 'ask'),
      call('WebFetch', { url: 'https://api.docs.test/x', prompt: 'p' }, 'allow'),
      call('WebFetch', { url: 'https://docs.test/x', prompt: 'p' }, 'ask'),
      call('WebFetch', { url: 'https://evil.test/', prompt: 'p' }, 'deny'),
      call('WebFetch', { url: 'https://example.com@evil.test/', prompt: 'p' }, 'deny'),
      call('WebFetch', { url: 'https://sub.evil.test/', prompt: 'p' }, 'ask', 'deny', 'a deny or ask `WebFetch(domain:x)` also covers the subdomains of x'),
      call('WebFetch', { url: 'https://other.test/', prompt: 'p' }, 'ask'),
      call('mcp__recorder__get_issue', { text: 'x' }, 'allow'),
      call('mcp__recorder__create_issue', { text: 'x' }, 'ask'),
    ],
  },
];

interface Places {
  work: string;
  home: string;
  out: string;
}

const fill = (s: string, p: Places): string => s.replaceAll('<work>', p.work).replaceAll('<home>', p.home).replaceAll('<out>', p.out);
const fillDeep = <T>(v: T, p: Places): T => JSON.parse(fill(JSON.stringify(v), p)) as T;
const isCase = (s: Case | Prep): s is Case => !('prep' in s);

interface Observed {
  claude: Verdict | 'invalid';
  detail: string;
}

/** Runs one group through the real Claude Code: what Claude did with each step. */
async function runGroup(group: Group): Promise<{ world: World; places: Places; observed: Observed[] }> {
  let places: Places | undefined;
  const world = await createWorld((work) => {
    const root = dirname(work);
    places = { work, home: join(root, 'home'), out: join(root, 'outside') };
    return group.steps.map((s): Step => ({ tool: s.tool, input: fillDeep(s.input, places!) }));
  });
  const p = places!;
  for (const f of FILES) {
    const path = fill(f, p);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${f.split('/').at(-1)}\n`);
  }
  // Claude ignores a project's allow rules until the project is trusted (its deny rules apply anyway).
  mkdirSync(world.env.CLAUDE_CONFIG_DIR!, { recursive: true });
  writeFileSync(join(world.env.CLAUDE_CONFIG_DIR!, '.claude.json'), JSON.stringify({ projects: { [p.work]: { hasTrustDialogAccepted: true } } }));
  mkdirSync(join(p.work, '.claude'), { recursive: true });
  writeFileSync(
    join(p.work, '.claude', 'settings.json'),
    JSON.stringify({ permissions: fillDeep(group.permissions, p), skipWebFetchPreflight: true }, null, 2),
  );

  const recorder = await startPromptRecorder();
  try {
    const config = join(world.ccoHome, 'recorder.json');
    writeFileSync(config, recorder.mcpConfig());
    const run = await world.claude(['-p', 'make the calls', ...PRINT, '--mcp-config', config, '--permission-prompt-tool', RECORDER_TOOL]).done;
    expect(run.code, run.stderr).toBe(0);
    const denied = new Set((resultOf(run).permission_denials ?? []).map((d) => (d as { tool_use_id?: string }).tool_use_id));
    const asked = new Set(recorder.asked.map((a) => a.toolUseId));
    const observed = group.steps.map((step, i): Observed => {
      const id = world.api.toolUseId(i);
      const result = world.api.results.find((r) => r.toolUseId === id);
      const detail = result?.content.slice(0, 160) ?? '(no tool result)';
      if (result === undefined) return { claude: 'invalid', detail };
      if (asked.has(id)) return { claude: 'ask', detail };
      if (denied.has(id)) return { claude: 'deny', detail };
      // A deny rule naming a whole tool (`mcp__server__tool`) takes the tool away from the model.
      if (result.isError && result.content.includes('No such tool available')) return { claude: 'deny', detail };
      // Bash commands here are made-up names and fail when run, WebFetch has no network: both
      // report errors. Any other tool that failed did not get as far as a permission check.
      if (result.isError && step.tool !== 'Bash' && step.tool !== 'WebFetch') return { claude: 'invalid', detail };
      return { claude: 'allow', detail };
    });
    for (const r of world.api.results) if (asked.has(r.toolUseId)) expect(r.content).toBe(ASKED);
    return { world, places: p, observed };
  } finally {
    await recorder.close();
  }
}

/** The same rules in cco, as `cco rules import` makes them from that settings file. */
function ccoVerdicts(group: Group, places: Places): Verdict[] {
  const settingsFile = join(places.work, '.claude', 'settings.json');
  const rules: Rule[] = [];
  for (const action of ['deny', 'ask', 'allow'] as const) {
    for (const entry of group.permissions[action] ?? [])
      rules.push({ id: `r${rules.length + 1}`, pattern: anchorPattern(fill(entry, places), settingsFile), action });
  }
  const policy = toPolicy(compileRules(rules, { homeDir: places.home, defaultAction: 'ask', realPath }));
  return group.steps.map((s) => policy({ toolName: s.tool, input: fillDeep(s.input, places), agent: { cwd: places.work } }).action);
}

/** `CCO_DIFF_TABLE=1 npm run test:claude`: print every case as a Markdown table row. */
const table: string[] = [];
afterAll(() => {
  if (process.env.CCO_DIFF_TABLE) console.log(['| tool | input | Claude | cco | note |', '| --- | --- | --- | --- | --- |', ...table].join('\n'));
});

describe('rules mean the same in cco as in Claude Code, or cco is stricter (real Claude Code)', () => {
  it.each(GROUPS.map((g) => [g.name, g] as const))('%s', async (_name, group) => {
    const { world, places, observed } = await runGroup(group);
    const cco = ccoVerdicts(group, places);
    const rows = group.steps.flatMap((step, i) => {
      if (!isCase(step)) return [];
      const o = observed[i]!;
      const c = cco[i]!;
      const note = step.why ?? (step.looser ? `LOOSER: ${step.looser}` : '');
      table.push(`| ${step.tool} | \`${JSON.stringify(step.input)}\` | ${o.claude} | ${c} | ${note} |`);
      const looser = o.claude !== 'invalid' && RANK[c] < RANK[o.claude];
      if (process.env.CCO_DIFF_TABLE) table.push(`|  |  ${o.detail.replace(/\s+/g, ' ').slice(0, 100)} | | | |`);
      return [{ step, call: `${step.tool} ${JSON.stringify(step.input)}`, claude: o.claude, cco: c, looser, detail: o.detail }];
    });
    // cco is never looser than Claude, but in the cases the table names.
    expect(rows.filter((r) => r.looser && r.step.looser === undefined).map(({ step: _s, ...r }) => r)).toEqual([]);
    // Both verdicts are the ones the table states (a change in Claude Code or in cco shows up here).
    expect(rows.map((r) => ({ call: r.call, claude: r.claude, cco: r.cco }))).toEqual(
      rows.map((r) => ({ call: r.call, claude: r.step.claude, cco: r.step.cco })),
    );
    for (const { step } of rows) {
      const what = `${step.tool} ${JSON.stringify(step.input)}`;
      // A stricter verdict says why, a looser one why it stands; equal verdicts say nothing.
      if (RANK[step.cco] > RANK[step.claude]) expect(step.why, what).toBeTruthy();
      else expect(step.why, what).toBeUndefined();
      if (RANK[step.cco] < RANK[step.claude]) expect(step.looser, what).toBeTruthy();
      else expect(step.looser, what).toBeUndefined();
    }
    // WebFetch calls Claude allowed tried the network; everything else stayed on loopback.
    expect(world.api.escaped.filter((e) => !/example\.com|docs\.test/.test(e))).toEqual([]);
  });
});
