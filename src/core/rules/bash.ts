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

const SPECIAL = /[;&|\n\r\t()`'"\\]| {2}/;
/** A run of characters with no meaning to the scanner, taken in one slice. */
const PLAIN_RUN = /[^\\'"$<>`()\s;&|]+/y;

const OPERATOR_CHARS = new Set([';', '&', '|', '\n']);

/**
 * The simple commands of `command`: split at `&&`, `||`, `;`, `|`, `&`, newlines and `( … )`
 * subshells, outside quotes; the contents of `$(…)`, backticks and `<(…)`/`>(…)` are parts of
 * their own (also inside double quotes, where bash still runs them), and stay in the text of the
 * part around them too.
 */
export function splitCommand(command: string): string[] {
  // Most commands have nothing to split: no operator, quote, escape, substitution or double space.
  if (!SPECIAL.test(command)) {
    const part = tidy(command);
    return part === undefined ? [] : [part];
  }
  const out: string[] = [];
  scan(command, 0, null, out);
  return out;
}

/** Scans from `start` until `close` (or the end); pushes finished parts to `out`; returns the index after `close`. */
function scan(src: string, start: number, close: ')' | '`' | null, out: string[]): number {
  let cur = '';
  let i = start;
  const flush = () => {
    const part = tidy(cur);
    if (part !== undefined) out.push(part);
    cur = '';
  };
  while (i < src.length) {
    const c = src[i] as string;
    const next = src[i + 1];
    if (c === '\\') {
      if (next === '\n') i += 2; // line continuation
      else {
        cur += src.slice(i, i + 2);
        i += 2;
      }
    } else if (c === "'") {
      const end = src.indexOf("'", i + 1);
      const stop = end < 0 ? src.length : end + 1;
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === '"') {
      const stop = scanDoubleQuoted(src, i + 1, out);
      cur += src.slice(i, stop);
      i = stop;
    } else if ((c === '$' || c === '<' || c === '>') && next === '(') {
      const stop = scan(src, i + 2, ')', out);
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === '`') {
      if (close === '`') {
        flush();
        return i + 1;
      }
      const stop = scan(src, i + 1, '`', out);
      cur += src.slice(i, stop);
      i = stop;
    } else if (c === ')') {
      flush();
      i++;
      if (close === ')') return i;
    } else if (c === '(') {
      flush();
      i = scan(src, i + 1, ')', out);
    } else if (OPERATOR_CHARS.has(c) && !isRedirection(src, i)) {
      flush();
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      if (cur !== '' && !cur.endsWith(' ')) cur += ' ';
      i++;
    } else {
      PLAIN_RUN.lastIndex = i;
      const run = PLAIN_RUN.exec(src);
      const text = run ? run[0] : c;
      cur += text;
      i += text.length;
    }
  }
  flush();
  return i;
}

/** From just inside a `"`, to just after its closing `"`; substitutions inside become parts. */
function scanDoubleQuoted(src: string, start: number, out: string[]): number {
  let i = start;
  while (i < src.length && src[i] !== '"') {
    if (src[i] === '\\') i += 2;
    else if (src[i] === '$' && src[i + 1] === '(') i = scan(src, i + 2, ')', out);
    else if (src[i] === '`') i = scan(src, i + 1, '`', out);
    else i++;
  }
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
 * Variables that make a command run other code (a preloaded library, a shell startup file, an
 * editor or pager). An allow rule still sees these assignments, so `LD_PRELOAD=x npm test` is not
 * allowed by `npm test:*`; a deny rule ignores every assignment.
 */
const RISKY_VARIABLE =
  /^(?:PATH|LD_\w*|DYLD_\w*|NODE_OPTIONS|NODE_PATH|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|PS4|PROMPT_COMMAND|IFS|PYTHON\w*|PERL\w*|RUBY\w*|GIT_\w*|EDITOR|VISUAL|PAGER|MANPAGER|SSH_ASKPASS|npm_config_\w*|NPM_CONFIG_\w*)=/;

/**
 * Leading `VAR=value ` assignments removed: `FOO=1 npm test` is `npm test` for the rules (the
 * assignment only sets the environment of that one command). With `safeOnly`, stops at a risky
 * variable and keeps the rest as written.
 */
export function stripAssignments(text: string, safeOnly: boolean): string {
  let s = text;
  for (;;) {
    const m = ASSIGNMENT.exec(s);
    if (!m || s[m[0].length] !== ' ') return s;
    if (safeOnly && RISKY_VARIABLE.test(m[0])) return s;
    s = s.slice(m[0].length + 1);
  }
}

/** Quotes and backslashes removed the way the shell removes them: `'r'm` runs `rm`. */
export function unquote(text: string): string {
  if (!/['"\\]/.test(text)) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      out += text[i + 1] ?? '';
      i++;
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

/** Parts of `command` with the forms rules compare against. */
export function commandParts(command: string): CommandPart[] {
  return splitCommand(command).map((text) => {
    const safe = stripAssignments(text, true);
    const all = stripAssignments(text, false);
    return {
      text,
      allowForms: distinct([text, safe]),
      denyForms: distinct([text, safe, all, unquote(all)]),
    };
  });
}

function distinct(forms: string[]): string[] {
  return forms.filter((f, i) => f !== '' && forms.indexOf(f) === i);
}
