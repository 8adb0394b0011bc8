import { describe, expect, it, vi } from 'vitest';
import type { Decision, ToolCall } from '../../src/core/types.js';
import { keys, renderConsole } from './helpers.js';

const PLAN = '# Fix login\n\n## Steps\n1. Add `rateLimit()` to **auth.ts**\n   - keep _old_ tokens\n```ts\nconst x = 1;\n```';
const plan = (text = PLAN): ToolCall => ({ toolName: 'ExitPlanMode', input: { plan: text, planFilePath: '/home/u/.claude/plans/fix-login.md' } });

const QUESTIONS = [
  {
    question: 'Which database should we use?',
    header: 'Database',
    multiSelect: false,
    options: [
      { label: 'Postgres', description: 'relational' },
      { label: 'SQLite', description: 'a file' },
    ],
  },
  {
    question: 'Which features?',
    header: 'Features',
    multiSelect: true,
    options: [
      { label: 'Auth', description: 'login' },
      { label: 'Search', description: 'full text' },
      { label: 'Export, CSV', description: 'a label with a comma' },
    ],
  },
];
const ask = (questions: unknown[] = QUESTIONS): ToolCall => ({ toolName: 'AskUserQuestion', input: { questions } });

function settle(p: Promise<Decision>) {
  const box: { d?: Decision } = {};
  void p.then((d) => (box.d = d));
  return box;
}

describe('plans (ExitPlanMode)', () => {
  it('shows the plan as markdown with every character, and a approves it', async () => {
    const { broker, frame, press } = renderConsole();
    const d = settle(broker.request(plan()));
    await vi.waitFor(() => expect(frame()).toContain('# Fix login'));
    const f = frame();
    for (const text of [
      '## Steps',
      '1. Add `rateLimit()` to **auth.ts**',
      '   - keep _old_ tokens',
      '```ts',
      '│ const x = 1;',
      'plan file: /home/u/.claude/plans/fix-login.md',
    ]) {
      expect(f).toContain(text);
    }
    expect(f).toContain('a approve plan');
    expect(f).toContain('D feedback');
    await press('a', () => d.d !== undefined);
    expect(d.d).toMatchObject({ behavior: 'allow', decidedBy: 'user' });
    await vi.waitFor(() => expect(frame()).toContain('Allowed c1: the plan is approved.'));
  });

  it('D asks for feedback on the plan; Enter sends it as the denial message', async () => {
    const { broker, frame, press } = renderConsole();
    const d = settle(broker.request(plan()));
    await vi.waitFor(() => expect(frame()).toContain('# Fix login'));
    await press('D', () => frame().includes('Feedback on the plan (the model reads it):'));
    expect(frame()).toContain('keeps planning');
    // Several keys in one write: all of it is the message, the Enter at the end sends it.
    await press('Run the tests first.\r', () => d.d !== undefined);
    expect(d.d).toMatchObject({ behavior: 'deny', decidedBy: 'user', message: 'Run the tests first.' });
  });

  it('control and invisible characters in a plan are shown as escapes', async () => {
    const { broker, frame } = renderConsole();
    void broker.request(plan('# Plan \u001b[31mred\n- step\u202eevil\u200b'));
    await vi.waitFor(() => expect(frame()).toContain('# Plan \\u001b[31mred'));
    expect(frame()).toContain('- step\\u202eevil\\u200b');
    expect(frame()).not.toContain('\u202e');
  });

  it('a plan with no text (the agent wrote no plan file) says so', async () => {
    const { broker, frame } = renderConsole();
    void broker.request({ toolName: 'ExitPlanMode', input: {} });
    await vi.waitFor(() => expect(frame()).toContain('no plan text was sent'));
  });
});

describe('questions (AskUserQuestion)', () => {
  it('shows each question with its numbered options', async () => {
    const { broker, frame } = renderConsole();
    void broker.request(ask());
    await vi.waitFor(() => expect(frame()).toContain('Which database should we use?'));
    const f = frame();
    for (const text of [
      '1/2 [Database] Which database should we use?  (pick one)',
      '1. Postgres — relational',
      '2. SQLite — a file',
      '2/2 [Features] Which features?  (pick any)',
      '3. Export, CSV — a label with a comma',
      'o. other',
    ]) {
      expect(f).toContain(text);
    }
    expect(f).toContain('a answer');
  });

  it('a opens the questions; a digit answers one, digits toggle a multiple choice, Enter twice sends the answers', async () => {
    const { broker, frame, press } = renderConsole();
    const d = settle(broker.request(ask()));
    await vi.waitFor(() => expect(frame()).toContain('Which database'));
    // `a1` in one write: the question had not been drawn when 1 was typed, so only `a` counts.
    await press('a1', () => frame().includes('1/2 [Database] Which database should we use? (pick one)'));
    expect(frame()).toContain('1-2 pick one');
    await press('2', () => frame().includes('2/2 [Features] Which features? (pick any) · picked: none'));
    // One write, one question: every toggle counts; 2 is toggled off again.
    await press('132', () => frame().includes('picked: 1, 2, 3'));
    await press('2', () => /picked: 1, 3$/m.test(frame()));
    await press(keys.enter, () => frame().includes('Send these 2 answers to c1?'));
    expect(frame()).toContain('Database: SQLite · Features: Auth, "Export, CSV"');
    expect(d.d).toBeUndefined();
    await press(keys.enter, () => d.d !== undefined);
    expect(d.d).toMatchObject({ behavior: 'allow', decidedBy: 'user' });
    expect(d.d!.updatedInput).toEqual({
      questions: QUESTIONS,
      answers: { 'Which database should we use?': 'SQLite', 'Which features?': 'Auth, "Export, CSV"' },
    });
    await vi.waitFor(() => expect(frame()).toContain('Allowed c1 with your answers.'));
  });

  it('keys typed after the answer that moves on are dropped: 2⏎ in one write does not send', async () => {
    const { broker, frame, press } = renderConsole();
    const d = settle(broker.request(ask([QUESTIONS[0]])));
    await vi.waitFor(() => expect(frame()).toContain('Which database'));
    await press('a', () => frame().includes('(pick one)'));
    await press('2\r', () => frame().includes('Send this answer to c1?'));
    await new Promise((r) => setTimeout(r, 50));
    expect(d.d).toBeUndefined();
    await press('\r', () => d.d !== undefined);
    expect(d.d!.updatedInput).toMatchObject({ answers: { 'Which database should we use?': 'SQLite' } });
  });

  it('o types an answer of your own; Backspace goes back a question; Esc cancels without deciding', async () => {
    const { broker, frame, press } = renderConsole();
    const d = settle(broker.request(ask()));
    await vi.waitFor(() => expect(frame()).toContain('Which database'));
    await press('a', () => frame().includes('(pick one)'));
    await press('o', () => frame().includes('[Database] your answer:'));
    // Digits and letters are text here, not picks.
    await press('MySQL 8, please', () => frame().includes('your answer: MySQL 8, please'));
    await press(keys.enter, () => frame().includes('2/2 [Features]'));
    await press(keys.backspace, () => frame().includes('1/2 [Database]'));
    await press('1', () => frame().includes('2/2 [Features]'));
    await press('o', () => frame().includes('[Features] your answer:'));
    await press('Billing', () => frame().includes('your answer: Billing'));
    // Esc in the text goes back to the options, not out of the questions.
    await press(keys.escape, () => frame().includes('picked: none'));
    await press('2', () => frame().includes('picked: 2'));
    await press('o', () => frame().includes('your answer:'));
    await press('Billing\r', () => frame().includes('Send these 2 answers'));
    expect(frame()).toContain('Database: Postgres · Features: Search, Billing');
    await press(keys.escape, () => frame().includes('Answers cancelled; nothing was decided'));
    expect(d.d).toBeUndefined();
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1']);
    // Back on the queue, and answering starts over.
    await press('a', () => frame().includes('1/2 [Database]'));
    await press('o', () => frame().includes('your answer:'));
    await press('MySQL\r', () => frame().includes('2/2 [Features]'));
    await press('o', () => frame().includes('your answer:'));
    await press('Billing\r', () => frame().includes('Send these 2 answers'));
    await press(keys.enter, () => d.d !== undefined);
    expect(d.d!.updatedInput).toMatchObject({ answers: { 'Which database should we use?': 'MySQL', 'Which features?': 'Billing' } });
    // The history shows the call as it ran: with the answers.
    await press(keys.tab, () => frame().includes('answer: MySQL'));
    await press(keys.pageDown, () => frame().includes('answer: Billing'));
  });

  it('refuses an empty answer and an option that is not there', async () => {
    const { broker, frame, press } = renderConsole();
    void broker.request(ask());
    await vi.waitFor(() => expect(frame()).toContain('Which database'));
    await press('a', () => frame().includes('(pick one)'));
    await press('7', () => frame().includes('There is no option 7: this question has 2'));
    await press(keys.enter, () => frame().includes('Pick an option by its number'));
    await press('1', () => frame().includes('picked: none'));
    await press(keys.enter, () => frame().includes('Pick at least one option'));
    await press('o', () => frame().includes('your answer:'));
    await press(keys.enter, () => frame().includes('Type your answer, or Esc'));
  });

  it('the call ending while it is answered: nothing is sent, and the console says so', async () => {
    const { broker, frame, press } = renderConsole();
    void broker.request(ask());
    await vi.waitFor(() => expect(frame()).toContain('Which database'));
    await press('a', () => frame().includes('(pick one)'));
    broker.decide('c1', { behavior: 'deny', message: 'elsewhere' });
    await vi.waitFor(() => expect(frame()).not.toContain('› c1'));
    await press('1', () => frame().includes('c1 was already decided; your answers were not sent.'));
  });
});
