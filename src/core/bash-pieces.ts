/**
 * A Bash command cut at its top-level operators, for showing it part by part: a long head must
 * not push a `| sh` at its tail off the screen. The split points come from the rule engine's own
 * parser (parseShell's layout), so an operator inside quotes, `$(…)`, backticks, a subshell, a
 * comment or a here-document never splits. Lossless: the pieces, joined, are the command.
 */
import { parseShell } from './rules/shell.js';

export interface BashPiece {
  /** A command between top-level operators, or a here-document body (data, with its end line). */
  kind: 'part' | 'heredoc';
  /** The source between the previous piece and this one: operators, blanks, newlines, as written. */
  before: string;
  /** The operators in `before` (`&&`, `|`, …; newlines left out), joined by a space; '' for none. */
  op: string;
  /** The piece as written (blanks at its ends are in `before` or the layout's `after`). */
  text: string;
  /** Offset of `text` in the command. */
  start: number;
  /** For a here-document: the offset of the `<<` that opened it (it lies in one part's text). */
  opener?: number;
}

export interface BashLayout {
  /** Whether the parser settled the command's syntax; when not, the one part is the whole text. */
  settled: boolean;
  pieces: BashPiece[];
  /** What follows the last piece (blanks, a final `;` or `&`, newlines). */
  after: string;
  /** The operators in `after` (a final `&` runs the command in the background). */
  afterOp: string;
}

/** Whether `c` may end a part's text: a blank is trimmed unless a backslash escapes it. */
function blankAt(src: string, i: number): boolean {
  const c = src[i];
  if (c !== ' ' && c !== '\t') return false;
  let n = 0;
  for (let j = i - 1; j >= 0 && src[j] === '\\'; j--) n++;
  return n % 2 === 0;
}

/** The pieces of `command`, in source order; `before` + `text` of each, then `after`, is the command. */
export function bashLayout(command: string): BashLayout {
  const a = parseShell(command, { layout: true });
  const marks = a.opaque === undefined ? (a.layout?.marks ?? []) : [];
  const pieces: BashPiece[] = [];
  let done = 0; // end of the last piece's text
  let ops: string[] = [];
  const add = (kind: BashPiece['kind'], from: number, to: number, opener?: number): void => {
    let s = from;
    let e = to;
    if (kind === 'part') {
      for (;;) {
        if (command[s] === ' ' || command[s] === '\t') s++;
        else if (command[s] === '\\' && command[s + 1] === '\n') s += 2;
        else break;
      }
      while (e > s && blankAt(command, e - 1)) e--;
      // A `\`-newline before the operator belongs with it.
      while (e - 2 >= s && command[e - 1] === '\n' && command[e - 2] === '\\') {
        e -= 2;
        while (e > s && blankAt(command, e - 1)) e--;
      }
    } else if (command[e - 1] === '\n') e--;
    if (e <= s) return;
    // A here-document body sits between an operator and the part after it: the operator is that part's.
    const piece: BashPiece = { kind, before: command.slice(done, s), op: kind === 'part' ? ops.join(' ') : '', text: command.slice(s, e), start: s };
    if (opener !== undefined) piece.opener = opener;
    pieces.push(piece);
    done = e;
    if (kind === 'part') ops = [];
  };
  let at = 0;
  for (const m of marks) {
    add('part', at, m.start);
    if (m.kind === 'heredoc') add('heredoc', m.start, m.end, m.opener);
    else {
      const op = command.slice(m.start, m.end);
      if (op !== '\n') ops.push(op);
    }
    at = m.end;
  }
  add('part', at, command.length);
  return { settled: a.opaque === undefined, pieces, after: command.slice(done), afterOp: ops.join(' ') };
}
