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

import { unquote } from './shell-quotes.js';
import type { ShellAnalysis, ShellLayout, SimpleCommand } from './shell-types.js';
import { META, Opaque, WordReader } from './shell-words.js';

export type { LayoutMark, RedirectKind, ShellAnalysis, ShellLayout, ShellRedirect, ShellWord, SimpleCommand } from './shell-types.js';
export { unquote } from './shell-quotes.js';

/** More simple commands than this in one call: the rest is not looked at (opaque). */
export const MAX_COMMANDS = 2000;

const RESERVED_START = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time', 'fi', 'done', '}']);
const OPAQUE_START = new Set(['case', 'esac', 'function', 'select', 'coproc', '[[', ']]', '((']);

interface PendingHeredoc {
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
  /** Offset of its `<<`. */
  opener: number;
}

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

/** The grammar: lists, groups, simple commands, redirections and here-documents, over the word reader. */
class Parser extends WordReader {
  opaque?: string;
  /** Only on the outermost parser, when asked for: its top level's marks. */
  layout?: ShellLayout;
  private heredocs: PendingHeredoc[] = [];

  protected nestedList(text: string, from: number, close: ')' | null): number {
    const sub = new Parser(text, this.depth + 1, this.out);
    sub.pos = from;
    sub.parseList(close);
    return sub.pos;
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
}

function isAssignment(raw: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(raw);
}
