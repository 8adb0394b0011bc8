import { structuredPatch } from 'diff';
import { parseMcpToolName } from '../core/summary.js';
import type { ToolCall } from '../core/types.js';
import type { DiskFile } from './disk-file.js';
import { escapeLine, screenLines } from './escape.js';
import { planLines } from './markdown-lines.js';
import { questionLines } from './questions.js';

/** One line of the detail pane, already escaped; `tone` says how it is coloured. */
export interface DetailLine {
  text: string;
  tone?: 'add' | 'remove' | 'hunk' | 'label' | 'dim' | 'risk' | 'cut';
  /** The line continues the one above (wrapped at the pane's width). */
  cont?: true;
}

/** Inputs larger than this are cut before any work (diffing, splitting) is done on them. */
const MAX_CHARS = 100_000;
const MAX_LINES = 2000;
/** How long one diff may take before the view falls back to old and new text. */
export const DIFF_TIMEOUT_MS = 200;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const cut = (s: string): string => (s.length > MAX_CHARS ? s.slice(0, MAX_CHARS) : s);

function text(s: string, tone?: DetailLine['tone']): DetailLine[] {
  return screenLines(cut(s), MAX_LINES).map((t) => (tone ? { text: t, tone } : { text: t }));
}

/** `label: value`, the value's further lines below it. */
function field(label: string, value: string | undefined): DetailLine[] {
  if (value === undefined) return [];
  const [first = '', ...rest] = screenLines(cut(value), MAX_LINES);
  return [{ text: `${label}: ${first}`, tone: 'label' }, ...rest.map((t) => ({ text: `  ${t}` }))];
}

function json(value: unknown): DetailLine[] {
  let s: string;
  try {
    s = JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    s = String(value);
  }
  return text(s);
}

/** Every string or number field the view did not already show, so nothing in the input is hidden. */
function otherFields(input: Record<string, unknown>, shown: readonly string[]): DetailLine[] {
  const rest = Object.keys(input).filter((k) => !shown.includes(k));
  return rest.flatMap((k) => {
    const v = input[k];
    return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? field(k, String(v)) : field(k, JSON.stringify(v));
  });
}

function diff(path: string, before: string, after: string): DetailLine[] {
  // Diffing is O(N·D): a crafted edit of many short, all-different lines could hold the event
  // loop (and every other agent's progress) for many seconds. Past the time limit, show both sides.
  const patch = structuredPatch(path, path, cut(before), cut(after), '', '', { context: 3, timeout: DIFF_TIMEOUT_MS });
  if (!patch) {
    return [
      { text: 'diff too large to compute quickly; old and new text follow', tone: 'dim' },
      ...screenLines(cut(before), MAX_LINES / 2).map((t) => ({ text: `-${t}`, tone: 'remove' as const })),
      ...screenLines(cut(after), MAX_LINES / 2).map((t) => ({ text: `+${t}`, tone: 'add' as const })),
    ];
  }
  const out: DetailLine[] = [];
  for (const h of patch.hunks) {
    out.push({ text: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, tone: 'hunk' });
    for (const l of h.lines) {
      if (out.length >= MAX_LINES) return [...out, { text: '… diff cut here', tone: 'dim' }];
      const sign = l[0];
      // An edit's strings are fragments, not files: "no newline at end of file" means nothing here.
      if (sign === '\\') continue;
      out.push({ text: escapeLine(l.slice(0, 1000)), ...(sign === '+' ? { tone: 'add' } : sign === '-' ? { tone: 'remove' } : {}) });
    }
  }
  return out.length ? out : [{ text: '(no change)', tone: 'dim' }];
}

function editLines(input: Record<string, unknown>): DetailLine[] {
  const path = str(input.file_path) ?? '';
  const one = (e: Record<string, unknown>): DetailLine[] => [
    ...(e.replace_all === true ? [{ text: 'replace all occurrences', tone: 'dim' as const }] : []),
    ...diff(path, str(e.old_string) ?? '', str(e.new_string) ?? ''),
  ];
  if (Array.isArray(input.edits)) {
    const edits = input.edits.filter((e): e is Record<string, unknown> => typeof e === 'object' && e !== null);
    return [
      ...field('file', path),
      ...edits.flatMap((e, i) => [{ text: `edit ${i + 1} of ${edits.length}`, tone: 'label' as const }, ...one(e)]),
    ];
  }
  return [...field('file', path), ...one(input)];
}

function writeLines(input: Record<string, unknown>, disk: DiskFile | undefined): DetailLine[] {
  const path = str(input.file_path);
  const content = str(input.content) ?? '';
  const rest = otherFields(input, ['file_path', 'content']);
  // An existing file: what changes matters more than the whole new text.
  if (disk?.kind === 'text') {
    return [...field('file', path), { text: 'replaces the file on disk; changes:', tone: 'dim' }, ...diff(path ?? '', disk.text, content), ...rest];
  }
  const lines = screenLines(cut(content), MAX_LINES);
  const w = String(lines.length).length;
  const note: DetailLine[] =
    disk?.kind === 'absent' ? [{ text: 'new file', tone: 'dim' }] : disk?.kind === 'skipped' ? [{ text: `not compared with the file on disk: ${disk.why}`, tone: 'dim' }] : [];
  return [...field('file', path), ...note, ...lines.map((t, i) => ({ text: `${String(i + 1).padStart(w)} │ ${t}` })), ...rest];
}

/**
 * Everything a person needs to judge the call, one screen line per entry: the whole command,
 * the diff of an edit, the numbered content of a write, the arguments of an MCP tool.
 * Pure and bounded, so the pane can window it and tests can read it.
 */
export function detailLines(call: ToolCall, opts: { disk?: DiskFile | undefined } = {}): DetailLine[] {
  const input = call.input ?? {};
  switch (call.toolName) {
    case 'Bash':
      return [
        ...text(`$ ${str(input.command) ?? ''}`),
        ...field('description', str(input.description)),
        ...field('cwd', call.agent?.cwd),
        ...otherFields(input, ['command', 'description']),
      ];
    case 'Edit':
    case 'MultiEdit':
      return editLines(input);
    case 'Write':
      return writeLines(input, opts.disk);
    case 'Read':
    case 'Glob':
    case 'Grep':
    case 'LS':
      return [
        ...field('path', str(input.file_path) ?? str(input.path)),
        ...field('pattern', str(input.pattern)),
        ...field('cwd', call.agent?.cwd),
        ...otherFields(input, ['file_path', 'path', 'pattern']),
      ];
    case 'WebFetch':
      return [...field('url', str(input.url)), ...field('prompt', str(input.prompt)), ...otherFields(input, ['url', 'prompt'])];
    case 'WebSearch':
      return [...field('query', str(input.query)), ...otherFields(input, ['query'])];
    case 'ExitPlanMode':
      return planLines(input);
    case 'AskUserQuestion':
      return questionLines(input);
    default: {
      const mcp = parseMcpToolName(call.toolName);
      if (mcp) return [...field('server', mcp.server), ...field('tool', mcp.tool), ...json(input)];
      return json(input);
    }
  }
}

/** Each line wrapped at `width` characters, never cut. */
export function wrapDetail(lines: readonly DetailLine[], width: number): DetailLine[] {
  const out: DetailLine[] = [];
  const w = Math.max(1, width);
  for (const l of lines) {
    const chars = Array.from(l.text);
    if (chars.length <= w) {
      out.push(l);
      continue;
    }
    for (let i = 0; i < chars.length; i += w) out.push({ ...l, text: chars.slice(i, i + w).join(''), ...(i > 0 ? { cont: true as const } : {}) });
  }
  return out;
}
