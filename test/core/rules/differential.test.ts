import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeBash, unquote } from '../../../src/core/rules/bash.js';
import { parseShell } from '../../../src/core/rules/shell.js';
import { BENIGN, HOSTILE, THROUGH_WRAPPERS } from './corpus-data.js';

/**
 * Differential test against a real bash: every simple command bash runs for a corpus command
 * (reported by a DEBUG trap, with extdebug and functrace so substitutions are traced too) must be
 * among the parts cco's parser found, unless cco says the command is not settled (then no allow
 * rule can match it, and deny rules see a wide net). Commands run in an empty temporary folder with
 * an empty PATH and HOME there, so nothing outside it is found or written; a command whose text
 * holds a `/` is skipped by the trap, not run.
 */

const BASH = ['/bin/bash', '/usr/bin/bash'].find((p) => existsSync(p));
const dir = mkdtempSync(join(tmpdir(), 'cco-differential-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PRELUDE = [
  'shopt -s extdebug',
  'set -T',
  // Print each simple command; run it only when it names no path (then it finds nothing on the empty PATH).
  `trap 'printf "%s\\0" "$BASH_COMMAND" >&3; case $BASH_COMMAND in */*) false;; *) true;; esac' DEBUG`,
].join('\n');

/** The simple commands bash reports for `command`, as written. */
function bashRuns(command: string): string[] {
  const script = join(dir, 'script.sh');
  writeFileSync(script, `${PRELUDE}\n${command}\n`);
  const r = spawnSync(BASH as string, [script], {
    cwd: dir,
    env: { PATH: '', HOME: dir },
    stdio: ['ignore', 'ignore', 'ignore', 'pipe'],
    timeout: 5000,
  });
  const out = r.output[3]?.toString() ?? '';
  return out.split('\0').filter((c) => c !== '');
}

const RESERVED = new Set(['!', 'time', 'if', 'then', 'elif', 'else', 'while', 'until', 'do']);

/** Words split at blanks outside quotes and `$(…)` (enough for bash's own rendering of a command). */
function splitWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote !== undefined) {
      if (c === '\\' && quote === '"') word += c + (text[++i] ?? '');
      else {
        if (c === quote) quote = undefined;
        word += c;
      }
    } else if (c === '\\') word += c + (text[++i] ?? '');
    else if (c === '$' && text[i + 1] === "'") {
      // $'…': backslash escapes inside.
      let j = i + 2;
      while (j < text.length && text[j] !== "'") j += text[j] === '\\' ? 2 : 1;
      word += text.slice(i, j + 1);
      i = j;
    } else if (c === "'" || c === '"') {
      quote = c;
      word += c;
    } else if (c === '(') {
      depth++;
      word += c;
    } else if (c === ')') {
      depth--;
      word += c;
    } else if ((c === ' ' || c === '\t' || c === '\n') && depth <= 0) {
      if (word !== '') words.push(word);
      word = '';
    } else word += c;
  }
  if (word !== '') words.push(word);
  return words;
}

const REDIRECT = /^[0-9]*(?:&>>|&>|>>|>\||>&|<&|<>|<<<|<<-|<<|>|<)/;

/**
 * The command word of a simple command as written: assignments, reserved words and redirections
 * (`2>&1`, `> f`, `2>&1cat`) skipped, quotes removed; undefined for none.
 */
function commandWord(text: string): string | undefined {
  const words = splitWords(text.replace(/\\\n/g, ''));
  let i = 0;
  for (;;) {
    const w = words[i];
    if (w === undefined) return undefined;
    const r = REDIRECT.exec(w);
    if (r && !w.startsWith('<(') && !w.startsWith('>(')) i += r[0].length === w.length ? 2 : 1;
    else if (RESERVED.has(w) || /^[A-Za-z_][A-Za-z0-9_]*\+?=/.test(w)) i++;
    else break;
  }
  const w = words[i] as string;
  if (w.startsWith('((') || w.startsWith('[[')) return undefined;
  // bash reports `$'\x72m'` as `'rm'`: compare the words with quotes removed.
  return unquote(w);
}

const corpus = [...new Set([...Object.values(HOSTILE).flat(), ...BENIGN, ...THROUGH_WRAPPERS])];

describe.skipIf(BASH === undefined)('differential: every command bash runs is a part cco checks', () => {
  it.each(corpus)('%j', (command) => {
    const analysis = analyzeBash(command);
    const ran = bashRuns(command);
    // Where the parse itself stopped, the parts are known to be incomplete (and match no allow rule).
    if (parseShell(command).opaque !== undefined) return;
    const ours = new Set(analysis.parts.map((p) => commandWord(p.text)));
    const missed = ran.map(commandWord).filter((w) => w !== undefined && !ours.has(w));
    expect(missed, `bash ran ${JSON.stringify(ran)}; cco found ${JSON.stringify(analysis.parts.map((p) => p.text))}`).toEqual([]);
  });

  // Seeded random command lines from pieces that interact (quotes, substitutions, comments,
  // here-documents, operators): where cco settles one, bash must run nothing cco did not find.
  const PIECES = [
    'echo',
    'ls',
    'cat',
    'x',
    '"a b"',
    "'c;d'",
    '$(ls)',
    '`ls`',
    '"$(ls)"',
    '$x',
    '\\;',
    '#c',
    '2>&1',
    '> f',
    '<<E',
    '\nE\n',
    '&&',
    '||',
    '|',
    ';',
    '&',
    '\n',
    '(',
    ')',
    '{',
    '}',
    '$((1+2))',
    '"$(echo ")")"',
    "$'\\''",
    '\\\n',
    '\r',
    'a=1',
    '<(ls)',
    '"`ls`"',
    '\\"',
    'e\\cho',
    "'#'",
    '$(( x ))',
  ];
  let seed = Number(process.env.CCO_DIFF_SEED ?? 1234567);
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  const random = Array.from({ length: Number(process.env.CCO_DIFF_N ?? 300) }, () => {
    const n = 2 + (next() % 10);
    return Array.from({ length: n }, () => PIECES[next() % PIECES.length]).join(next() % 3 === 0 ? '' : ' ');
  });
  it.each(random)('random %j', (command) => {
    const analysis = analyzeBash(command);
    if (parseShell(command).opaque !== undefined) return;
    const ran = bashRuns(command);
    const ours = new Set(analysis.parts.map((p) => commandWord(p.text)));
    const missed = ran.map(commandWord).filter((w) => w !== undefined && !ours.has(w));
    expect(missed, `bash ran ${JSON.stringify(ran)}; cco found ${JSON.stringify(analysis.parts.map((p) => p.text))}`).toEqual([]);
  });

  it('most of the corpus is settled, so the comparison above means something', () => {
    const settled = corpus.filter((c) => parseShell(c).opaque === undefined).length;
    expect(settled / corpus.length).toBeGreaterThan(0.6);
  });

  it('cco settles every benign command', () => {
    expect(BENIGN.filter((c) => analyzeBash(c).opaque !== undefined)).toEqual([]);
  });
});
