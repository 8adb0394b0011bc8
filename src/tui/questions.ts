import type { DetailLine } from './detail-lines.js';
import { escapeText } from './escape.js';

/**
 * `AskUserQuestion`: the model asks the person questions, each with a few options (Claude Code
 * always offers a free-text "other" answer too). Allowing the call with
 * `updatedInput: {...input, answers: {"<question text>": "<answer>"}}` answers them; allowing it
 * without answers tells the model "The user did not answer the questions."
 */
export interface Question {
  question: string;
  header: string;
  multiSelect: boolean;
  options: readonly { label: string; description: string }[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The questions of an AskUserQuestion input, or undefined when it has none cco can read. */
export function parseQuestions(input: Record<string, unknown>): Question[] | undefined {
  const qs = input.questions;
  if (!Array.isArray(qs) || qs.length === 0) return undefined;
  const out: Question[] = [];
  for (const q of qs) {
    if (!isObject(q) || typeof q.question !== 'string' || !Array.isArray(q.options)) return undefined;
    const options = q.options.filter(isObject).map((o) => ({ label: str(o.label) ?? '', description: str(o.description) ?? '' }));
    out.push({ question: q.question, header: str(q.header) ?? '', multiSelect: q.multiSelect === true, options });
  }
  return out;
}

/**
 * Several answers to one question, as Claude Code's own dialog writes them: joined with ", ", an
 * answer that itself holds ", " or a quote written as a JSON string (so Claude can tell them apart).
 */
export function joinAnswers(labels: readonly string[]): string {
  return labels.map((l) => (l.includes(', ') || l.includes('"') ? JSON.stringify(l) : l)).join(', ');
}

/** The answer to one question: the options picked (in their order), then the typed text, if any. */
export function answerOf(q: Question, picked: readonly number[], other: string | undefined): string | undefined {
  const labels = q.options.filter((_, i) => picked.includes(i)).map((o) => o.label);
  const typed = other?.trim() ? [other.trim()] : [];
  const all = [...labels, ...typed];
  if (all.length === 0) return undefined;
  return q.multiSelect ? joinAnswers(all) : all[all.length - 1];
}

/** The detail of an AskUserQuestion call: each question with its options, numbered as the keys pick them. */
export function questionLines(input: Record<string, unknown>): DetailLine[] {
  const qs = parseQuestions(input);
  if (!qs) return [{ text: 'A question from the agent that cco cannot read; its input:', tone: 'dim' }, ...jsonLines(input)];
  const answers = isObject(input.answers) ? input.answers : undefined;
  const out: DetailLine[] = [{ text: `The agent asks you ${qs.length === 1 ? 'a question' : `${qs.length} questions`}:`, tone: 'dim' }];
  qs.forEach((q, i) => {
    const how = q.multiSelect ? 'pick any' : 'pick one';
    out.push({
      text: `${qs.length > 1 ? `${i + 1}/${qs.length} ` : ''}${q.header ? `[${escapeText(q.header)}] ` : ''}${escapeText(q.question)}  (${how})`,
      tone: 'label',
    });
    q.options.forEach((o, j) => out.push({ text: `  ${j + 1}. ${escapeText(o.label)}${o.description ? ` — ${escapeText(o.description)}` : ''}` }));
    out.push({ text: '  o. other: type your own answer', tone: 'dim' });
    const a = answers?.[q.question];
    if (a !== undefined) out.push({ text: `  answer: ${escapeText(typeof a === 'string' ? a : (JSON.stringify(a) ?? ''))}`, tone: 'add' });
  });
  // Anything else in the input (annotations, answers to no question shown…), so nothing is hidden.
  const asked = new Set(qs.map((q) => q.question));
  for (const [k, a] of Object.entries(answers ?? {}).filter(([k]) => !asked.has(k))) {
    out.push({ text: `answer to "${escapeText(k)}": ${escapeText(typeof a === 'string' ? a : (JSON.stringify(a) ?? ''))}`, tone: 'label' });
  }
  const shown = new Set(['questions', 'answers']);
  for (const k of Object.keys(input).filter((k) => !shown.has(k)))
    out.push({ text: `${escapeText(k)}: ${escapeText(JSON.stringify(input[k]) ?? '')}`, tone: 'label' });
  return out;
}

function jsonLines(value: unknown): DetailLine[] {
  return (JSON.stringify(value, null, 2) ?? '').split('\n').map((t) => ({ text: escapeText(t) }));
}
