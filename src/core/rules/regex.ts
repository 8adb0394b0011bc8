/**
 * Rule regular expressions (`/…/flags` in `--agent` and `--input`) run on re2js, a port of RE2:
 * matching costs time linear in the text, whatever the pattern, so a nested quantifier such as
 * `/(a+)+$/` cannot hold up an agent's call. The rule is written in JavaScript syntax; what RE2
 * would read differently is translated (`.`, `\s`, `\uXXXX`, `[^]`) and what it cannot run
 * (lookaround, backreferences) is refused with a message, never reinterpreted.
 *
 * re2js (about 260 KB) is loaded on first use, so a rule set without a regular expression, and
 * every command that does not compile rules, starts without it.
 */
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from 're2js';

/** Why a rule's regular expression cannot be used; a sentence saying what to write instead. */
export class RegexSyntaxError extends Error {
  override name = 'RegexSyntaxError';
}

let engine: typeof RE2JSClass | undefined;

function re2(): typeof RE2JSClass {
  // A synchronous require: rules are compiled synchronously, and only rule sets with a regex pay for the load.
  engine ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JSClass }).RE2JS;
  return engine;
}

const LINEAR = 'cco runs rule regexes with a linear-time engine (RE2)';

/** JavaScript's `\s` (and its `[^\S]`), spelled out for RE2, whose `\s` is ASCII only. */
const SPACE = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** JavaScript's `.` without `s`: anything but a line terminator. */
const DOT = '[^\\n\\r\\x{2028}\\x{2029}]';

/**
 * Compiles a JavaScript regular expression body and flags into a linear-time test. Throws
 * RegexSyntaxError for syntax RE2 cannot run and for flags other than `i`, `s`, `m`, `u` (`g` and
 * `y` are accepted and ignored: a test has no position to remember).
 */
export function compileRuleRegex(source: string, flags: string): (value: string) => boolean {
  let f = 0;
  const unicode = flags.includes('u') || flags.includes('v');
  const R = re2();
  for (const flag of flags) {
    if (flag === 'i') f |= R.CASE_INSENSITIVE;
    else if (flag === 's') f |= R.DOTALL;
    else if (flag === 'm') f |= R.MULTILINE;
    else if (flag === 'u' || flag === 'g' || flag === 'y') continue;
    else throw new RegexSyntaxError(`the flag \`${flag}\` is not supported: use i (ignore case), s (. matches newlines), m (^ and $ at each line) or u`);
  }
  const translated = translate(source, flags.includes('s'), unicode);
  let re: RE2JSClass;
  try {
    re = R.compile(translated, f);
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/^error parsing regexp: /, '') : String(error);
    throw new RegexSyntaxError(`${message} (${LINEAR})`, { cause: error });
  }
  return (value) => re.test(value);
}

/** JavaScript regex syntax to RE2 syntax, refusing what RE2 would not run the same way. */
function translate(src: string, dotAll: boolean, unicode: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === '\\') {
      const [text, end] = translateEscape(src, i, inClass, unicode);
      out += text;
      i = end;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      if (c === '[' && src[i + 1] === ':') out += '\\[';
      else out += c;
      continue;
    }
    if (c === '[') {
      if (src[i + 1] === ']') throw new RegexSyntaxError('the empty class `[]` matches nothing; remove it');
      if (src.startsWith('[^]', i)) {
        out += '[\\x{0}-\\x{10FFFF}]';
        i += 2;
        continue;
      }
      inClass = true;
      out += c;
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i + 2);
      if (rest.startsWith('=')) throw new RegexSyntaxError(`lookahead (?=…) is not supported: ${LINEAR}`);
      if (rest.startsWith('!'))
        throw new RegexSyntaxError(`negative lookahead (?!…) is not supported: ${LINEAR}; write a deny or ask rule for what it excludes`);
      if (rest.startsWith('<=')) throw new RegexSyntaxError(`lookbehind (?<=…) is not supported: ${LINEAR}`);
      if (rest.startsWith('<!')) throw new RegexSyntaxError(`negative lookbehind (?<!…) is not supported: ${LINEAR}`);
    }
    if (c === '.' && !dotAll) out += DOT;
    else out += c;
  }
  return out;
}

/** The escape whose `\` is at `src[i]`, in RE2 syntax, and the index of its last character. */
function translateEscape(src: string, i: number, inClass: boolean, unicode: boolean): [string, number] {
  const e = src[i + 1];
  if (e === undefined) throw new RegexSyntaxError('the pattern ends with a lone `\\`');
  const at = i + 1;
  if (/[1-9]/.test(e))
    throw new RegexSyntaxError(`the backreference \`\\${e}\` is not supported: ${LINEAR}, which cannot compare a group with an earlier match`);
  if (e === 'k')
    throw new RegexSyntaxError(`the named backreference \`\\k<…>\` is not supported: ${LINEAR}, which cannot compare a group with an earlier match`);
  if (e === 'c') throw new RegexSyntaxError('the control escape `\\cX` is not supported: write `\\x01`…`\\x1F` instead');
  if (e === 's') return [inClass ? SPACE : `[${SPACE}]`, at];
  if (e === 'S') {
    if (inClass) throw new RegexSyntaxError('`\\S` inside `[…]` is not supported: write the characters, or use `\\s` outside the class');
    return [`[^${SPACE}]`, at];
  }
  if (e === 'u') {
    const braced = unicode ? /^\{([0-9a-fA-F]{1,6})\}/.exec(src.slice(at + 1)) : null;
    const plain = /^[0-9a-fA-F]{4}/.exec(src.slice(at + 1));
    if (braced) return [`\\x{${braced[1]}}`, at + braced[0].length];
    if (plain) return [`\\x{${plain[0]}}`, at + 4];
    throw new RegexSyntaxError('`\\u` must be followed by four hex digits (or `{…}` with the u flag)');
  }
  if (e === '0') {
    if (/[0-9]/.test(src[at + 1] ?? '')) throw new RegexSyntaxError('octal escapes are not supported: write `\\xHH`');
    return ['\\x00', at];
  }
  if (e === 'b' && inClass) return ['\\x08', at];
  if (e === 'p' || e === 'P') {
    if (!unicode) throw new RegexSyntaxError(`\`\\${e}{…}\` needs the u flag (without it JavaScript reads \`${e}\` literally)`);
    return [`\\${e}`, at];
  }
  if (/[a-zA-Z]/.test(e) && !/[dDwWbBnrtfvx]/.test(e)) throw new RegexSyntaxError(`\`\\${e}\` is not a regex escape: write \`${e}\` alone for the letter`);
  return [`\\${e}`, at];
}
