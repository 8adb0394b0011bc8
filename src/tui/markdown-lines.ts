import type { DetailLine } from './detail-lines.js';
import { escapeLine, escapeText } from './escape.js';

/**
 * A plan (`ExitPlanMode`'s `input.plan`) as markdown made readable in the detail pane, one entry
 * per line of the plan, in order. Every character of the plan is kept: the person approves the
 * text the model will follow, so markup is shown, never swallowed. What changes is only how a
 * line is drawn:
 * - a heading (`#`…`######`) is bold, its `#`s kept (they say the level);
 * - a fenced code block is set off: its fences dim (the language stays on the opening fence), its
 *   lines after a `│ ` gutter, as typed (no markdown inside is interpreted);
 * - list items, quotes, tables, rules and paragraphs are shown as written (their markers and
 *   indentation are the structure); inline `code`, **bold** and _emphasis_ keep their markers.
 * Everything is escaped (controls, bidi and zero-width characters become visible escapes).
 * Lines are not cut to a width: the pane wraps them. A plan past the bounds below ends in a
 * `cut` line, so the console refuses to approve it from the pane (it is never silently shortened).
 */
export const MAX_PLAN_CHARS = 200_000;
export const MAX_PLAN_LINES = 5000;

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const HEADING = /^ {0,3}#{1,6}(\s|$)/;
/** A setext underline (`===` or `---` under a paragraph line) makes the line above a heading. */
const SETEXT = /^ {0,3}(=+|-+)\s*$/;

export function markdownLines(markdown: string): DetailLine[] {
  const capped = markdown.length > MAX_PLAN_CHARS;
  const lines = (capped ? markdown.slice(0, MAX_PLAN_CHARS) : markdown).split('\n');
  const out: DetailLine[] = [];
  let fence: { char: string; length: number } | undefined;
  let previousText = false;
  for (let i = 0; i < lines.length; i++) {
    if (out.length >= MAX_PLAN_LINES) {
      out.push({ text: `… the plan goes on for ${lines.length - i} more lines that are not shown here`, tone: 'cut' });
      return out;
    }
    // escapeLine drops the CR of a CRLF line; the patterns are matched without it too.
    const line = escapeLine(lines[i]!);
    const raw = lines[i]!.endsWith('\r') ? lines[i]!.slice(0, -1) : lines[i]!;
    if (fence) {
      const m = FENCE.exec(raw);
      // A closing fence: the same character, at least as long, nothing after it.
      if (m && m[2]![0] === fence.char && m[2]!.length >= fence.length && m[3]!.trim() === '') {
        out.push({ text: line, tone: 'dim' });
        fence = undefined;
      } else {
        out.push({ text: `│ ${line}` });
      }
      previousText = false;
      continue;
    }
    const open = FENCE.exec(raw);
    // A backtick fence's info string may not contain a backtick (then it is inline code).
    if (open && !(open[2]![0] === '`' && open[3]!.includes('`'))) {
      fence = { char: open[2]![0]!, length: open[2]!.length };
      out.push({ text: line, tone: 'dim' });
      previousText = false;
      continue;
    }
    if (HEADING.test(raw)) {
      out.push({ text: line, tone: 'label' });
      previousText = false;
      continue;
    }
    if (previousText && SETEXT.test(raw) && !/^\s*-+\s*$/.test(lines[i - 1] ?? '')) {
      // The paragraph line above was a heading all along.
      out[out.length - 1] = { ...out[out.length - 1]!, tone: 'label' };
      out.push({ text: line, tone: 'label' });
      previousText = false;
      continue;
    }
    out.push({ text: line });
    previousText = raw.trim() !== '' && !/^\s*([-*+]|\d+[.)])\s/.test(raw) && !/^\s*>/.test(raw);
  }
  if (fence) out.push({ text: 'the code block above is never closed: the rest of the plan is inside it', tone: 'dim' });
  if (capped) out.push({ text: `… the plan goes on for ${markdown.length - MAX_PLAN_CHARS} more characters that are not shown here`, tone: 'cut' });
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Any other field of the input, so nothing the agent sent is hidden. */
function rest(input: Record<string, unknown>, shown: readonly string[]): DetailLine[] {
  return Object.keys(input)
    .filter((k) => !shown.includes(k))
    .map((k) => {
      const v = input[k];
      const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v));
      return { text: `${escapeText(k)}: ${escapeText(s.length > 10_000 ? `${s.slice(0, 10_000)}…` : s)}`, tone: 'label' as const };
    });
}

/**
 * `ExitPlanMode`: the plan the model asks to carry out, then where Claude Code keeps it. Claude
 * Code sends the text of the session's plan file as `plan` (whatever the model put there); with no
 * plan file written, the input is empty.
 */
export function planLines(input: Record<string, unknown>): DetailLine[] {
  const plan = str(input.plan);
  const path = str(input.planFilePath);
  const head: DetailLine[] = [{ text: 'The agent asks to leave plan mode and carry out this plan:', tone: 'dim' }];
  const body: DetailLine[] =
    plan === undefined || plan.trim() === ''
      ? [{ text: '(no plan text was sent: the agent wrote no plan file)', tone: 'dim' }]
      : markdownLines(plan.replace(/\n+$/, ''));
  return [
    ...head,
    ...body,
    ...(path !== undefined ? [{ text: `plan file: ${escapeText(path)}`, tone: 'label' as const }] : []),
    ...rest(input, ['plan', 'planFilePath']),
  ];
}
