/**
 * The self-guard's check of a Bash command, by what its text names: a redirection that writes a
 * protected path, any word (as written, unquoted, split at shell punctuation, globs kept whole)
 * that names one, a recursive tool pointed at a folder above one, and cco itself run.
 */
import { posix } from 'node:path';
import { analyzeBash, unquote } from '../rules/bash.js';
import { GLOB, extglobs } from './globs.js';
import { hitMessage, reachMessage, runCcoMessage, searchMessage } from './messages.js';
import type { GuardedPaths } from './paths.js';

/** Tools that walk a folder's whole tree. `flag`: only with a recursive option. */
const RECURSIVE: ReadonlyMap<string, 'always' | 'flag'> = new Map([
  ['grep', 'flag'],
  ['egrep', 'flag'],
  ['fgrep', 'flag'],
  ['rgrep', 'always'],
  ['rg', 'always'],
  ['ag', 'always'],
  ['ack', 'always'],
  ['find', 'always'],
  ['fd', 'always'],
  ['tar', 'always'],
  ['zip', 'flag'],
  ['7z', 'always'],
  ['rsync', 'always'],
  ['cp', 'flag'],
  ['scp', 'flag'],
  ['rm', 'flag'],
  ['chmod', 'flag'],
  ['chown', 'flag'],
  ['chgrp', 'flag'],
  ['mv', 'always'],
  ['du', 'always'],
  ['tree', 'always'],
]);
const RECURSIVE_FLAG = /^(?:-[a-zA-Z]*[rRa][a-zA-Z]*|--recursive|--dereference-recursive|--archive|--directories=recurse)$/;
/** Searchers that search the working directory when given no folder. */
const SEARCH_CWD = new Set(['rg', 'ag', 'ack', 'find', 'fd', 'rgrep', 'grep', 'egrep', 'fgrep', 'tree', 'du']);
/** cco's own command line: it reads and writes cco's files, and can decide calls. */
const CCO_NAMES = new Set(['cco', 'cco-mcp']);
const RUNNERS = new Set(['npx', 'pnpx', 'bunx', 'yarn', 'pnpm', 'npm', 'node']);

/** Where a command's words are cut, for the words that may name a path. */
export const TOKEN_SPLIT = /[\s=:,;&|<>()`]+/;
/**
 * The same keeping what a glob holds: `:` (a POSIX class, `[[:alpha:]]`), `,` (braces,
 * `{cco,x}`), and `(`, `|`, `)` (an extglob, `@(cco|x)`).
 */
const TOKEN_SPLIT_GLOB = /[\s;&<>`]+/;

/** The denial for a Bash command that names, writes, walks into or runs cco's own files, or undefined. */
export function checkBash(paths: GuardedPaths, command: string, cwd: string | undefined): { message: string } | undefined {
  const a = analyzeBash(command);
  for (const w of a.writes) {
    const hit = w.path !== undefined ? paths.named(w.path, cwd) : paths.named(w.raw, cwd);
    if (hit) return { message: `${hitMessage(hit)} (The command writes it through a redirection.)` };
  }
  const forms = a.parts.flatMap((p) => p.denyForms);
  const moved = movedTo(paths, forms, cwd);
  // Every word of every form, and of the whole text (redirections that read, assignments,
  // what an unsettled parse left), as written and with quotes removed.
  const texts = new Set([command, unquote(command), ...forms, ...forms.map(unquote)]);
  for (const text of texts) {
    const hit = namedInText(paths, text, cwd, moved);
    if (hit) return hit;
  }
  for (const form of [...forms, ...forms.map(unquote)]) {
    const hit = checkForm(paths, form, cwd);
    if (hit) return hit;
  }
  return undefined;
}

/** The denial for a word of `text` that names a protected path. */
function namedInText(paths: GuardedPaths, text: string, cwd: string | undefined, moved: readonly string[]): { message: string } | undefined {
  const line = text.replace(/\$\{HOME\}/g, paths.home);
  for (const split of [TOKEN_SPLIT, TOKEN_SPLIT_GLOB]) {
    // Without any character only the first split cuts at, the second gives the same words.
    if (split === TOKEN_SPLIT_GLOB && !/[=:,|()]/.test(line)) continue;
    for (const word of line.split(split)) {
      // An extglob as `*`; the parentheses left (`$((2*(3)))`, `print(x)`) split the word again.
      for (const piece of split === TOKEN_SPLIT ? [word] : extglobs(word).split(/[()|]+/)) {
        const hit = paths.named(piece, cwd, moved);
        if (hit) return { message: hitMessage(hit) };
      }
    }
  }
  return undefined;
}

/** The denial for one simple command that runs cco, or walks a tree holding a protected folder. */
function checkForm(paths: GuardedPaths, form: string, cwd: string | undefined): { message: string } | undefined {
  const words = form.split(/\s+/).filter(Boolean);
  const name = posix.basename(words[0] ?? '').toLowerCase();
  if (CCO_NAMES.has(name) || (RUNNERS.has(name) && words.some((x) => /^cco-mcp(?:@|$)/i.test(x) || /\/cco-mcp\//.test(x)))) {
    return { message: runCcoMessage(form) };
  }
  const kind = RECURSIVE.get(name);
  if (kind === undefined) return undefined;
  const args = words.slice(1);
  if (kind === 'flag' && !args.some((x) => RECURSIVE_FLAG.test(x))) return undefined;
  for (const arg of args) {
    const hit = paths.reached(arg, cwd);
    if (hit) return { message: reachMessage(hit) };
  }
  // No folder named: these search the working directory.
  if (SEARCH_CWD.has(name) && cwd !== undefined && !args.some((x) => !x.startsWith('-') && /[/~]/.test(x))) {
    const g = paths.below(cwd.toLowerCase());
    if (g) return { message: searchMessage(cwd, g) };
  }
  return undefined;
}

/** The folders a command's `cd` and `pushd` go to, in order, each from the one before (at most 16). */
function movedTo(paths: GuardedPaths, forms: readonly string[], cwd: string | undefined): string[] {
  const out: string[] = [];
  let from = cwd;
  for (const form of forms) {
    const words = unquote(form).split(/\s+/).filter(Boolean);
    if (words[0] !== 'cd' && words[0] !== 'pushd') continue;
    const arg =
      words
        .slice(1)
        .filter((x) => !x.startsWith('-'))
        .at(-1) ?? '~';
    const w = paths.expand(arg.replace(/['"\\]/g, ''));
    if (GLOB.test(w)) continue;
    const to = w.startsWith('/') ? posix.normalize(w) : posix.join(from ?? paths.home, w);
    out.push(to);
    from = to;
    if (out.length >= 16) break;
  }
  return out;
}
