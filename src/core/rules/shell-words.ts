/**
 * The shell parser's word level: one word with its quotes, `$…` expansions, substitutions (parsed
 * as nested lists by the grammar, `shell.ts`), globs and braces, and whether its value is known.
 */
import { ansiC } from './shell-quotes.js';
import type { ShellWord, SimpleCommand } from './shell-types.js';

/** Substitutions nested deeper than this are not followed (the call becomes opaque). */
export const MAX_DEPTH = 32;

/** Characters that end a word. */
export const META = new Set([' ', '\t', '\n', ';', '&', '|', '(', ')', '<', '>']);

/** What cannot be followed: the parse stops, and the analysis is opaque with this message. */
export class Opaque extends Error {}

/** Reads words at `pos` of `src`; a substitution's commands go to `out`, through the grammar's nestedList. */
export abstract class WordReader {
  pos = 0;
  out: SimpleCommand[];

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

  /** Parses `text` from `from` up to `close` as a list one level deeper, its commands going to `out`; where it stopped. */
  protected abstract nestedList(text: string, from: number, close: ')' | null): number;

  /** One word at pos; substitutions inside it are parsed and their commands pushed. */
  readWord(): ShellWord {
    const src = this.src;
    const start = this.pos;
    let value: string | undefined = '';
    const tilde = src[this.pos] === '~';
    while (this.pos < src.length) {
      const c = src[this.pos] as string;
      // Process substitution inside a word (`cat<(ls)`) is part of that word, as in bash.
      if (META.has(c) && !((c === '<' || c === '>') && src[this.pos + 1] === '(')) break;
      const part = this.readWordPart(c);
      if (part === undefined) value = undefined;
      else if (value !== undefined) value += part;
    }
    if (this.pos === start) this.fail('an empty word');
    const raw = src.slice(start, this.pos);
    return value === undefined ? { raw, tilde } : { raw, value, tilde };
  }

  /** The piece of a word at pos (`c` is its first character), read: its value, or undefined when an expansion makes it unknown. */
  private readWordPart(c: string): string | undefined {
    const src = this.src;
    if (c === '<' || c === '>') {
      // `<(` or `>(`: a process substitution.
      this.substitute(this.pos + 2);
      return undefined;
    }
    if (c === '\\') {
      const n = src[this.pos + 1];
      if (n === undefined) this.fail('a trailing backslash');
      this.pos += 2;
      return n === '\n' ? '' : n;
    }
    if (c === "'") {
      const end = src.indexOf("'", this.pos + 1);
      if (end < 0) this.fail("an unclosed `'`");
      const v = src.slice(this.pos + 1, end);
      this.pos = end + 1;
      return v;
    }
    if (c === '"') {
      this.pos++;
      return this.readDoubleQuotedBody('"');
    }
    if (c === '$') return this.readDollar(false);
    if (c === '`') {
      this.readBackticks();
      return undefined;
    }
    if (c === '*' || c === '?' || c === '[') {
      // A glob: the words it becomes depend on the files there.
      this.pos++;
      return c !== '[' || this.closesBracket() ? undefined : c;
    }
    if ((c === '@' || c === '+' || c === '!') && src[this.pos + 1] === '(') this.fail('an extended glob is not followed');
    if (c === '{') {
      // Brace expansion (`{a,b}`, `{1..3}`) turns one word into several.
      const expands = /^\{[^\s{}]*(?:,|\.\.)[^\s{}]*\}/.test(src.slice(this.pos, this.pos + 256));
      this.pos++;
      return expands ? undefined : c;
    }
    // A run of plain characters at once (linear, and cheap for long words).
    let end = this.pos + 1;
    while (end < src.length && !isSpecial(src.charCodeAt(end))) end++;
    const v = src.slice(this.pos, end);
    this.pos = end;
    return v;
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
    this.pos = this.nestedList(this.src, from, ')');
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
    this.nestedList(inner, 0, null);
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
