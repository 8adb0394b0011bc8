/**
 * A parser for the part of bash's grammar agents write, made for one question: which simple
 * commands would bash run, with which words, and which files would it write? It follows bash's
 * own rules for words, quotes, comments, here-documents, substitutions and redirections. What it
 * does not model exactly (arithmetic with expansions, `case`, function definitions, `[[ … ]]`'s
 * own operators, subscripts, brace or extended globs in a command name, unfinished input, very
 * deep nesting) makes the result `opaque`: no allow rule may then match, and deny rules still see
 * every command that was found. It never throws and its work is linear in the input: it is
 * iterative over words and recursive only into substitutions, with a depth limit.
 */

/** One word of a simple command. */
export interface ShellWord {
  /** As written (quotes kept). */
  raw: string;
  /** The value after quote removal; undefined when an expansion (`$x`, `$(…)`, `*`) makes it unknown. */
  value?: string;
  /** An unquoted `~` at its start (the value then starts with `~`). */
  tilde: boolean;
}

export type RedirectKind = 'write' | 'read' | 'dup' | 'heredoc';

export interface ShellRedirect {
  kind: RedirectKind;
  op: string;
  /** The target word (for `write` and `read`). */
  target?: ShellWord;
}

export interface SimpleCommand {
  /** Leading `NAME=value` words. */
  assignments: ShellWord[];
  /** The command name and its arguments. */
  words: ShellWord[];
  redirects: ShellRedirect[];
}

export interface ShellAnalysis {
  commands: SimpleCommand[];
  /** Why what runs cannot be settled, when it cannot; the commands found are still listed. */
  opaque?: string;
  /** Where the top level splits, when asked for (`parseShell(src, { layout: true })`). */
  layout?: ShellLayout;
}

/**
 * A top-level operator (`&&`, `||`, `;`, `|`, `|&`, `&`, a newline) or here-document body, as
 * `[start, end)` offsets into the parsed text. Operators inside quotes, substitutions, subshells,
 * comments and here-documents are not top-level.
 */
export type LayoutMark =
  | { kind: 'op'; start: number; end: number }
  /** A body read after a top-level newline (its end line included); `opener` is the offset of its `<<`. */
  | { kind: 'heredoc'; start: number; end: number; opener: number };

export interface ShellLayout {
  /** In source order. */
  marks: LayoutMark[];
  /** Indices into `commands` of the commands not run from inside a substitution. */
  direct: number[];
}

/** Substitutions nested deeper than this are not followed (the call becomes opaque). */
const MAX_DEPTH = 32;
/** More simple commands than this in one call: the rest is not looked at (opaque). */
export const MAX_COMMANDS = 2000;

const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);
const RESERVED_START = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'fi', 'done', '}']);
const OPAQUE_START = new Set(['case', 'esac', 'function', 'select', 'coproc', '[[', ']]', '((']);

interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  /** Offset of its `<<`. */
  opener: number;
}

class Opaque extends Error {}

/** Parses `src`; never throws. With `layout`, also says where its top level splits. */
export function parseShell(src: string, options?: { layout?: boolean }): ShellAnalysis {
  const p = new Parser(src, 0);
  if (options?.layout === true) p.layout = { marks: [], direct: [] };
  let result: ShellAnalysis;
  try {
    p.parseList(null);
    if (p.pos < src.length) p.fail('unexpected `)`');
    result = p.opaque === undefined ? { commands: p.out } : { commands: p.out, opaque: p.opaque };
  } catch (e) {
    if (!(e instanceof Opaque)) throw e;
    result = { commands: p.out, opaque: e.message };
  }
  if (p.layout !== undefined) result.layout = p.layout;
  return result;
}

class Parser {
  pos = 0;
  out: SimpleCommand[];
  opaque?: string;
  /** Only on the outermost parser, when asked for: its top level's marks. */
  layout?: ShellLayout;
  private heredocs: PendingHeredoc[] = [];

  constructor(
    readonly src: string,
    readonly depth: number,
    out?: SimpleCommand[],
  ) {
    this.out = out ?? [];
  }

  fail(why: string): never {
    throw new Opaque(why);
  }

  /** Commands up to `close` (`)` or end); consumes the `)`. */
  parseList(close: ')' | null): void {
    const src = this.src;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= src.length) {
        if (close !== null) this.fail('an unclosed `(` or `$(`');
        if (this.heredocs.length > 0) this.fail('a here-document without its end line');
        return;
      }
      const c = src[this.pos] as string;
      if (c === '\n') {
        const top = close === null && this.layout !== undefined;
        if (top) this.layout?.marks.push({ kind: 'op', start: this.pos, end: this.pos + 1 });
        this.pos++;
        this.readHeredocBodies(top);
        continue;
      }
      if (c === '#') {
        this.skipComment();
        continue;
      }
      if (c === ')') {
        if (close === null) this.fail('an unmatched `)`');
        this.pos++;
        return;
      }
      if (c === ';' || c === '&' || c === '|') {
        // `;;` and `;&` belong to `case`, which is not modelled.
        if (c === ';' && (src[this.pos + 1] === ';' || src[this.pos + 1] === '&')) this.fail('`;;` (case) is not followed');
        const start = this.pos;
        this.pos += c !== ';' && src[this.pos + 1] === c ? 2 : c === '|' && src[this.pos + 1] === '&' ? 2 : 1;
        if (close === null && this.layout !== undefined) this.layout.marks.push({ kind: 'op', start, end: this.pos });
        continue;
      }
      if (c === '(') {
        if (src[this.pos + 1] === '(') this.fail('arithmetic `((…))` is not followed');
        this.pos++;
        this.parseList(')');
        this.parseRedirectsAfterGroup();
        continue;
      }
      this.parseSimpleCommand();
    }
  }

  private skipBlanks(): void {
    const src = this.src;
    for (;;) {
      const c = src[this.pos];
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\\' && src[this.pos + 1] === '\n') this.pos += 2;
      else return;
    }
  }

  private skipComment(): void {
    const nl = this.src.indexOf('\n', this.pos);
    this.pos = nl < 0 ? this.src.length : nl;
  }

  /** Redirections after `( … )`: `(cmd) > f`. They apply to the group; recorded on an empty command. */
  private parseRedirectsAfterGroup(): void {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [] };
    for (;;) {
      this.skipBlanks();
      if (!this.tryRedirect(cmd)) break;
    }
    if (cmd.redirects.length > 0) this.push(cmd);
  }

  private push(cmd: SimpleCommand): void {
    if (this.out.length >= MAX_COMMANDS) this.fail(`more than ${MAX_COMMANDS} commands`);
    if (this.layout !== undefined) this.layout.direct.push(this.out.length);
    this.out.push(cmd);
  }

  private parseSimpleCommand(): void {
    const cmd: SimpleCommand = { assignments: [], words: [], redirects: [] };
    try {
      this.readSimpleCommand(cmd);
    } catch (e) {
      // What was read of it still counts for deny rules.
      if (cmd.words.length > 0 && this.out.length < MAX_COMMANDS) {
        if (this.layout !== undefined) this.layout.direct.push(this.out.length);
        this.out.push(cmd);
      }
      throw e;
    }
    if (cmd.words.length > 0 || cmd.assignments.length > 0 || cmd.redirects.length > 0) this.push(cmd);
  }

  private readSimpleCommand(cmd: SimpleCommand): void {
    const src = this.src;
    for (;;) {
      this.skipBlanks();
      if (this.pos >= src.length) break;
      const c = src[this.pos] as string;
      if (c === '\n' || c === ';' || c === '&' || c === '|' || c === ')') {
        if (c === '&' && src[this.pos + 1] === '>') {
          this.tryRedirect(cmd);
          continue;
        }
        break;
      }
      if (c === '(') this.fail(cmd.words.length === 1 ? 'a function definition is not followed' : '`(` inside a command');
      if (c === '#' && this.atWordStart()) {
        this.skipComment();
        break;
      }
      if ((c === '<' || c === '>') && src[this.pos + 1] === '(') {
        // Process substitution: a command of its own, and (part of) a word, a /dev/fd path, here.
        cmd.words.push(this.readWord());
        continue;
      }
      if (this.tryRedirect(cmd)) continue;
      const word = this.readWord();
      if (cmd.words.length === 0) {
        if (isAssignment(word.raw)) {
          cmd.assignments.push(word);
          continue;
        }
        if (/^[A-Za-z_][A-Za-z0-9_]*\[/.test(word.raw)) this.fail('an array assignment is not followed');
        // Reserved words (only as the first word, before any assignment or redirection) open or
        // close a compound command: what follows is a command.
        const first = cmd.assignments.length === 0 && cmd.redirects.length === 0;
        if (first && RESERVED_START.has(word.raw)) {
          if (word.raw === 'time') this.skipTimeOptions();
          continue;
        }
        if (first && OPAQUE_START.has(word.raw)) this.fail(`\`${word.raw}\` is not followed`);
        if (first && word.raw === 'for') {
          this.skipForHead();
          continue;
        }
      }
      cmd.words.push(word);
    }
  }

  private atWordStart(): boolean {
    const prev = this.src[this.pos - 1];
    return prev === undefined || META.has(prev);
  }

  private skipTimeOptions(): void {
    this.skipBlanks();
    if (this.src.startsWith('-p', this.pos) && (this.src[this.pos + 2] === ' ' || this.src[this.pos + 2] === '\t')) this.pos += 2;
  }

  /** `for NAME in WORDS` up to `;` or a newline: the words are expanded (their substitutions run), not run. */
  private skipForHead(): void {
    const src = this.src;
    this.skipBlanks();
    if (src.startsWith('((', this.pos)) this.fail('arithmetic `for ((…))` is not followed');
    const holder: SimpleCommand = { assignments: [], words: [], redirects: [] };
    for (;;) {
      this.skipBlanks();
      const c = src[this.pos];
      if (c === undefined || c === '\n' || c === ';') break;
      if (META.has(c)) this.fail('an odd `for` head');
      holder.assignments.push(this.readWord());
    }
    // Substitutions in the words were pushed as commands of their own by readWord.
  }

  /** A redirection at pos (with an optional fd number before it); false when there is none. */
  private tryRedirect(cmd: SimpleCommand): boolean {
    const src = this.src;
    let i = this.pos;
    while (i < src.length && src.charCodeAt(i) >= 48 && src.charCodeAt(i) <= 57) i++;
    const lead = src[i];
    if (lead !== '<' && lead !== '>' && lead !== '&' && lead !== '{') return false;
    if (src[i] === '{' && /^\{[A-Za-z_][A-Za-z0-9_]*\}[<>]/.test(src.slice(i, i + 40))) this.fail('a `{var}` redirection is not followed');
    const rest = src.slice(i, i + 3);
    let op: string | undefined;
    for (const candidate of ['<<<', '<<-', '&>>', '<<', '>>', '<&', '>&', '<>', '>|', '&>', '<', '>']) {
      if (rest.startsWith(candidate)) {
        op = candidate;
        break;
      }
    }
    if (op === undefined) return false;
    if (op.startsWith('&') && i !== this.pos) return false;
    this.pos = i + op.length;
    this.skipBlanks();
    const next = src[this.pos];
    if (next === undefined || META.has(next)) this.fail(`\`${op}\` without a target`);
    if (op === '<<' || op === '<<-') {
      const word = this.readWord();
      const quoted = /['"\\]/.test(word.raw);
      const delimiter = unquote(word.raw);
      if (/[$`]/.test(delimiter) && !quoted) this.fail('a here-document delimiter with an expansion');
      this.heredocs.push({ delimiter, quoted, stripTabs: op === '<<-', opener: i });
      cmd.redirects.push({ kind: 'heredoc', op });
      return true;
    }
    const target = this.readWord();
    if (op === '<<<') {
      cmd.redirects.push({ kind: 'heredoc', op, target });
      return true;
    }
    if ((op === '>&' || op === '<&') && /^(?:[0-9]+-?|-)$/.test(target.raw)) {
      cmd.redirects.push({ kind: 'dup', op, target });
      return true;
    }
    cmd.redirects.push({ kind: op === '<' ? 'read' : 'write', op, target });
    return true;
  }

  /** After a newline: the bodies of the here-documents opened on the line just ended (`top`: recorded in the layout). */
  private readHeredocBodies(top = false): void {
    const src = this.src;
    while (this.heredocs.length > 0) {
      const h = this.heredocs.shift() as PendingHeredoc;
      const start = this.pos;
      let found = false;
      while (this.pos <= src.length) {
        let end = src.indexOf('\n', this.pos);
        if (end < 0) end = src.length;
        let line = src.slice(this.pos, end);
        // In an unquoted body bash joins a line ending in `\` with the next before looking for the end line.
        if (!h.quoted && /(?:^|[^\\])(?:\\\\)*\\$/.test(line)) this.fail('a line continuation in a here-document is not followed');
        if (h.stripTabs) line = line.replace(/^\t+/, '');
        const lineStart = this.pos;
        this.pos = Math.min(end + 1, src.length);
        if (line === h.delimiter) {
          found = true;
          if (top) this.layout?.marks.push({ kind: 'heredoc', start, end: this.pos, opener: h.opener });
          if (!h.quoted) this.scanExpansions(src.slice(start, lineStart));
          break;
        }
        if (end >= src.length) break;
      }
      if (!found) this.fail('a here-document without its end line');
    }
  }

  /** The substitutions in text that bash expands like a double-quoted string (an unquoted here-document body). */
  private scanExpansions(text: string): void {
    const sub = new Parser(text, this.depth, this.out);
    sub.readDoubleQuotedBody(null);
  }

  /** One word at pos; substitutions inside it are parsed and their commands pushed. */
  readWord(): ShellWord {
    const src = this.src;
    const start = this.pos;
    let value: string | undefined = '';
    let tilde = false;
    const unknown = () => {
      value = undefined;
    };
    if (src[this.pos] === '~') tilde = true;
    while (this.pos < src.length) {
      const c = src[this.pos] as string;
      if ((c === '<' || c === '>') && src[this.pos + 1] === '(') {
        // Process substitution inside a word (`cat<(ls)`) is part of that word, as in bash.
        this.substitute(this.pos + 2);
        unknown();
        continue;
      }
      if (META.has(c)) break;
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === undefined) this.fail('a trailing backslash');
        if (n === '\n') {
          this.pos += 2;
          continue;
        }
        if (value !== undefined) value += n;
        this.pos += 2;
      } else if (c === "'") {
        const end = src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('an unclosed `\'`');
        if (value !== undefined) value += src.slice(this.pos + 1, end);
        this.pos = end + 1;
      } else if (c === '"') {
        this.pos++;
        const v = this.readDoubleQuotedBody('"');
        if (v === undefined) unknown();
        else if (value !== undefined) value += v;
      } else if (c === '$') {
        const v = this.readDollar(false);
        if (v === undefined) unknown();
        else if (value !== undefined) value += v;
      } else if (c === '`') {
        this.readBackticks();
        unknown();
      } else if (c === '*' || c === '?' || c === '[') {
        // A glob: the words it becomes depend on the files there.
        if (value !== undefined) value += c;
        this.pos++;
        if (c !== '[' || this.closesBracket()) unknown();
      } else if ((c === '@' || c === '+' || c === '!') && src[this.pos + 1] === '(') {
        this.fail('an extended glob is not followed');
      } else if (c === '{') {
        // Brace expansion (`{a,b}`, `{1..3}`) turns one word into several.
        if (/^\{[^\s{}]*(?:,|\.\.)[^\s{}]*\}/.test(src.slice(this.pos, this.pos + 256))) unknown();
        else if (value !== undefined) value += c;
        this.pos++;
      } else {
        // A run of plain characters at once (linear, and cheap for long words).
        let end = this.pos + 1;
        while (end < src.length && !isSpecial(src.charCodeAt(end))) end++;
        if (value !== undefined) value += src.slice(this.pos, end);
        this.pos = end;
      }
    }
    if (this.pos === start) this.fail('an empty word');
    const raw = src.slice(start, this.pos);
    return value === undefined ? { raw, tilde } : { raw, value, tilde };
  }

  /** Where the last bracket scan stopped and what it found: a scan is reused for every `[` before that point. */
  private bracketScan = { from: -1, to: -1, found: false };

  /** Whether a `]` follows in the same word (`[` alone, as in `[ -f x ]`, is no glob). */
  private closesBracket(): boolean {
    const src = this.src;
    const scan = this.bracketScan;
    if (this.pos > scan.from && this.pos <= scan.to) return scan.found;
    let i = this.pos;
    let found = true;
    for (; i < src.length; i++) {
      const c = src[i] as string;
      if (c === ']') break;
      if (META.has(c)) {
        found = false;
        break;
      }
    }
    if (i >= src.length) found = true;
    this.bracketScan = { from: this.pos, to: i, found };
    return found;
  }

  /**
   * From just inside a `"` (or in an unquoted here-document, `close` null), to just after the
   * closing quote; the value, or undefined when it holds an expansion.
   */
  readDoubleQuotedBody(close: '"' | null): string | undefined {
    const src = this.src;
    let value: string | undefined = '';
    while (this.pos < src.length) {
      const c = src[this.pos] as string;
      if (close !== null && c === close) {
        this.pos++;
        return value;
      }
      if (c === '\\') {
        const n = src[this.pos + 1];
        if (n === undefined) break;
        if (n === '\n') this.pos += 2;
        else {
          if (value !== undefined) value += n === '$' || n === '`' || n === '"' || n === '\\' ? n : `\\${n}`;
          this.pos += 2;
        }
      } else if (c === '$') {
        const v = this.readDollar(true);
        if (v === undefined) value = undefined;
        else if (value !== undefined) value += v;
      } else if (c === '`') {
        this.readBackticks();
        value = undefined;
      } else {
        if (value !== undefined) value += c;
        this.pos++;
      }
    }
    if (close !== null) this.fail('an unclosed `"`');
    return value;
  }

  /** A `$…` at pos: its literal value (`$'…'`, a lone `$`), or undefined for an expansion. */
  private readDollar(inDouble: boolean): string | undefined {
    const src = this.src;
    const n = src[this.pos + 1];
    // bash removes `\`-newline before it reads what follows the `$`: `$\⏎(cmd)` is `$(cmd)`.
    if (n === '\\' && src[this.pos + 2] === '\n') this.fail('a line continuation after `$` is not followed');
    if (n === "'" && !inDouble) {
      const [decoded, end] = ansiC(src, this.pos);
      if (end >= src.length) this.fail("an unclosed `$'`");
      this.pos = end + 1;
      return decoded;
    }
    if (n === '"' && !inDouble) {
      this.pos += 2;
      return this.readDoubleQuotedBody('"');
    }
    if (n === '(') {
      if (src[this.pos + 2] === '(') this.arithmetic(this.pos + 3, '))');
      else this.substitute(this.pos + 2);
      return undefined;
    }
    if (n === '[') {
      this.arithmetic(this.pos + 2, ']');
      return undefined;
    }
    if (n === '{') {
      this.parameter();
      return undefined;
    }
    if (n !== undefined && /[A-Za-z_]/.test(n)) {
      let i = this.pos + 2;
      while (i < src.length && /[A-Za-z0-9_]/.test(src[i] as string)) i++;
      this.pos = i;
      return undefined;
    }
    if (n !== undefined && /[0-9#?$!*@-]/.test(n)) {
      this.pos += 2;
      return undefined;
    }
    this.pos++;
    return '$';
  }

  /** `$(…)` from just inside the `(`: a nested list. */
  private substitute(from: number): void {
    if (this.depth + 1 > MAX_DEPTH) this.fail(`substitutions nested more than ${MAX_DEPTH} deep`);
    const sub = new Parser(this.src, this.depth + 1, this.out);
    sub.pos = from;
    sub.parseList(')');
    this.pos = sub.pos;
  }

  /** `` `…` `` at pos: its text, unescaped as bash does, parsed as a nested list. */
  private readBackticks(): void {
    const src = this.src;
    let i = this.pos + 1;
    let inner = '';
    while (i < src.length && src[i] !== '`') {
      if (src[i] === '\\' && i + 1 < src.length) {
        const n = src[i + 1] as string;
        if (n === '`') this.fail('nested backticks are not followed');
        inner += n === '$' || n === '\\' ? n : `\\${n}`;
        i += 2;
      } else {
        inner += src[i];
        i++;
      }
    }
    if (i >= src.length) this.fail('an unclosed backtick');
    if (this.depth + 1 > MAX_DEPTH) this.fail(`substitutions nested more than ${MAX_DEPTH} deep`);
    const sub = new Parser(inner, this.depth + 1, this.out);
    sub.parseList(null);
    this.pos = i + 1;
  }

  /**
   * Arithmetic (`$((…))`, `$[…]`): bash reads quotes there as plain characters and still runs
   * substitutions and subscripts, so only plain arithmetic is followed.
   */
  private arithmetic(from: number, close: string): void {
    const end = this.src.indexOf(close, from);
    if (end < 0) this.fail('unclosed arithmetic');
    const body = this.src.slice(from, end);
    if (!/^[\w\s+\-*/%<>=!&|^~?:,.()]*$/.test(body)) this.fail('arithmetic with expansions, quotes or subscripts is not followed');
    // `$((a) && (b))` is a command substitution to bash, not arithmetic: the parentheses must nest.
    let depth = 0;
    for (const ch of body) {
      if (ch === '(') depth++;
      else if (ch === ')' && --depth < 0) this.fail('`$((` that may be a command substitution is not followed');
    }
    if (depth !== 0) this.fail('`$((` that may be a command substitution is not followed');
    this.pos = end + close.length;
  }

  /** `${…}`: a plain name, or `${name:-word}` with a plain word; anything else is not followed. */
  private parameter(): void {
    const src = this.src;
    const end = src.indexOf('}', this.pos + 2);
    if (end < 0) this.fail('an unclosed `${`');
    const body = src.slice(this.pos + 2, end);
    if (!/^#?(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+|[#?$!*@-])(?::?[-=+?][\w./:@%+-]*)?$/.test(body)) this.fail(`\`\${${body.slice(0, 40)}}\` is not followed`);
    this.pos = end + 1;
  }
}

/** Characters readWord treats one by one (quotes, expansions, globs, operators); the rest are read in runs. */
const SPECIAL = new Uint8Array(128);
for (const c of ' \t\n;&|()<>\\\'"$`*?[{@+!') SPECIAL[c.charCodeAt(0)] = 1;

function isSpecial(code: number): boolean {
  return code < 128 && SPECIAL[code] === 1;
}

function isAssignment(raw: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(raw);
}

/** Quotes and backslashes removed the way the shell removes them: `'r'm` and `$'\x72m'` run `rm`. */
export function unquote(text: string): string {
  if (!/['"\\]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      out += text[i + 1] ?? '';
      i++;
    } else if (c === '$' && text[i + 1] === "'") {
      const [decoded, end] = ansiC(text, i);
      out += decoded;
      i = end;
    } else if (c === '$' && text[i + 1] === '"') {
      // `$"…"` (a translated string) reads like `"…"`.
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const stop = end < 0 ? text.length : end;
      out += text.slice(i + 1, stop);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < text.length) j++;
        out += text[j];
        j++;
      }
      i = j;
    } else out += c;
  }
  return out;
}

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** The text of `$'…'` starting at `i` (at the `$`), decoded; and the index of its closing quote. */
export function ansiC(text: string, i: number): [string, number] {
  // The end is found as bash's lexer finds it: a backslash escapes the next character, whatever
  // that escape means when decoded (`$'\c'` ends at its second quote).
  let end = i + 2;
  while (end < text.length && text[end] !== "'") end += text[end] === '\\' ? 2 : 1;
  if (end > text.length) end = text.length;
  const body = text.slice(i + 2, end);
  let out = '';
  let j = 0;
  while (j < body.length) {
    const c = body[j] as string;
    if (c !== '\\' || j + 1 >= body.length) {
      out += c;
      j++;
      continue;
    }
    const e = body[j + 1] as string;
    let m: RegExpMatchArray | null;
    if (Object.hasOwn(C_ESCAPES, e)) {
      out += C_ESCAPES[e];
      j += 2;
    } else if ((m = /^[0-7]{1,3}/.exec(body.slice(j + 1, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 8) & 0xff);
      j += 1 + m[0].length;
    } else if (e === 'x' && (m = /^[0-9a-fA-F]{1,2}/.exec(body.slice(j + 2, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 16));
      j += 2 + m[0].length;
    } else if ((e === 'u' || e === 'U') && (m = new RegExp(`^[0-9a-fA-F]{1,${e === 'u' ? 4 : 8}}`).exec(body.slice(j + 2, j + 10)))) {
      const code = Number.parseInt(m[0], 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : '';
      j += 2 + m[0].length;
    } else if (e === 'c') {
      if (j + 2 < body.length) out += String.fromCharCode((body.charCodeAt(j + 2) & 0x1f) >>> 0);
      j += 3;
    } else {
      out += `\\${e}`;
      j += 2;
    }
  }
  return [out, end];
}
