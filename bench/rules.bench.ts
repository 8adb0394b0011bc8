/**
 * How long one evaluate() takes with 10, 100 and 1,000 realistic rules. Run with
 * `node bench/rules.mjs` (it bundles this file with esbuild). Prints p50/p90 in microseconds.
 */
import { compileRules, type Rule } from '../src/core/rules/index.js';
import type { ToolCall } from '../src/core/types.js';

const WARMUP = 3_000;
const RUNS = 20_000;
const HOME = '/home/dev';

const TOOLS = ['npm', 'pnpm', 'yarn', 'git', 'cargo', 'go', 'docker', 'kubectl', 'make', 'python', 'pytest', 'gh'];
const SUBS = ['test', 'run build', 'run lint', 'status', 'diff', 'log', 'build', 'ps', 'get pods', 'install', 'fmt', 'check'];

/** A deterministic mix: 40% Bash, 25% file paths, 20% MCP, 10% domains, 5% agent/input constraints. */
export function makeRules(n: number): Rule[] {
  const rules: Rule[] = [];
  for (let i = 0; i < n; i++) {
    const id = `r${i + 1}`;
    const slot = i % 20;
    const action = i % 7 === 0 ? 'deny' : i % 5 === 0 ? 'ask' : 'allow';
    const priority = i % 11 === 0 ? 50 : 100;
    const t = TOOLS[i % TOOLS.length] as string;
    const s = SUBS[(i >> 2) % SUBS.length] as string;
    let rule: Rule;
    if (slot < 6) rule = { id, pattern: `Bash(${t} ${s}${i}:*)`, action, priority };
    else if (slot < 7) rule = { id, pattern: `Bash(${t} * ${s}${i})`, action, priority };
    else if (slot < 8) rule = { id, pattern: `Bash(${t}${i} ${s})`, action, priority };
    else if (slot < 9) rule = { id, pattern: `Read(./src/mod${i}/**)`, action, priority };
    else if (slot < 10) rule = { id, pattern: `Edit(//repo/packages/pkg${i}/**)`, action, priority };
    else if (slot < 11) rule = { id, pattern: `Read(~/.config/app${i}/**)`, action, priority };
    else if (slot < 12) rule = { id, pattern: `Read(*.secret${i})`, action: 'deny', priority };
    else if (slot < 13) rule = { id, pattern: `Write(./dist${i}/**/*.js)`, action, priority };
    else if (slot < 15) rule = { id, pattern: `mcp__server${i}__tool_${i % 9}`, action, priority };
    else if (slot < 16) rule = { id, pattern: `mcp__srv${i}`, action, priority };
    else if (slot < 17) rule = { id, pattern: `mcp__hub${i}__get_*`, action, priority };
    else if (slot < 18) rule = { id, pattern: `WebFetch(domain:site${i}.example.com)`, action, priority };
    else if (slot < 19) rule = { id, pattern: `WebFetch(domain:*.cdn${i}.net)`, action, priority };
    else rule = { id, pattern: i % 2 ? 'Bash' : 'Write', action, priority, agent: `team${i}-*`, input: { file_path: `/repo/gen${i}/**` } };
    rules.push(rule);
  }
  // The rules the "near the end" calls match: last in evaluation order.
  rules.push({ id: 'last-bash', pattern: 'Bash(npm run test:*)', action: 'allow', priority: 1000 });
  rules.push({ id: 'last-edit', pattern: 'Edit(./src/**)', action: 'allow', priority: 1000 });
  return rules;
}

const agent = { name: 'api-1', cwd: '/repo' };
/** Plain calls (no shell syntax beyond words and operators): target p50 ≤ 10 µs with 1,000 rules. */
export const CALLS: ReadonlyArray<[string, ToolCall]> = [
  ['Bash, matches last', { toolName: 'Bash', input: { command: 'npm run test -- --watch' }, agent }],
  ['Bash compound, none', { toolName: 'Bash', input: { command: 'cd pkg && FOO=1 npm run build | tee log && git status' }, agent }],
  ['Edit, matches last', { toolName: 'Edit', input: { file_path: '/repo/src/core/a.ts', old_string: 'a', new_string: 'b' }, agent }],
  ['Read, none', { toolName: 'Read', input: { file_path: '/repo/lib/deep/nested/file.ts' }, agent }],
  ['mcp tool, none', { toolName: 'mcp__github__create_issue', input: { title: 'x' }, agent }],
  ['WebFetch, none', { toolName: 'WebFetch', input: { url: 'https://docs.example.org/page?q=1' }, agent }],
];

/** Calls that need the parser's harder paths (here-documents, substitutions, redirections, wrappers): target p50 ≤ 50 µs. */
export const PARSER_CALLS: ReadonlyArray<[string, ToolCall]> = [
  [
    'Bash heredoc + $( ) + redirect',
    {
      toolName: 'Bash',
      input: { command: "cat > notes.md <<'EOF'\n# Notes\n$(not run) and `this`\nEOF\nnpm run test -- --reporter=$(node -p 1) 2>&1 | tee out.log" },
      agent,
    },
  ],
  [
    'Bash wrappers + bash -c',
    { toolName: 'Bash', input: { command: 'sudo -u ci env A=1 timeout 60 bash -c \'cd pkg && npm run build\' && find . -name "*.tmp" -exec rm {} +' }, agent },
  ],
];

/** Hostile sizes: how long a whole decision takes (ms), once each. Over 256 KiB is denied unread. */
export const ADVERSARIAL: ReadonlyArray<[string, string]> = [
  ['1 MiB word', 'a'.repeat(1 << 20)],
  ['1 MiB of `;`-parts', 'a;'.repeat(1 << 19)],
  ['1 MiB nested $(', '$('.repeat(1 << 19)],
  ['256 KiB of quoted words', "'a' ".repeat(1 << 16)],
  ['256 KiB of sudo', 'sudo '.repeat(52_428)],
  ['256 KiB of `;`-parts', 'a;'.repeat(1 << 17)],
  ['256 KiB of `[`', '['.repeat(1 << 18)],
  ['256 KiB of here-documents', 'cat <<E\n'.repeat(32_768)],
  ['256 KiB of redirections', '> f '.repeat(1 << 16)],
];

export interface AdversarialRow {
  shape: string;
  kib: number;
  action: string;
  ms: number;
}

export function measureAdversarial(): AdversarialRow[] {
  const set = compileRules(makeRules(1000), { homeDir: HOME });
  const rows: AdversarialRow[] = [];
  for (const [shape, command] of ADVERSARIAL) {
    const call: ToolCall = { toolName: 'Bash', input: { command }, agent };
    set.evaluate({ toolName: 'Bash', input: { command: command.slice(0, 1000) }, agent });
    let best = Number.POSITIVE_INFINITY;
    let action = '';
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      action = set.evaluate(call).action;
      best = Math.min(best, performance.now() - t0);
    }
    rows.push({ shape, kib: Math.round(command.length / 1024), action, ms: best });
  }
  return rows;
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
}

export interface RuleRow {
  rules: number;
  call: string;
  /** One of PARSER_CALLS (target ≤ 50 µs) rather than a plain call (≤ 10 µs). */
  parser: boolean;
  decidedBy: string;
  p50: number;
  p90: number;
  p99: number;
}

export function measure(): RuleRow[] {
  const rows: RuleRow[] = [];
  for (const n of [10, 100, 1000]) {
    const set = compileRules(makeRules(n), { homeDir: HOME });
    for (const [label, call] of [...CALLS, ...PARSER_CALLS]) {
      for (let i = 0; i < WARMUP; i++) set.evaluate(call);
      const times = new Float64Array(RUNS);
      for (let i = 0; i < RUNS; i++) {
        const t0 = process.hrtime.bigint();
        set.evaluate(call);
        times[i] = Number(process.hrtime.bigint() - t0) / 1000;
      }
      times.sort();
      const [p50, p90, p99] = [0.5, 0.9, 0.99].map((p) => percentile(times, p)) as [number, number, number];
      rows.push({ rules: set.size, call: label, parser: PARSER_CALLS.some(([l]) => l === label), decidedBy: set.evaluate(call).decidedBy, p50, p90, p99 });
    }
  }
  return rows;
}

export function format(measured: RuleRow[]): string {
  const rows: string[][] = [['rules', 'call', 'decided by', 'p50 µs', 'p90 µs', 'p99 µs']];
  for (const r of measured) rows.push([String(r.rules), r.call, r.decidedBy, ...[r.p50, r.p90, r.p99].map((v) => v.toFixed(2))]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c >= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ')).join('\n');
}

export function formatAdversarial(rows: AdversarialRow[]): string {
  return rows.map((r) => `${r.shape.padEnd(28)} ${String(r.kib).padStart(5)} KiB  ${r.action.padEnd(5)} ${r.ms.toFixed(1).padStart(7)} ms`).join('\n');
}

export function run(): string {
  return format(measure());
}
