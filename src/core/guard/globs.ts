/**
 * The self-guard's reading of shell globs and `..`: a POSIX class as the range the glob matcher
 * reads, an extglob as the `*` that matches at least what it matches, and what of a path is still
 * known after a `..` that may leave a symlink.
 */

/** A character that makes a word a glob. */
export const GLOB = /[*?[\]{}]/;

/** POSIX classes a shell glob may hold, as the ranges the glob matcher reads (cased both ways). */
const POSIX_CLASSES: Record<string, string> = {
  alpha: 'a-zA-Z',
  alnum: 'a-zA-Z0-9',
  digit: '0-9',
  lower: 'a-zA-Z',
  upper: 'a-zA-Z',
  xdigit: '0-9a-fA-F',
  word: 'a-zA-Z0-9_',
  blank: ' ',
  space: ' ',
};

/**
 * `[[:alpha:]]` as `[a-zA-Z]`, inside a bracket expression only (`[:alpha:]` alone is the set of
 * `:alph`, as in bash). An unknown class, an equivalence class (`[[=c=]]`) or a collating symbol
 * (`[[.c.]]`) throws: the glob is not read.
 */
export function posixClasses(glob: string): string {
  let out = '';
  // A `[` after the last `]` opens no bracket: known without scanning the rest for each one.
  const lastClose = glob.lastIndexOf(']');
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '\\') {
      out += glob.slice(i, i + 2);
      i++;
      continue;
    }
    if (c !== '[' || lastClose <= i) {
      out += c;
      continue;
    }
    const bracket = readBracket(glob, i);
    if (bracket === undefined) {
      out += c;
      continue;
    }
    out += bracket.text;
    i = bracket.end;
  }
  return out;
}

/**
 * The bracket expression opened by the `[` at `start`, its classes replaced, with the index of
 * its closing `]`; undefined when it does not close (the `[` is then itself).
 */
function readBracket(glob: string, start: number): { text: string; end: number } | undefined {
  // `[`, then `!` or `^`, then a `]` taken as itself, up to the closing `]`.
  let j = start + 1;
  if (glob[j] === '!' || glob[j] === '^') j++;
  if (glob[j] === ']') j++;
  let body = glob.slice(start, j);
  let closed = false;
  for (; j < glob.length; j++) {
    const d = glob[j]!;
    if (d === ']') {
      closed = true;
      break;
    }
    const kind = glob[j + 1];
    if (d === '[' && (kind === ':' || kind === '=' || kind === '.')) {
      const end = glob.indexOf(`${kind}]`, j + 2);
      const range = kind === ':' && end >= 0 ? POSIX_CLASSES[glob.slice(j + 2, end)] : undefined;
      if (range === undefined) throw new Error(`\`${glob.slice(j, end < 0 ? j + 2 : end + 2)}\` is not a class cco reads`);
      body += range;
      j = end + 1;
      continue;
    }
    body += d;
  }
  if (!closed) return undefined;
  // `[:alph]` is a set holding `:`; the matcher reads a leading `[:` as a class, so `:` goes last.
  if (body.startsWith('[:') && body[2] !== '-' && body[2] !== ']') body = `[${body.slice(2)}:`;
  else if (body.startsWith('[!:') && body[3] !== '-' && body[3] !== ']') body = `[!${body.slice(3)}:`;
  else if (body.startsWith('[^:') && body[3] !== '-' && body[3] !== ']') body = `[^${body.slice(3)}:`;
  return { text: `${body}]`, end: j };
}

/** An extglob (`@(a|b)`, `!(x)`, `+(c)`), as the `*` that matches at least what it matches. */
export function extglobs(word: string): string {
  let w = word;
  for (let n = 0; n < 32 && /[?*+@!]\([^()]*\)/.test(w); n++) w = w.replace(/[?*+@!]\([^()]*\)/g, '*');
  return w;
}

/**
 * What follows the last `..` of a path whose `..` follows a folder's name (`/var/run/../home/u`:
 * `home/u`), or undefined. The folder may be a symlink, so the kernel's `..` may go anywhere:
 * only what follows it is known.
 */
export function afterUp(path: string): string | undefined {
  const segs = path.split('/').filter((s) => s !== '' && s !== '.');
  let names = 0;
  let last = -1;
  for (let i = 0; i < segs.length; i++) {
    if (segs[i] !== '..') names++;
    else if (names > 0) last = i;
  }
  return last < 0 ? undefined : segs.slice(last + 1).join('/');
}
