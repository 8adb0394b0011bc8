import { UserError } from '../core/errors.js';
import { primaryText } from '../core/summary.js';
import type { PendingView } from './pending-table.js';

/**
 * Which waiting calls `cco approve` / `cco deny` decide when given a selection instead of ids.
 * Each flag may be repeated: a call must pass every flag given (AND), and a repeated flag passes
 * when any of its values does (OR). Pure.
 *
 * - `--all`: every waiting call (alone, or to say so explicitly alongside other flags).
 * - `--agent NAME`: the agent is exactly NAME, as the AGENT column of `cco pending` shows it (its
 *   name, else client#session); case-sensitive.
 * - `--tool T`: the tool is exactly T (`Bash`, `Edit`, `mcp__github__create_issue`); case-sensitive.
 * - `--match GLOB`: GLOB matches the call's whole text (see `callText`), not a part of it:
 *   `*` is any run of characters (spaces, `/` and newlines included), `?` any one character,
 *   `[abc]`, `[a-z]`, `[!abc]` one of (not one of) a set, `\` takes the next character literally;
 *   everything else is itself, case-sensitive. So `'npm test'` matches only that command,
 *   `'npm test*'` also `npm test -- --watch` (and `npm test && rm -rf ~`: mind the `*`).
 */
export interface Selection {
  all: boolean;
  agents: string[];
  tools: string[];
  globs: string[];
}

export const selectionGiven = (s: Selection): boolean => s.all || s.agents.length + s.tools.length + s.globs.length > 0;

/** The selection as the flags that made it, for messages (quoted where needed). */
export function describeSelection(s: Selection): string {
  const q = (v: string) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = [
    ...(s.all ? ['--all'] : []),
    ...s.agents.map((a) => `--agent ${q(a)}`),
    ...s.tools.map((t) => `--tool ${q(t)}`),
    ...s.globs.map((g) => `--match ${q(g)}`),
  ];
  return parts.join(' ');
}

/**
 * The text `--match` is tried on: what the INPUT column of `cco pending` summarizes, as the agent
 * sent it (not escaped, not cut, newlines kept). A Bash call's command; the path of a file tool
 * (Read, Write, Edit, MultiEdit, NotebookEdit, LS); a Glob or Grep's `pattern`, with ` in PATH`
 * when it has a path; a WebFetch's URL; a WebSearch's query; for any other tool (or a field
 * missing), the input as compact JSON, `{"key":"value"}`.
 */
export function callText(call: Pick<PendingView, 'toolName' | 'input'>): string {
  return primaryText(call) ?? JSON.stringify(call.input ?? {});
}

type Token = { kind: 'star' } | { kind: 'one' } | { kind: 'char'; c: string } | { kind: 'set'; negate: boolean; items: Array<[string, string]> };

function parseGlob(glob: string): Token[] {
  const cs = Array.from(glob);
  const out: Token[] = [];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    if (c === '*') {
      if (out.at(-1)?.kind !== 'star') out.push({ kind: 'star' });
    } else if (c === '?') out.push({ kind: 'one' });
    else if (c === '\\' && i + 1 < cs.length) out.push({ kind: 'char', c: cs[++i]! });
    else if (c === '[') {
      let j = i + 1;
      const negate = cs[j] === '!' || cs[j] === '^';
      if (negate) j++;
      const items: Array<[string, string]> = [];
      let first = true;
      for (; j < cs.length && (cs[j] !== ']' || first); j++) {
        first = false;
        let lo = cs[j]!;
        if (lo === '\\' && j + 1 < cs.length) lo = cs[++j]!;
        if (cs[j + 1] === '-' && j + 2 < cs.length && cs[j + 2] !== ']') {
          let hi = cs[j + 2]!;
          j += 2;
          if (hi === '\\' && j + 1 < cs.length) hi = cs[++j]!;
          items.push([lo, hi]);
        } else items.push([lo, lo]);
      }
      if (j >= cs.length)
        out.push({ kind: 'char', c }); // no closing `]`: a literal `[`
      else {
        out.push({ kind: 'set', negate, items });
        i = j;
      }
    } else out.push({ kind: 'char', c });
  }
  return out;
}

function matchOne(t: Exclude<Token, { kind: 'star' }>, c: string): boolean {
  if (t.kind === 'one') return true;
  if (t.kind === 'char') return t.c === c;
  const cp = c.codePointAt(0)!;
  const inSet = t.items.some(([lo, hi]) => cp >= lo.codePointAt(0)! && cp <= hi.codePointAt(0)!);
  return inSet !== t.negate;
}

/**
 * A matcher for `--match GLOB` (syntax above), over the whole text. Linear backtracking to the
 * last `*` only, so an agent's long command costs at most text × pattern steps, never more.
 */
export function textGlob(glob: string): (text: string) => boolean {
  const tokens = parseGlob(glob);
  return (text) => {
    const cs = Array.from(text);
    let t = 0;
    let p = 0;
    let starP = -1;
    let starT = 0;
    while (t < cs.length) {
      const tok = tokens[p];
      if (tok && tok.kind === 'star') {
        starP = p++;
        starT = t;
      } else if (tok && matchOne(tok, cs[t]!)) {
        p++;
        t++;
      } else if (starP !== -1) {
        p = starP + 1;
        t = ++starT;
      } else return false;
    }
    while (tokens[p]?.kind === 'star') p++;
    return p === tokens.length;
  };
}

/** The calls a selection picks, in the order given (oldest first from the server). */
export function selectCalls(pending: readonly PendingView[], s: Selection): PendingView[] {
  if (!selectionGiven(s)) throw new UserError('Nothing selected: give call ids, or --all, --agent, --tool or --match.');
  const globs = s.globs.map(textGlob);
  return pending.filter(
    (p) =>
      (s.agents.length === 0 || s.agents.includes(p.agentLabel)) &&
      (s.tools.length === 0 || s.tools.includes(p.toolName)) &&
      (globs.length === 0 || globs.some((g) => g(callText(p)))),
  );
}
