/**
 * The simple commands a shell command runs, in the forms rules compare against, so a rule is
 * checked against each of them: `npm test && rm -rf /` must not pass as `npm test`. Built on
 * parseShell (shell.ts); wrappers (`sudo rm`, `env rm`, `/bin/rm`, `xargs rm`, `find -exec rm`,
 * `bash -c 'rm …'`, `eval`) give deny rules the command they run; what cannot be settled matches
 * no allow rule.
 */

/** One simple command of a compound command, in the forms rules compare against. */
export interface CommandPart {
  /** As written (whitespace outside quotes collapsed), e.g. `FOO=1 npm test`. */
  text: string;
  /** Forms an allow or ask rule may match: the text, and the text without harmless env assignments. */
  allowForms: readonly string[];
  /** Forms a deny rule may match: also without every env assignment, and with quotes removed. */
  denyForms: readonly string[];
}

import { afterWrapper, basename, OPTION_VALUES, PREFIX_WRAPPERS, skipOptions, unwrapped } from './bash-wrappers.js';
import { parseShell, unquote, type ShellWord, type SimpleCommand } from './shell.js';

export { unquote };

/** The parts of a command, and whether what runs could not be settled. */
export interface SplitResult {
  /** The simple commands as written; the whole text, as one part, when the parse is not settled. */
  parts: string[];
  /** What bash would run is not known (see parseShell), so no allow or ask rule may match it. */
  unclosed: boolean;
  /**
   * Whether a rule naming this command must compare the whole line: it is compound, not settled,
   * or has redirections (which are not part of a part's text).
   */
  whole: boolean;
}

/**
 * The simple commands of `command`, as written (assignments and words, redirections left out):
 * split at `&&`, `||`, `;`, `|`, `&`, newlines and `( … )`; the commands inside `$(…)`, backticks,
 * `<(…)` and unquoted here-documents are parts of their own. A command whose parse is not settled
 * is one part, the whole text: what is shown of it never hides an unparsed tail.
 */
export function splitCommand(command: string): string[] {
  return splitCommandDetailed(command).parts;
}

/** splitCommand, also saying whether the parse could not be settled. */
export function splitCommandDetailed(command: string): SplitResult {
  const a = parseShell(command);
  if (a.opaque !== undefined) {
    const whole = command.trim();
    return { parts: whole === '' ? [] : [whole], unclosed: true, whole: true };
  }
  const parts = a.commands.map(commandText).filter((t) => t !== '');
  return { parts, unclosed: false, whole: parts.length !== 1 || a.commands.some((c) => c.redirects.length > 0) };
}

function commandText(c: SimpleCommand): string {
  return [...c.assignments, ...c.words].map((w) => w.raw).join(' ');
}

/**
 * Variables known not to change what a command runs (colours, locale, log levels, terminal size).
 * An allow rule sees past only these: any other assignment (`GOFLAGS=-toolexec=…`, `HOME=…`,
 * `LD_PRELOAD=…`) stays part of the command, so `Bash(go test:*)` does not allow
 * `GOFLAGS=… go test`. A deny or ask rule ignores every assignment.
 */
const HARMLESS_VARIABLE = /^(?:NODE_ENV|CI|FORCE_COLOR|NO_COLOR|DEBUG|RUST_LOG|RUST_BACKTRACE|TZ|LANG|LANGUAGE|LC_[A-Za-z0-9_]+|TERM|COLUMNS|LINES)=/;

/** A file a command writes through a redirection: the path as bash would open it, when known. */
export interface WriteTarget {
  /** As written. */
  raw: string;
  /** After quote removal (`~` or `~/…` still to expand); undefined when an expansion makes it unknown. */
  path?: string;
}

/** What rules see of a Bash command. */
export interface BashAnalysis {
  parts: CommandPart[];
  /** Files written through `>`, `>>`, `&>`, `>|`, `<>` (not `/dev/null`, nor `>&2`). */
  writes: WriteTarget[];
  /**
   * Paths the command may read: its arguments (an option's `=value` too) and `<` redirections,
   * after quote removal, as written (relative ones against the agent's cwd). Deny and ask rules on
   * paths meet them, as Claude Code's Read deny rules meet `cat secret/.env`.
   */
  reads: string[];
  /** Some argument is known only when the command runs (an expansion, `~user`): it may name any path. */
  readsUnknown: boolean;
  /** Why what runs cannot be settled, when it cannot: then no allow rule matches. */
  opaque?: string;
}

/** The part standing for what could not be settled: no form an allow or ask rule can match. */
export function opaquePart(why: string): CommandPart {
  return { text: `(not settled: ${why})`, allowForms: [], denyForms: [] };
}

/** Parts of `command` with the forms rules compare against. */
export function commandParts(command: string): CommandPart[] {
  return analyzeBash(command).parts;
}

const HARMLESS_WRITES = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/tty']);
const SHELLS = new Set(['bash', 'sh', 'zsh', 'dash', 'ksh', 'mksh', 'ash', 'fish']);
/** Builtins that read array subscripts (and so run `$(…)` inside them, even from quoted text). */
const SUBSCRIPT_BUILTINS = new Set([
  'let',
  'declare',
  'typeset',
  'local',
  'readonly',
  'export',
  'unset',
  'read',
  'mapfile',
  'readarray',
  'printf',
  'wait',
  'shift',
  'return',
  'exit',
  'test',
  '[',
]);
/** The whole analysis of a Bash command: parts, writes, and whether it is settled. */
export function analyzeBash(command: string): BashAnalysis {
  const a = parseShell(command);
  const parts: CommandPart[] = [];
  const writes: WriteTarget[] = [];
  const state: Walk = { opaque: a.opaque, vars: new Map(), depth: 0, reads: [], readsUnknown: false };
  walk(a.commands, parts, writes, state);
  if (state.opaque !== undefined) {
    const rough = roughParts(command, parts);
    parts.push(opaquePart(state.opaque), ...rough);
    // Unsettled: every word of the rough net may name a file.
    for (const p of rough) for (const w of (p.denyForms[0] ?? '').split(' ').slice(1)) pushRead(state.reads, w);
  }
  const reads = state.reads;
  const readsUnknown = state.readsUnknown || state.opaque !== undefined;
  return state.opaque === undefined ? { parts, writes, reads, readsUnknown } : { parts, writes, reads, readsUnknown, opaque: state.opaque };
}

interface Walk {
  opaque?: string;
  /** Literal values assigned earlier in the command line (`x=rm; $x`), for deny rules. */
  vars: Map<string, string>;
  depth: number;
  reads: string[];
  readsUnknown: boolean;
}

/**
 * The paths an argument may name: the word itself, what follows an `=` (`--file=x`, `if=x`), an
 * attached short option's value (`-f/etc/x`), each without a leading `@` (`-d@file`) or `host:`.
 */
function pushRead(reads: string[], v: string): void {
  const out = new Set<string>();
  if (!v.startsWith('-')) out.add(v);
  const eq = v.indexOf('=');
  if (eq >= 0) out.add(v.slice(eq + 1));
  if (/^-[A-Za-z]./.test(v)) out.add(v.slice(2));
  const colon = v.indexOf(':');
  if (colon >= 0) out.add(v.slice(colon + 1));
  for (const c of out) {
    const arg = c.startsWith('@') ? c.slice(1) : c;
    if (arg !== '' && arg !== '-') reads.push(arg);
  }
}

function walk(commands: readonly SimpleCommand[], parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  for (const c of commands) {
    for (const r of c.redirects) {
      if (r.kind === 'read' && r.target?.value !== undefined && (!r.target.tilde || r.target.value === '~' || r.target.value.startsWith('~/')))
        st.reads.push(r.target.value);
      if (r.kind !== 'write' || r.target === undefined) continue;
      const t = r.target;
      const path = t.value !== undefined && (!t.tilde || t.value === '~' || t.value.startsWith('~/')) ? t.value : undefined;
      if (path !== undefined && (HARMLESS_WRITES.has(path) || /^\/dev\/fd\/[0-9]+$/.test(path))) continue;
      writes.push(path === undefined ? { raw: t.raw } : { raw: t.raw, path });
    }
    if (c.words.length === 0) {
      for (const w of c.assignments) {
        // `PATH=./bin; npm test`, `HOME=/etc; echo > ~/x`: an environment variable set for the
        // commands after it changes what they run or write.
        if (/^[A-Z_][A-Z0-9_]*\+?=/.test(w.raw) && !HARMLESS_VARIABLE.test(w.raw))
          st.opaque ??= `setting \`${short(w.raw.slice(0, w.raw.indexOf('=')))}\` for the commands after it is not followed`;
        const eq = w.raw.indexOf('=');
        const name = w.raw.slice(0, eq).replace(/\+$/, '');
        const val = w.value?.slice(w.value.indexOf('=') + 1);
        if (val !== undefined) st.vars.set(name, val);
        else st.vars.delete(name);
      }
      continue;
    }
    const part = partOf(c, st);
    parts.push(part);
    for (let i = 1; i < c.words.length; i++) {
      const w = c.words[i] as ShellWord;
      if (w.value !== undefined && (!w.tilde || w.value === '~' || w.value.startsWith('~/'))) pushRead(st.reads, w.value);
      // A word known only when it runs (`$HOME/.ssh/x`, `~user/x`) may name any path.
      else st.readsUnknown = true;
    }
    inner(c.words, parts, writes, st);
  }
}

/** The part of one simple command, with its allow and deny forms. */
function partOf(c: SimpleCommand, st: Walk): CommandPart {
  const words = joinRaw(c.words);
  const text = c.assignments.length === 0 ? words : `${joinRaw(c.assignments)} ${words}`;
  let harmless = -1;
  for (let i = 0; i < c.assignments.length; i++) {
    if (!HARMLESS_VARIABLE.test((c.assignments[i] as ShellWord).raw)) {
      harmless = i;
      break;
    }
  }
  const safe = harmless < 0 ? words : `${joinRaw(c.assignments.slice(harmless))} ${words}`;
  const name = c.words[0] as ShellWord;
  const deny = [text, safe, words];
  const values = argv(c.words);
  const joined = values.join(' ');
  if (joined !== words) deny.push(joined);
  if (name.value === undefined) {
    // The command name is not known: deny rules see its literal start and known variables.
    const lead = literalStart(name.raw);
    const known = variableValue(name.raw, st.vars);
    for (const n of [lead, known]) if (n) deny.push([n, ...values.slice(1)].join(' '));
    st.opaque ??= `the command name \`${short(name.raw)}\` is not known before it runs`;
  }
  let argsUnsettled = false;
  const subscripts = SUBSCRIPT_BUILTINS.has(name.value ?? '');
  for (let i = 0; i < c.words.length && !argsUnsettled; i++) {
    const w = c.words[i] as ShellWord;
    argsUnsettled = (w.value === undefined && w.raw.includes('[')) || (subscripts && i > 0 && (w.value ?? w.raw).includes('['));
  }
  if (argsUnsettled) st.opaque ??= `\`${short(name.raw)}\` with a subscript is not followed`;
  for (const form of unwrapped(values)) deny.push(form);
  const allow = name.value === undefined || argsUnsettled ? [] : safe === text ? [text] : [text, safe];
  return { text, allowForms: allow, denyForms: distinct(deny) };
}

function joinRaw(words: readonly ShellWord[]): string {
  if (words.length === 1) return (words[0] as ShellWord).raw;
  let out = '';
  for (let i = 0; i < words.length; i++) out += i === 0 ? (words[i] as ShellWord).raw : ` ${(words[i] as ShellWord).raw}`;
  return out;
}

function short(s: string): string {
  return s.length > 40 ? `${s.slice(0, 39)}…` : s;
}

/** Values of the words, the raw text where an expansion makes one unknown. */
function argv(words: readonly ShellWord[]): string[] {
  return words.map((w) => w.value ?? w.raw);
}

function literalStart(raw: string): string {
  const stop = raw.search(/[$`'"\\*?[{]/);
  return stop < 0 ? raw : raw.slice(0, stop);
}

function variableValue(raw: string, vars: ReadonlyMap<string, string>): string | undefined {
  const m = /^("?)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))\1$/.exec(raw);
  const name = m?.[2] ?? m?.[3];
  return name === undefined ? undefined : vars.get(name);
}

/**
 * Commands run from inside another command's arguments: `find -exec`, `xargs`, `bash -c`,
 * `eval`. Each is a part of its own, so an allow rule must cover it too and a deny rule sees it.
 */
function inner(words: readonly ShellWord[], parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  // Behind prefix wrappers, the command that runs.
  const values = argv(words);
  let k = 0;
  for (let guard = 0; guard < 16 && k < words.length; guard++) {
    const name = basename(words[k]?.value ?? '');
    if (!PREFIX_WRAPPERS.has(name) || (name === 'command' && /^-[vV]$/.test(words[k + 1]?.value ?? ''))) break;
    if (name === 'env') {
      for (let i = k + 1; i < values.length; i++) {
        const a = values[i] as string;
        if (a.startsWith('-S') || a.startsWith('--split-string') || /^-[a-zA-Z]*S/.test(a)) return void (st.opaque ??= '`env -S` is not followed');
      }
    }
    k = afterWrapper(name, values, k);
    if (k >= words.length) return;
  }
  const w = k === 0 ? words : words.slice(k);
  if (w.length === 0) return;
  const name = basename((w[0] as ShellWord).value ?? '');
  if (SHELLS.has(name)) return shellString(w, parts, writes, st);
  if (name === 'eval') return evalString(w.slice(1), parts, writes, st);
  if (name === 'trap') {
    // `trap 'cmd' SIGNAL`: the string runs later, as a command line.
    const action = w.slice(1).find((x) => !(x.value ?? '').startsWith('-'));
    if (action !== undefined && w.length > 2) return evalString([action], parts, writes, st);
    return;
  }
  if ((name === 'mapfile' || name === 'readarray') && w.some((x) => (x.value ?? x.raw).startsWith('-C')))
    return void (st.opaque ??= '`mapfile -C` is not followed');
  if (name === 'xargs') {
    const vals = argv(w.slice(1));
    const rest = skipOptions(vals, OPTION_VALUES.xargs as ReadonlySet<string>, false);
    const run = w.slice(w.length - rest.length);
    nested(run.length > 0 ? run : [{ raw: 'echo', value: 'echo', tilde: false }], parts, writes, st);
    return;
  }
  if (name === 'find') {
    for (let i = 1; i < w.length; i++) {
      if (!/^-(?:exec|execdir|ok|okdir)$/.test(w[i]?.value ?? '')) continue;
      let end = i + 1;
      while (end < w.length && w[end]?.value !== ';' && w[end]?.value !== '+') end++;
      nested(w.slice(i + 1, end), parts, writes, st);
      i = end;
    }
  }
}

/** A command given as words (behind xargs, find -exec): a part of its own. */
function nested(words: ShellWord[], parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  if (words.length === 0) return;
  if (st.depth >= 8) return void (st.opaque ??= 'commands nested too deep');
  st.depth++;
  walk([{ assignments: [], words, redirects: [] }], parts, writes, st);
  st.depth--;
}

/** `bash -c 'string' …`: the string is parsed as a command line of its own. */
function shellString(w: readonly ShellWord[], parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  const c = w.findIndex((x, i) => i > 0 && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(x.value ?? ''));
  if (c < 0) return;
  const script = w[c + 1];
  if (script === undefined) return;
  if (script.value === undefined) return void (st.opaque ??= `\`${short(script.raw)}\` run by a shell is not known`);
  sub(script.value, parts, writes, st);
}

function evalString(args: readonly ShellWord[], parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  if (args.some((a) => a.value === undefined)) return void (st.opaque ??= 'an `eval` of an expansion is not known');
  sub(args.map((a) => a.value).join(' '), parts, writes, st);
}

function sub(script: string, parts: CommandPart[], writes: WriteTarget[], st: Walk): void {
  if (st.depth >= 8) return void (st.opaque ??= 'commands nested too deep');
  const a = parseShell(script);
  if (a.opaque !== undefined) st.opaque ??= a.opaque;
  st.depth++;
  walk(a.commands, parts, writes, st);
  st.depth--;
}

const ROUGH_LIMIT = 4000;

/**
 * When the parse could not be settled, deny rules also see every run of words between any two
 * shell operators or quotes anywhere in the text (the part of the text after the point the
 * parser stopped included): a wide net, for deny rules only.
 */
function roughParts(command: string, found: readonly CommandPart[]): CommandPart[] {
  const seen = new Set<string>();
  for (const p of found) for (const f of p.denyForms) seen.add(f);
  const out: CommandPart[] = [];
  const chunks = new Set<string>();
  for (const chunk of command.split(/[;&|\n\r()`'"{}<>]|\$\(|\$\{/)) {
    if (chunks.has(chunk)) continue;
    chunks.add(chunk);
    let words = chunk.split(/[ \t\\]+/).filter((x) => x !== '');
    while (words.length > 0 && (RESERVED.has(words[0] as string) || /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0] as string))) words = words.slice(1);
    if (words.length === 0) continue;
    const forms = distinct([words.join(' '), ...unwrapped(words)]).filter((f) => !seen.has(f));
    if (forms.length === 0) continue;
    for (const f of forms) seen.add(f);
    out.push({ text: forms[0] as string, allowForms: [], denyForms: forms });
    if (out.length >= ROUGH_LIMIT) break;
  }
  return out;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', 'time', 'for', 'case', 'esac', 'function', 'in']);

/** The forms without repeats or empties, in order (a Set: forms of a long command are long strings). */
function distinct(forms: string[]): string[] {
  if (forms.length <= 8) {
    // Few forms: a list is cheaper than a Set (long equal-length forms are rare and still bounded by 8²).
    const out: string[] = [];
    for (const f of forms) if (f !== '' && !out.includes(f)) out.push(f);
    return out;
  }
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of forms) {
    if (f === '' || seen.has(f)) continue;
    seen.add(f);
    out.push(f);
  }
  return out;
}
