import { structuredPatch } from 'diff';
import stringWidth from 'string-width';
import { bashRisk, riskMarks, riskSummary, type RiskMark } from '../core/risk.js';
import { parseMcpToolName } from '../core/summary.js';
import type { ToolCall } from '../core/types.js';
import type { DiskFile } from './disk-file.js';
import { escapeLine, escapeText } from './escape.js';
import { planLines } from './markdown-lines.js';
import { questionLines } from './questions.js';
import { pathField } from '../core/tools.js';

/** Wrapping the lines to the pane's width is wrap-detail.ts's; the console takes both from here. */
export { wrapDetail } from './wrap-detail.js';

/** One line of the detail pane, already escaped; `tone` says how it is coloured. */
export interface DetailLine {
  text: string;
  /** `risk`: a line or part the risk marks are about; `cut`: says what the caps left out. */
  tone?: 'add' | 'remove' | 'hunk' | 'label' | 'dim' | 'risk' | 'cut';
  /** A continuation of the line before, made by wrapDetail (the pane may draw a gutter). */
  cont?: boolean;
  /** Cells of hanging indent wrapDetail keeps on continuations (else: the line's leading spaces). */
  indent?: number;
}

/**
 * Hard caps on what one call's detail holds: past them a `cut` line says exactly how much was
 * left out, and the call can only be denied or opened in the editor. Far above any real call
 * (a Bash command over 256 KiB is denied unread), and they keep the work linear.
 */
export const MAX_DETAIL_CHARS = 1024 * 1024;
export const MAX_DETAIL_LINES = 50_000;
/** How long one diff may take before the view falls back to old and new text. */
export const DIFF_TIMEOUT_MS = 200;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (x: number): string => x.toLocaleString('en-US');

/** The lines being built, within the caps; once full it only counts what it is given. */
class Out {
  readonly lines: DetailLine[] = [];
  private chars = 0;
  private full = false;
  private leftLines = 0;
  private leftChars = 0;

  private fits(len: number): boolean {
    if (!this.full && this.lines.length < MAX_DETAIL_LINES && this.chars + len <= MAX_DETAIL_CHARS) return true;
    this.full = true;
    return false;
  }

  push(line: DetailLine): void {
    if (!this.fits(line.text.length)) {
      this.leftLines++;
      this.leftChars += line.text.length;
      return;
    }
    this.lines.push(line);
    this.chars += line.text.length;
  }

  /** Each line of `s`, escaped and made a DetailLine by `make`; past the caps only counted. */
  text(s: string, make: (escaped: string, index: number) => DetailLine, escape: (line: string) => string = escapeLine): void {
    let start = 0;
    for (let i = 0; start <= s.length; i++) {
      let end = s.indexOf('\n', start);
      if (end < 0) end = s.length;
      if (!this.fits(end - start)) {
        this.leftLines += countLines(s, start);
        this.leftChars += s.length - start;
        return;
      }
      this.push(make(escape(s.slice(start, end)), i));
      start = end + 1;
    }
  }

  done(): DetailLine[] {
    if (this.full) {
      const what = `${n(this.leftLines)} more line${this.leftLines === 1 ? '' : 's'} (${n(this.leftChars)} characters)`;
      this.lines.push({ text: `… ${what} not shown: this call can only be denied or opened in the editor (e)`, tone: 'cut' });
    }
    return this.lines;
  }
}

/** Lines in `s` from `from` on (a text with no newline is one line). */
function countLines(s: string, from = 0): number {
  let count = 1;
  for (let i = s.indexOf('\n', from); i !== -1; i = s.indexOf('\n', i + 1)) count++;
  return count;
}

/** Whether the detail holds the whole call (no cap was hit). */
export function isComplete(lines: readonly DetailLine[]): boolean {
  return !lines.some((l) => l.tone === 'cut');
}

/** `label: value`, the value's further lines below it. */
function field(out: Out, label: string, value: string | undefined): void {
  if (value === undefined) return;
  out.text(value, (t, i) => (i === 0 ? { text: `${label}: ${t}`, tone: 'label' } : { text: `  ${t}` }));
}

function json(out: Out, value: unknown): void {
  let s: string;
  try {
    s = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    s = String(value);
  }
  out.text(s, (t) => ({ text: t }));
}

/** Every string or number field the view did not already show, so nothing in the input is hidden. */
function otherFields(out: Out, input: Record<string, unknown>, shown: readonly string[]): void {
  for (const k of Object.keys(input)) {
    if (shown.includes(k)) continue;
    const v = input[k];
    field(out, k, typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v));
  }
}

function summary(out: Out, marks: readonly RiskMark[]): void {
  const s = riskSummary(marks);
  if (s !== '') out.push({ text: escapeText(s), tone: 'risk' });
}

function diff(out: Out, path: string, before: string, after: string): void {
  // Diffing is O(N·D): a crafted edit of many short, all-different lines could hold the event
  // loop (and every other agent's progress) for many seconds. Past the time limit, or for sides
  // larger than the detail can hold anyway, show both sides whole.
  const big = before.length + after.length > MAX_DETAIL_CHARS;
  const patch = big ? undefined : structuredPatch(path, path, before, after, '', '', { context: 3, timeout: DIFF_TIMEOUT_MS });
  if (!patch) {
    out.push({ text: `diff too large to ${big ? 'show' : 'compute quickly'}; old and new text follow`, tone: 'dim' });
    out.text(before, (t) => ({ text: `-${t}`, tone: 'remove' }));
    out.text(after, (t) => ({ text: `+${t}`, tone: 'add' }));
    return;
  }
  let any = false;
  for (const h of patch.hunks) {
    any = true;
    out.push({ text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, tone: 'hunk' });
    for (const l of h.lines) {
      const sign = l[0];
      // An edit's strings are fragments, not files: "no newline at end of file" means nothing here.
      if (sign === '\\') continue;
      out.push({ text: escapeLine(l), ...(sign === '+' ? { tone: 'add' } : sign === '-' ? { tone: 'remove' } : {}) });
    }
  }
  if (!any) out.push({ text: '(no change)', tone: 'dim' });
}

function editLines(out: Out, call: ToolCall): void {
  const input = call.input ?? {};
  const path = str(input.file_path) ?? '';
  summary(out, riskMarks(call));
  field(out, 'file', path);
  const one = (e: Record<string, unknown>): void => {
    if (e.replace_all === true) out.push({ text: 'replace all occurrences', tone: 'dim' });
    diff(out, path, str(e.old_string) ?? '', str(e.new_string) ?? '');
  };
  if (Array.isArray(input.edits)) {
    const edits = input.edits.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
    edits.forEach((e, i) => {
      out.push({ text: `edit ${i + 1} of ${edits.length}`, tone: 'label' });
      one(e);
    });
  } else one(input);
}

function writeLines(out: Out, call: ToolCall, disk: DiskFile | undefined): void {
  const input = call.input ?? {};
  const path = str(input.file_path);
  const content = str(input.content) ?? '';
  summary(out, riskMarks(call));
  field(out, 'file', path);
  // An existing file: what changes matters more than the whole new text.
  if (disk?.kind === 'text') {
    out.push({ text: 'replaces the file on disk; changes:', tone: 'dim' });
    diff(out, path ?? '', disk.text, content);
  } else {
    if (disk?.kind === 'absent') out.push({ text: 'new file', tone: 'dim' });
    else if (disk?.kind === 'skipped') out.push({ text: `not compared with the file on disk: ${disk.why}`, tone: 'dim' });
    const w = String(countLines(content)).length;
    out.text(content, (t, i) => ({ text: `${String(i + 1).padStart(w)} │ ${t}`, indent: w + 3 }));
  }
  otherFields(out, input, ['file_path', 'content']);
}

/** A command's text escaped for one screen line: CR stays visible (to bash it is part of a word). */
const commandLine = (line: string): string => escapeText(line);

/**
 * A Bash command part by part: each top-level command on its own line after its operator, its
 * risk marks after it, the commands run from inside it below it, here-document bodies as lines.
 */
function bashLines(out: Out, call: ToolCall, home: string | undefined): void {
  const input = call.input ?? {};
  const command = str(input.command) ?? '';
  const cwd = call.agent?.cwd;
  const risk = bashRisk(command, { ...(cwd === undefined ? {} : { cwd }), ...(home === undefined ? {} : { home }) });
  summary(out, risk.marks);
  const { layout } = risk;
  let k = 0;
  for (const piece of layout.pieces) {
    if (piece.kind === 'heredoc') {
      out.text(piece.text, (t) => ({ text: `  │ ${t}`, indent: 4 }), commandLine);
      continue;
    }
    const part = risk.parts[k++];
    const marks = part?.marks ?? [];
    const prefix = piece.op === '' ? '$ ' : `${k === 1 ? '$' : ' '} ${escapeText(piece.op)} `;
    const indent = stringWidth(prefix);
    const suffix = marks.length > 0 ? `  ${escapeText(riskSummary(marks))}` : '';
    const tone = marks.length > 0 ? ({ tone: 'risk' } as const) : {};
    out.text(
      piece.text,
      (t, i) => (i === 0 ? { text: `${prefix}${t}${suffix}`, ...tone, indent } : { text: `${' '.repeat(indent)}${t}`, ...tone, indent }),
      commandLine,
    );
    for (const inner of part?.inner ?? []) {
      const s = inner.marks.length > 0 ? `  ${escapeText(riskSummary(inner.marks))}` : '';
      out.push({ text: `${' '.repeat(indent + 2)}runs inside: ${escapeText(inner.text)}${s}`, ...(s === '' ? {} : { tone: 'risk' }), indent: indent + 15 });
    }
  }
  if (layout.afterOp !== '') out.push({ text: `  ${escapeText(layout.afterOp)}`, ...(layout.afterOp.includes('&') ? { tone: 'risk' as const } : {}) });
  if (!layout.settled) {
    const why = risk.parts[0]?.marks.find((m) => m.kind === 'opaque')?.why;
    out.push({ text: escapeText(`⚠ cco cannot tell what this runs${why === undefined ? '' : `: ${why}`}; shown whole, unsplit`), tone: 'risk' });
  }
}

/**
 * Everything a person needs to judge the call, one entry per line (wrapDetail wraps them): the
 * whole command part by part with its risk marks, the diff of an edit, the numbered content of a
 * write, the arguments of an MCP tool. Pure; the caps (MAX_DETAIL_CHARS, MAX_DETAIL_LINES) keep
 * it bounded, and a `cut` line says what they left out (see isComplete).
 */
export function detailLines(call: ToolCall, opts: { disk?: DiskFile | undefined; home?: string | undefined } = {}): DetailLine[] {
  const input = call.input ?? {};
  const out = new Out();
  switch (call.toolName) {
    case 'Bash':
      bashLines(out, call, opts.home);
      field(out, 'description', str(input.description));
      field(out, 'cwd', call.agent?.cwd);
      otherFields(out, input, ['command', 'description']);
      break;
    case 'Edit':
    case 'MultiEdit':
      editLines(out, call);
      break;
    case 'Write':
      writeLines(out, call, opts.disk);
      break;
    case 'Read':
    case 'Glob':
    case 'Grep':
    case 'LS': {
      // The field the rules check (the tool catalogue's); any other path-like field shows as itself.
      const at = pathField(call.toolName) ?? 'file_path';
      field(out, 'path', str(input[at]));
      field(out, 'pattern', str(input.pattern));
      field(out, 'cwd', call.agent?.cwd);
      otherFields(out, input, [at, 'pattern']);
      break;
    }
    case 'WebFetch':
      field(out, 'url', str(input.url));
      field(out, 'prompt', str(input.prompt));
      otherFields(out, input, ['url', 'prompt']);
      break;
    case 'WebSearch':
      field(out, 'query', str(input.query));
      otherFields(out, input, ['query']);
      break;
    case 'ExitPlanMode':
      for (const l of planLines(input)) out.push(l);
      break;
    case 'AskUserQuestion':
      for (const l of questionLines(input)) out.push(l);
      break;
    default: {
      const mcp = parseMcpToolName(call.toolName);
      if (mcp) {
        field(out, 'server', mcp.server);
        field(out, 'tool', mcp.tool);
      } else if (call.toolName === 'NotebookEdit') summary(out, riskMarks(call));
      json(out, input);
    }
  }
  return out.done();
}
