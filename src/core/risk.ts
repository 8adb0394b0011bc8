/**
 * What makes a call risky, named in a few words for the person deciding it: a pipe into a shell,
 * sudo, a recursive rm, a force flag, a write (outside the working directory), a network fetch,
 * a string run as a command, a command cco cannot settle. Built on the rule engine's analysis
 * (analyzeBash sees through sudo, env, busybox, `git -C`, quotes and `/bin/` paths), so a mark
 * and a deny rule see the same command. Marks inform; they decide nothing. Pure: no I/O.
 */
import { bashLayout, type BashLayout } from './bash-pieces.js';
import { analyzeBash, type CommandPart, type WriteTarget } from './rules/bash.js';
import { parseShell, type SimpleCommand } from './rules/shell.js';
import type { ToolCall } from './types.js';
import { editsFiles, pathField } from './tools.js';

export type RiskKind = 'pipe-shell' | 'sudo' | 'recursive-rm' | 'force' | 'write' | 'outside-cwd' | 'network' | 'eval' | 'opaque';

export interface RiskMark {
  kind: RiskKind;
  /** A few words, e.g. `pipe into a shell`, `writes /etc/hosts (outside cwd)`; may hold agent text (escape it to print). */
  text: string;
  /** For a Bash call: the index of the top-level part (see bashLayout) it is about. */
  part?: number;
  /** For `opaque`: why the parser could not settle it. */
  why?: string;
}

export interface RiskOptions {
  /** The home directory, to resolve `~` in write targets; without it `~/…` counts as outside. */
  home?: string;
}

export interface PartOptions extends RiskOptions {
  /** The agent's working directory. */
  cwd?: string;
  /** The operator(s) before the part (`|`, `&& |`…): after a pipe, a shell reading its input runs what was piped. */
  after?: string;
}

/** A command run from inside a part (`$(…)`, backticks, `<(…)`, `bash -c`, `eval`, `xargs`, `find -exec`). */
export interface InnerRisk {
  /** As written, whitespace collapsed (analyzeBash's part text). */
  text: string;
  marks: RiskMark[];
}

export interface PartRisk {
  /** The marks of the part's own command(s), its writes and whether it is settled. */
  marks: RiskMark[];
  inner: InnerRisk[];
}

export interface BashRisk {
  layout: BashLayout;
  /** One per `part` piece of the layout, in order. */
  parts: PartRisk[];
  /** Every mark, with its part; marks only the whole command shows (`x=rm; $x -rf /`) have none. */
  marks: RiskMark[];
}

const SUDO = new Set(['sudo', 'doas', 'su', 'pkexec', 'run0']);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish', 'csh', 'tcsh', 'busybox']);
/** Interpreters and the options that give them their program as an argument (then stdin is data). */
const INTERPRETERS: Readonly<Record<string, readonly string[]>> = {
  python: ['-c', '-m'],
  node: ['-e', '-p', '--eval', '--print'],
  nodejs: ['-e', '-p', '--eval', '--print'],
  perl: ['-e', '-E'],
  ruby: ['-e'],
  php: ['-r'],
  lua: ['-e'],
  tclsh: [],
  osascript: ['-e'],
};
/** Options of shells and interpreters that take a value. */
const VALUE_OPTIONS = new Set(['-o', '-O', '+o', '+O', '-W', '-X', '-I', '-r', '--rcfile', '--init-file']);
const FETCHERS = new Set(['curl', 'wget', 'aria2c', 'http', 'https', 'xh', 'lftp', 'ftp', 'tftp']);
const CONNECTORS = new Set(['nc', 'ncat', 'netcat', 'socat', 'ssh', 'scp', 'sftp', 'telnet', 'mosh']);
const GIT_NETWORK = new Set(['clone', 'fetch', 'pull', 'push', 'ls-remote']);

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash < 0 || slash === word.length - 1 ? word : word.slice(slash + 1);
}

function short(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

/** An interpreter's family name: `python3.12` is python, `perl5` is perl. */
function interpreter(name: string): string | undefined {
  const base = name.replace(/[0-9.]+$/, '');
  return Object.hasOwn(INTERPRETERS, base) ? base : undefined;
}

/** Whether a shell or interpreter with these arguments reads its program from stdin. */
function readsInput(name: string, args: readonly string[], family: string | undefined): 'stdin' | 'process' | false {
  const code = family === undefined ? [] : (INTERPRETERS[family] ?? []);
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') return args[i + 1] === undefined || args[i + 1] === '-' ? 'stdin' : args[i + 1]?.startsWith('<(') ? 'process' : false;
    if (a === '-') return 'stdin';
    if (a.startsWith('<(')) return 'process';
    if (a.startsWith('-') || (SHELLS.has(name) && a.startsWith('+'))) {
      if (family === undefined && /^-[a-zA-Z]*c/.test(a)) return false;
      if (family === undefined && /^-[a-zA-Z]*s/.test(a)) return 'stdin';
      if (code.some((c) => a === c || (c.length === 2 && !c.startsWith('--') && a.startsWith(c)))) return false;
      if (VALUE_OPTIONS.has(a)) i++;
      continue;
    }
    return false;
  }
  return 'stdin';
}

const isRecursive = (args: readonly string[]): boolean => {
  for (const a of args) {
    if (a === '--') return false;
    if (a === '--recursive' || /^-[a-zA-Z]*[rR]/.test(a)) return true;
  }
  return false;
};

type Context = { piped: boolean; input: boolean; nested: boolean };

function addMark(out: RiskMark[], m: RiskMark): void {
  if (!out.some((x) => x.kind === m.kind && x.text === m.text)) out.push(m);
}

/** The marks of one command part, from every form a deny rule would see (behind its wrappers). */
function commandMarks(part: CommandPart, ctx: Context, out: RiskMark[]): void {
  for (const form of part.denyForms) {
    let words = form.split(' ').filter((w) => w !== '');
    let k = 0;
    while (k < words.length && /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(words[k] as string)) k++;
    words = words.slice(k);
    const head = words[0];
    if (head === undefined) continue;
    const name = basename(head);
    const args = words.slice(1);
    if (SUDO.has(name)) addMark(out, { kind: 'sudo', text: name === 'su' ? 'runs as another user (su)' : `runs as root (${name})` });
    if (name === 'rm' && isRecursive(args)) addMark(out, { kind: 'recursive-rm', text: 'recursive rm' });
    if (name === 'git') gitMarks(args, out);
    else if (args.some((a) => a === '--force' || a.startsWith('--force='))) addMark(out, { kind: 'force', text: `--force (${short(name, 20)})` });
    if (FETCHERS.has(name)) addMark(out, { kind: 'network', text: `network fetch (${name})` });
    if (CONNECTORS.has(name)) addMark(out, { kind: 'network', text: `network connection (${name})` });
    if (name === 'rsync' && args.some((a) => /^(?:rsync:\/\/|[^/\s:]+:)/.test(a))) addMark(out, { kind: 'network', text: 'network copy (rsync)' });
    if (name === 'eval') addMark(out, { kind: 'eval', text: 'runs a string as a command (eval)' });
    const family = interpreter(name);
    if (SHELLS.has(name) && args.some((a) => /^-[a-zA-Z]*c[a-zA-Z]*$/.test(a))) addMark(out, { kind: 'eval', text: `runs a string as a command (${name} -c)` });
    if (name === 'source' || name === '.') {
      if (args[0]?.startsWith('<(')) addMark(out, { kind: 'pipe-shell', text: `runs a command's output as a script (${name} <(…))` });
      continue;
    }
    if (!SHELLS.has(name) && family === undefined) continue;
    if (name === 'busybox' && args[0] !== undefined && !SHELLS.has(args[0])) continue;
    const reads = readsInput(name, name === 'busybox' ? args.slice(1) : args, family);
    const what = family === undefined ? 'a shell' : family;
    if (reads === 'process') addMark(out, { kind: 'pipe-shell', text: `runs a command's output as a script (${name} <(…))` });
    else if (reads === 'stdin' && ctx.piped) addMark(out, { kind: 'pipe-shell', text: `pipe into ${what}` });
    else if (reads === 'stdin' && (ctx.input || ctx.nested)) addMark(out, { kind: 'pipe-shell', text: `${what} runs what it reads (${name})` });
  }
}

function gitMarks(args: readonly string[], out: RiskMark[]): void {
  const sub = args[0];
  const rest = args.slice(1);
  if (sub === 'push') {
    if (
      rest.some(
        (a) =>
          a === '--force' || a.startsWith('--force-with-lease') || a === '--force-if-includes' || /^-[a-zA-Z]*f/.test(a) || (a.startsWith('+') && a.length > 1),
      )
    ) {
      addMark(out, { kind: 'force', text: 'force push' });
    }
  } else if (sub === 'reset' && rest.includes('--hard')) addMark(out, { kind: 'force', text: 'git reset --hard' });
  else if (sub === 'clean' && rest.some((a) => a === '--force' || /^-[a-zA-Z]*f/.test(a))) addMark(out, { kind: 'force', text: 'git clean -f' });
  else if (rest.some((a) => a === '--force' || a.startsWith('--force='))) addMark(out, { kind: 'force', text: `--force (git ${short(sub ?? '', 20)})` });
  if (sub !== undefined && GIT_NETWORK.has(sub)) addMark(out, { kind: 'network', text: `network ${sub === 'push' ? 'push' : 'fetch'} (git ${sub})` });
  else if (sub === 'submodule' && rest.includes('update')) addMark(out, { kind: 'network', text: 'network fetch (git submodule update)' });
  else if (sub === 'remote' && rest.includes('update')) addMark(out, { kind: 'network', text: 'network fetch (git remote update)' });
}

/** `p` with `.`, `..` and repeated slashes resolved (POSIX, pure). */
function normalize(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `/${out.join('/')}`;
}

/** A mark for a file written at `path` (as the agent wrote it), or undefined when it is inside cwd and `always` is false. */
function writeMark(path: string, opts: PartOptions, always: boolean): RiskMark | undefined {
  const shown = short(path);
  let p = path;
  if (p === '~' || p.startsWith('~/')) {
    if (opts.home === undefined) return { kind: 'outside-cwd', text: `writes ${shown} (home directory)` };
    p = opts.home + p.slice(1);
  }
  const cwd = opts.cwd === undefined || !opts.cwd.startsWith('/') ? undefined : normalize(opts.cwd);
  const abs = p.startsWith('/') ? normalize(p) : cwd === undefined ? undefined : normalize(`${cwd}/${p}`);
  if (abs !== undefined && cwd !== undefined && abs !== cwd && !abs.startsWith(cwd === '/' ? '/' : `${cwd}/`)) {
    return { kind: 'outside-cwd', text: `writes ${shown} (outside cwd)` };
  }
  return always ? { kind: 'write', text: `writes ${shown}` } : undefined;
}

function redirectMark(w: WriteTarget, opts: PartOptions): RiskMark | undefined {
  if (w.path === undefined) return { kind: 'write', text: `writes ${short(w.raw)} (known only when it runs)` };
  return writeMark(w.path, opts, true);
}

const OPAQUE_TEXT = 'cco cannot tell what this runs';

function commandText(c: SimpleCommand): string {
  return [...c.assignments, ...c.words].map((w) => w.raw).join(' ');
}

/**
 * The marks of one command line (a top-level part of a Bash command, or a whole one): its own
 * commands', its writes', whether it is settled; and the commands run from inside it, each with
 * its own marks.
 */
export function partRisk(text: string, options: PartOptions = {}): PartRisk {
  const a = analyzeBash(text);
  const p = parseShell(text, { layout: true });
  const lastOp = options.after?.split(' ').at(-1);
  const piped = lastOp === '|' || lastOp === '|&';
  // The parts of the commands written at this level (not in a substitution), by text.
  const direct = new Map<string, SimpleCommand[]>();
  for (const i of p.layout?.direct ?? []) {
    const c = p.commands[i] as SimpleCommand;
    if (c.words.length === 0) continue;
    const t = commandText(c);
    direct.set(t, [...(direct.get(t) ?? []), c]);
  }
  const marks: RiskMark[] = [];
  const inner: InnerRisk[] = [];
  // After the part standing for what is not settled come rough parts, for deny rules only.
  const stop = a.parts.findIndex((x) => x.denyForms.length === 0);
  const found = stop < 0 ? a.parts : a.parts.slice(0, stop);
  for (const part of found) {
    const own = direct.get(part.text);
    const c = own?.shift();
    if (c !== undefined) {
      const input = c.redirects.some((r) => r.kind === 'read' || r.kind === 'heredoc');
      commandMarks(part, { piped, input, nested: false }, marks);
    } else {
      const m: RiskMark[] = [];
      commandMarks(part, { piped, input: false, nested: true }, m);
      inner.push({ text: part.text, marks: m });
    }
  }
  if (stop >= 0) for (const part of a.parts.slice(stop + 1)) commandMarks(part, { piped: false, input: false, nested: false }, marks);
  for (const w of a.writes) {
    const m = redirectMark(w, options);
    if (m !== undefined) addMark(marks, m);
  }
  // First: what else is said of a command cco cannot settle is not the whole story.
  if (a.opaque !== undefined) marks.unshift({ kind: 'opaque', text: OPAQUE_TEXT, why: a.opaque });
  return { marks, inner };
}

/** A Bash command part by part (see bashLayout), each part with its marks. */
export function bashRisk(command: string, options: PartOptions = {}): BashRisk {
  const layout = bashLayout(command);
  const parts: PartRisk[] = [];
  const marks: RiskMark[] = [];
  const heredocs = layout.pieces.filter((x) => x.kind === 'heredoc');
  for (const piece of layout.pieces) {
    if (piece.kind !== 'part') continue;
    // A part is analysed with the here-document bodies it opened (they follow its line).
    let text = piece.text;
    for (const h of heredocs) {
      if (h.opener !== undefined && h.opener >= piece.start && h.opener < piece.start + piece.text.length) text += `\n${h.text}`;
    }
    const r = partRisk(text, { ...options, after: piece.op });
    const k = parts.length;
    parts.push(r);
    const all: RiskMark[] = [];
    for (const m of r.marks) addMark(all, m);
    for (const i of r.inner) for (const m of i.marks) addMark(all, m);
    for (const m of all) marks.push({ ...m, part: k });
  }
  if (layout.settled && parts.length > 1) {
    // What only the whole line shows: `x=rm; $x -rf /` runs `rm -rf /`.
    for (const m of partRisk(command, { cwd: options.cwd, ...(options.home === undefined ? {} : { home: options.home }) }).marks) {
      if (m.kind !== 'pipe-shell' && !marks.some((x) => x.kind === m.kind && x.text === m.text)) marks.push(m);
    }
  }
  return { layout, parts, marks };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** What makes `call` risky, in a few words each (none for a call with nothing to flag). */
export function riskMarks(call: ToolCall, options: RiskOptions = {}): RiskMark[] {
  const input = call.input ?? {};
  const cwd = call.agent?.cwd;
  const opts: PartOptions = { ...options, ...(cwd === undefined ? {} : { cwd }) };
  if (editsFiles(call.toolName)) {
    // The path its rules check (the catalogue's field), not another field the agent added.
    const field = pathField(call.toolName);
    const path = field === undefined ? undefined : str(input[field]);
    const m = path === undefined ? undefined : writeMark(path, opts, false);
    return m === undefined ? [] : [m];
  }
  switch (call.toolName) {
    case 'Bash':
      return bashRisk(str(input.command) ?? '', opts).marks;
    case 'WebFetch': {
      let host = '';
      try {
        host = new URL(str(input.url) ?? '').host;
      } catch {
        // not a URL: the mark still says it fetches
      }
      return [{ kind: 'network', text: host === '' ? 'network fetch' : `network fetch (${short(host)})` }];
    }
    default:
      return [];
  }
}

/** The marks in one line, each text once: `⚠ pipe into a shell · network fetch (curl)`; '' for none. */
export function riskSummary(marks: readonly RiskMark[]): string {
  const texts = [...new Set(marks.map((m) => m.text))];
  return texts.length === 0 ? '' : `⚠ ${texts.join(' · ')}`;
}
