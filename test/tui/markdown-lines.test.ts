import { describe, expect, it } from 'vitest';
import { escapeLine } from '../../src/core/escape.js';
import { MAX_PLAN_CHARS, MAX_PLAN_LINES, markdownLines, planLines } from '../../src/tui/markdown-lines.js';
import { answerOf, joinAnswers, parseQuestions, questionLines } from '../../src/tui/questions.js';

/** Every line of the text appears, escaped, in its own output line, in order: nothing is dropped or reordered. */
function expectWhole(markdown: string) {
  const out = markdownLines(markdown).map((l) => l.text);
  const lines = markdown.split('\n');
  expect(out.length).toBeGreaterThanOrEqual(lines.length);
  lines.forEach((line, i) => expect(out[i]).toContain(escapeLine(line)));
}

const PLAN = [
  '# Fix the login',
  '',
  'Context: **users** are locked out after `3` tries; _see_ #42.',
  '',
  '## Steps',
  '1. Add `rateLimit()` to `src/auth.ts`',
  '   - keep the *old* tokens',
  '   * and ~~drop~~ nothing',
  '2) Test it',
  '',
  '```ts title="x"',
  'const x = `1`; // # not a heading',
  '- not a list',
  '```',
  '~~~',
  '```',
  '~~~',
  '> a quote with [a link](http://x)',
  '| a | b |',
  '|---|---|',
  '---',
  'Setext heading',
  '==============',
  '#not-a-heading',
  '\tindented with a tab',
].join('\n');

describe('markdownLines', () => {
  it('keeps every character of the plan, line by line', () => {
    expectWhole(PLAN);
  });

  it('keeps every character of arbitrary text (markdown punctuation, controls, invisible characters)', () => {
    const alphabet = [
      '#',
      ' ',
      '`',
      '~',
      '*',
      '_',
      '-',
      '1',
      '.',
      ')',
      '>',
      '|',
      '=',
      'a',
      'Z',
      '\t',
      '\r',
      '\u001b',
      '\u202e',
      '\u200b',
      'é',
      '😀',
      '\n',
      '\n',
    ];
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let n = 0; n < 300; n++) {
      let s = '';
      const len = Math.floor(rand() * 80);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      expectWhole(s);
    }
  });

  it('headings are bold with their #s; fences dim with the language; code after a gutter', () => {
    const out = markdownLines(PLAN);
    const tone = (text: string) => out.find((l) => l.text === text)?.tone;
    expect(tone('# Fix the login')).toBe('label');
    expect(tone('## Steps')).toBe('label');
    expect(tone('Setext heading')).toBe('label');
    expect(tone('#not-a-heading')).toBeUndefined();
    expect(tone('```ts title="x"')).toBe('dim');
    expect(out).toContainEqual({ text: '│ const x = `1`; // # not a heading' });
    expect(out).toContainEqual({ text: '│ - not a list' });
    // A ``` inside a ~~~ block is code; the ~~~ closes it.
    expect(out).toContainEqual({ text: '│ ```' });
    expect(tone('1. Add `rateLimit()` to `src/auth.ts`')).toBeUndefined();
    expect(out).toContainEqual({ text: '   - keep the *old* tokens' });
    expect(out).toContainEqual({ text: '  indented with a tab' });
  });

  it('escapes controls, bidi and zero-width characters', () => {
    const out = markdownLines('# a\u001b[2Jb\n- c\u202ed\u200be\r\n').map((l) => l.text);
    expect(out).toEqual(['# a\\u001b[2Jb', '- c\\u202ed\\u200be', '']);
  });

  it('says when a code block is never closed', () => {
    expect(markdownLines('```\ncode').at(-1)).toMatchObject({ tone: 'dim', text: expect.stringContaining('never closed') });
  });

  it('a plan past the bounds ends in a cut line (the console will not approve it from the pane)', () => {
    const many = markdownLines(Array.from({ length: MAX_PLAN_LINES + 10 }, (_, i) => `line ${i}`).join('\n'));
    expect(many).toHaveLength(MAX_PLAN_LINES + 1);
    expect(many.at(-1)).toMatchObject({ tone: 'cut', text: expect.stringContaining('10 more lines') });
    const long = markdownLines('x'.repeat(MAX_PLAN_CHARS + 5));
    expect(long.at(-1)).toMatchObject({ tone: 'cut', text: expect.stringContaining('5 more characters') });
  });
});

describe('planLines', () => {
  it('the plan, then its file and any other field', () => {
    const out = planLines({ plan: '# P\n- a\n', planFilePath: '/h/.claude/plans/p.md', extra: { x: 1 } }).map((l) => l.text);
    expect(out).toEqual(['The agent asks to leave plan mode and carry out this plan:', '# P', '- a', 'plan file: /h/.claude/plans/p.md', 'extra: {"x":1}']);
  });

  it('an empty input (no plan file was written) says so', () => {
    expect(
      planLines({})
        .map((l) => l.text)
        .join('\n'),
    ).toContain('no plan text was sent');
  });
});

describe('questions', () => {
  const q = {
    question: 'Q?',
    header: 'H',
    multiSelect: true,
    options: [
      { label: 'A', description: '' },
      { label: 'B, C', description: '' },
      { label: 'say "hi"', description: '' },
    ],
  };

  it('several answers are joined as Claude Code joins them: ", ", quoted when they hold ", " or a quote', () => {
    expect(joinAnswers(['A', 'B, C', 'say "hi"'])).toBe('A, "B, C", "say \\"hi\\""');
    expect(answerOf(q, [2, 0], 'mine')).toBe('A, "say \\"hi\\"", mine');
    expect(answerOf({ ...q, multiSelect: false }, [], ' typed ')).toBe('typed');
    expect(answerOf(q, [], '  ')).toBeUndefined();
  });

  it('reads questions, and refuses an input without any', () => {
    expect(parseQuestions({ questions: [q] })).toEqual([q]);
    expect(parseQuestions({})).toBeUndefined();
    expect(parseQuestions({ questions: [] })).toBeUndefined();
    expect(parseQuestions({ questions: [{ header: 'no text' }] })).toBeUndefined();
  });

  it('the detail numbers the options, shows answers and every other field, escaped', () => {
    const out = questionLines({ questions: [{ ...q, question: 'Q\u202e?' }], answers: { 'Q\u202e?': 'A', other: 'x' }, metadata: { source: 'y' } }).map(
      (l) => l.text,
    );
    expect(out).toEqual([
      'The agent asks you a question:',
      '[H] Q\\u202e?  (pick any)',
      '  1. A',
      '  2. B, C',
      '  3. say "hi"',
      '  o. other: type your own answer',
      '  answer: A',
      'answer to "other": x',
      'metadata: {"source":"y"}',
    ]);
    expect(
      questionLines({ nope: 1 })
        .map((l) => l.text)
        .join('\n'),
    ).toContain('"nope": 1');
  });
});
