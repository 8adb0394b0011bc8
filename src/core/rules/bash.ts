/**
 * Splitting a shell command into the simple commands it runs, so a rule is checked against each
 * of them: `npm test && rm -rf /` must not pass as `npm test`. This is a careful approximation of
 * bash, not a parser: where it cannot tell, it errs towards more parts (an allow rule then fails
 * to match and the call goes to a person), never fewer.
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

const SPECIAL = /[;&|\n\r\t()`'"\\#]| {2}/;
/** A run of characters with no meaning to the scanner, taken in one slice. */
const PLAIN_RUN = /[^\\'"$<>`()\s;&|#]+/y;

const OPERATOR_CHARS = new Set([';', '&', '|', '\n']);

/** The parts of a command, and whether it ended inside a quote, `$(…)`, backticks or `( … )`. */
export interface SplitResult {
  parts: string[];
  /** Bash would refuse or read on: what runs is not known, so no allow or ask rule may match it. */
  unclosed: boolean;
}

interface ScanState {
  out: string[];
  unclosed: boolean;
}

/**
 * The simple commands of `command`: split at `&&`, `||`, `;`, `|`, `&`, newlines and `( … )`
 * subshells, outside quotes; the contents of `$(…)`, backticks and `<(…)`/`>(…)` are parts of
 * their own (also inside double quotes, where bash still runs them), and stay in the text of the
 * part around them too. A `#` that starts a word starts a comment, up to the newline.
 */
export function splitCommand(command: string): string[] {
  return splitCommandDetailed(command).parts;
}

/** splitCommand, also saying whether a quote or subshell was left open at the end. */
export function splitCommandDetailed(command: string): SplitResult {
  // Most commands have nothing to split: no operator, quote, escape, substitution, comment or double space.
  if (!SPECIAL.test(command)) {
    const part = tidy(command);
    return { parts: part === undefined ? [] : [part], unclosed: false };
  }
  const st: ScanState = { out: [], unclosed: false };
  scan(command, 0, null, st);
  return { parts: st.out, unclosed: st.unclosed };
}

/** Scans from `start` until `close` (or the end); pushes finished parts to `st.out`; returns the index after `close`. */
function scan(src: string, start: number, close: ')' | '`' | null, st: ScanState): number {
  let cur = '';
  let i = start;
  // Whether the next character starts a word (for `#`): at the start, after a blank or an operator.
  let wordStart = true;
  const flush = () => {
    const part = tidy(cur);
    if (part !== undefined) st.out.push(part);
    cur = '';
  };
  while (i < src.length) {
    const c = src[i] as string;
    const next = src[i + 1];
    const atWord: boolean = wordStart;
    wordStart = false;
    if (c === '\\') {
      if (next === '\n') {
        i += 2; // line continuation
        wordStart = atWord;
      } else {
        cur += src.slice(i, i + 2);
        i += 2;
      }
    } else if (c === '#' && atWord) {
      // A comment, to the newline (which still ends the command); in backticks also to the closing one.
      let end = i + 1;
      while (end < src.length && src[end] !== '\n' && !(close === '`' && src[end] === '`')) end++;
      i = end;
      wordStart = true;
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      if (end < 0) st.unclosed = true;
      const stop = end < 0 ? src.length : end + 1;
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === '$' && next === "'") {
      // ANSI-C quoting: `$'it\'s'` is one word; a backslash escapes the next character.
      let j = i + 2;
      while (j < src.length && src[j] !== "'") j += src[j] === '\\' ? 2 : 1;
      if (j >= src.length) st.unclosed = true;
      const stop = Math.min(j + 1, src.length);
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === '"') {
      const stop = scanDoubleQuoted(src, i + 1, st);
      cur += src.slice(i, stop);
      i = stop;
    } else if ((c === '$' || c === '<' || c === '>') && next === '(') {
      const stop = scan(src, i + 2, ')', st);
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === '`') {
      if (close === '`') {
        flush();
        return i + 1;
      }
      const stop = scan(src, i + 1, '`', st);
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === ')') {
      flush();
      i++;
      wordStart = true;
      if (close === ')') return i;
    } else if (c === '(') {
      flush();
      i = scan(src, i + 1, ')', st);
      wordStart = true;
    } else if (OPERATOR_CHARS.has(c) && !isRedirection(src, i)) {
      flush();
      i++;
      wordStart = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (cur !== '' && !cur.endsWith(' ')) cur += ' ';
      i++;
      wordStart = true;
    } else if (c === '<' || c === '>' || c === '&' || c === '|') {
      // A redirection operator (`>`, `2>&`, `>|`): a word starts after it.
      cur += c;
      i++;
      wordStart = true;
    } else {
      PLAIN_RUN.lastIndex = i;
      const run = PLAIN_RUN.exec(src);
      const text = run ? run[0] : c;
      cur += text;
      i += text.length;
    }
  }
  if (close !== null) st.unclosed = true;
  flush();
  return i;
}

/** From just inside a `"`, to just after its closing `"`; substitutions inside become parts. */
function scanDoubleQuoted(src: string, start: number, st: ScanState): number {
  let i = start;
  while (i < src.length && src[i] !== '"') {
    if (src[i] === '\\') i += 2;
    else if (src[i] === '$' && src[i + 1] === '(') i = scan(src, i + 2, ')', st);
    else if (src[i] === '`') i = scan(src, i + 1, '`', st);
    else i++;
  }
  if (i >= src.length) st.unclosed = true;
  return Math.min(i + 1, src.length);
}

/** `&>`, `>&`, `<&` and `>|` redirect; they do not end a command. */
function isRedirection(src: string, i: number): boolean {
  const c = src[i];
  const prev = src[i - 1];
  if (c === '&') return src[i + 1] === '>' || prev === '>' || prev === '<';
  if (c === '|') return prev === '>';
  return false;
}

const OPENING_WORDS = new Set(['if', 'then', 'else', 'elif', 'do', 'while', 'until', '!', '{', 'time']);
const CLOSING_WORDS = new Set(['fi', 'done', 'esac', '}', 'then', 'else', 'do']);

/** Trims a part and strips shell keywords that open a command (`then rm x` runs `rm x`). */
function tidy(text: string): string | undefined {
  let s = text.trim();
  for (;;) {
    const space = s.indexOf(' ');
    if (space < 0 || !OPENING_WORDS.has(s.slice(0, space))) break;
    s = s.slice(space + 1);
  }
  if (s === '' || CLOSING_WORDS.has(s)) return undefined;
  return s;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=(?:'[^']*'|"(?:[^"\\]|\\.)*"|\\.|[^\s'"\\])*/s;

/**
 * Variables known not to change what a command runs (colours, locale, log levels, terminal size).
 * An allow rule sees past only these: any other assignment (`GOFLAGS=-toolexec=…`, `HOME=…`,
 * `LD_PRELOAD=…`) stays part of the command, so `Bash(go test:*)` does not allow
 * `GOFLAGS=… go test`. A deny or ask rule ignores every assignment.
 */
const HARMLESS_VARIABLE =
  /^(?:NODE_ENV|CI|FORCE_COLOR|NO_COLOR|DEBUG|RUST_LOG|RUST_BACKTRACE|TZ|LANG|LANGUAGE|LC_[A-Za-z0-9_]+|TERM|COLUMNS|LINES)=/;

/**
 * Leading `VAR=value ` assignments removed: `CI=1 npm test` is `npm test` for the rules (the
 * assignment only sets the environment of that one command). With `safeOnly`, removes only
 * harmless variables, and stops at the first other one, keeping the rest as written.
 */
export function stripAssignments(text: string, safeOnly: boolean): string {
  let s = text;
  for (;;) {
    const m = ASSIGNMENT.exec(s);
    if (!m || s[m[0].length] !== ' ') return s;
    if (safeOnly && !HARMLESS_VARIABLE.test(m[0])) return s;
    s = s.slice(m[0].length + 1);
  }
}

const C_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
  '\\': '\\', "'": "'", '"': '"', '?': '?',
};

/** The text of `$'…'` starting at `i` (at the `$`), decoded; and the index of its closing quote. */
function ansiC(text: string, i: number): [string, number] {
  let out = '';
  let j = i + 2;
  while (j < text.length && text[j] !== "'") {
    const c = text[j] as string;
    if (c !== '\\' || j + 1 >= text.length) {
      out += c;
      j++;
      continue;
    }
    const e = text[j + 1] as string;
    let m: RegExpMatchArray | null;
    if (Object.hasOwn(C_ESCAPES, e)) {
      out += C_ESCAPES[e];
      j += 2;
    } else if ((m = /^[0-7]{1,3}/.exec(text.slice(j + 1, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 8) & 0xff);
      j += 1 + m[0].length;
    } else if (e === 'x' && (m = /^[0-9a-fA-F]{1,2}/.exec(text.slice(j + 2, j + 4)))) {
      out += String.fromCharCode(Number.parseInt(m[0], 16));
      j += 2 + m[0].length;
    } else if ((e === 'u' || e === 'U') && (m = new RegExp(`^[0-9a-fA-F]{1,${e === 'u' ? 4 : 8}}`).exec(text.slice(j + 2, j + 10)))) {
      const code = Number.parseInt(m[0], 16);
      out += code <= 0x10ffff ? String.fromCodePoint(code) : '';
      j += 2 + m[0].length;
    } else if (e === 'c' && j + 2 < text.length) {
      out += String.fromCharCode((text.charCodeAt(j + 2) & 0x1f) >>> 0);
      j += 3;
    } else {
      out += `\\${e}`;
      j += 2;
    }
  }
  return [out, j];
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

/**
 * The part added for a command left inside an open quote, `$(…)`, backticks or `( … )`: what bash
 * would run is not known, so it has no form an allow or ask rule can match (the call falls to a
 * later rule or the default), while deny rules still see every other part.
 */
export const UNCLOSED_PART: CommandPart = Object.freeze({
  text: '(unclosed quote or subshell)',
  allowForms: Object.freeze([]) as readonly string[],
  denyForms: Object.freeze([]) as readonly string[],
});

/** Parts of `command` with the forms rules compare against. */
export function commandParts(command: string): CommandPart[] {
  const { parts, unclosed } = splitCommandDetailed(command);
  const out = parts.map((text): CommandPart => {
    const safe = stripAssignments(text, true);
    const all = stripAssignments(text, false);
    return {
      text,
      allowForms: distinct([text, safe]),
      denyForms: distinct([text, safe, all, unquote(all)]),
    };
  });
  if (unclosed) out.push(UNCLOSED_PART);
  return out;
}

function distinct(forms: string[]): string[] {
  return forms.filter((f, i) => f !== '' && forms.indexOf(f) === i);
}
