/** Answering an agent's questions (a on an AskUserQuestion call), one question at a time. */
import type { PendingCall, Verdict } from '../core/types.js';
import type { ConsoleState } from './console-state.js';
import type { KeyEvent } from './key-events.js';
import { answerActionFor } from './keymap.js';
import { type Mode, promptKey } from './mode.js';
import { answerOf, parseQuestions } from './questions.js';
import { note, type Step, type StepContext } from './step.js';

export type AnswerMode = Extract<Mode, { kind: 'answer' }>;

/**
 * One key while answering an agent's questions. Each question is answered only once it has been
 * drawn: moving to the next question (or to the answers before they are sent) drops the keys
 * typed after it in the same read, as a question does. Nothing is decided until Enter on the
 * answers shown together; Esc decides nothing.
 */
export function answerKey(s: ConsoleState, mode: AnswerMode, { input, key }: KeyEvent, ctx: StepContext, scroll: (ev: KeyEvent) => Step): Step {
  const normal = (notice: string): Step => note({ ...s, mode: { kind: 'normal' } }, notice);
  const set = (next: Partial<AnswerMode>): Step => ({ state: { ...s, mode: { ...mode, ...next } }, effects: [] });
  // The call may have ended while it was answered (its agent went away, a timeout, `cco approve`).
  if (!ctx.world.snapshot.pending.some((p) => p.id === mode.id)) return normal(`${mode.id} was already decided; your answers were not sent.`);
  // The questions stay in the detail pane above: it still scrolls.
  if (key.pageUp || key.pageDown) return scroll({ input, key });
  const q = mode.questions[mode.index];
  const advance = (answer: string): Step => {
    const answers = mode.answers.slice(0, mode.index).concat([answer]);
    return { state: { ...s, mode: { ...mode, index: mode.index + 1, answers, picked: [], other: undefined } }, effects: [], stop: true };
  };

  if (q && mode.other !== undefined) {
    const p = promptKey(mode.other, input, key);
    if (p.kind === 'edit') return set({ other: p.text });
    if (p.kind === 'cancel') return set({ other: undefined });
    const answer = p.text.trim() ? answerOf(q, mode.picked, p.text) : undefined;
    return answer === undefined ? note(s, 'Type your answer, or Esc to go back to the options.') : advance(answer);
  }

  const action = answerActionFor(input, key);
  if (action === 'cancel') return normal(`Answers cancelled; nothing was decided (${mode.id} still waits).`);
  if (action === 'back') {
    if (mode.index === 0) return note(s, 'This is the first question; Esc stops answering.');
    return set({ index: mode.index - 1, answers: mode.answers.slice(0, mode.index - 1), picked: [], other: undefined });
  }
  if (!q) {
    // Every question answered, the answers on screen: Enter sends them.
    if (action !== 'next') return { state: s, effects: [] };
    const answers = Object.fromEntries(mode.questions.map((x, i) => [x.question, mode.answers[i] ?? '']));
    const verdict: Verdict = { behavior: 'allow', updatedInput: { ...mode.input, answers } };
    return { state: { ...s, mode: { kind: 'normal' } }, effects: [{ kind: 'decide', id: mode.id, verdict, how: ' with your answers' }] };
  }
  switch (action) {
    case 'pick': {
      const i = Number(input) - 1;
      if (!(i < q.options.length)) return note(s, `There is no option ${input}: this question has ${q.options.length} (o types your own answer).`);
      if (!q.multiSelect) return advance(q.options[i]!.label);
      return set({ picked: mode.picked.includes(i) ? mode.picked.filter((x) => x !== i) : [...mode.picked, i].sort((a, b) => a - b) });
    }
    case 'other':
      return set({ other: '' });
    case 'next': {
      const answer = q.multiSelect ? answerOf(q, mode.picked, undefined) : undefined;
      if (answer !== undefined) return advance(answer);
      return note(
        s,
        q.multiSelect ? 'Pick at least one option by its number, or o to type your own answer.' : 'Pick an option by its number, or o to type your own answer.',
      );
    }
    default:
      return { state: s, effects: [] };
  }
}

/** `a` on an agent's questions: the first question is asked (and the keys after `a` in the read are dropped). */
export function answerStart(s: ConsoleState, t: { id: string; call: PendingCall }): Step {
  const input = t.call.call.input ?? {};
  const questions = parseQuestions(input);
  if (!questions) return note(s, `cco cannot read the questions of ${t.id}: d denies it, e edits its input (add "answers") and allows it.`);
  return {
    state: { ...s, mode: { kind: 'answer', id: t.id, input, questions, index: 0, answers: [], picked: [], other: undefined } },
    effects: [],
    stop: true,
  };
}
