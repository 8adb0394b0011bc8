import { Text } from 'ink';
import { oneLine } from '../../core/summary.js';
import { answerHints } from '../keymap.js';
import type { Mode } from '../mode.js';
import { useColor } from '../theme.js';
import { PromptLine } from './PromptLine.js';

/** While answering questions: the keys, or what the last key was refused for (the next key brings the keys back). */
function AnswerStatus({ notice, hints, width }: { notice: string; hints: string; width: number }) {
  return <Text wrap="truncate">{notice ? oneLine(notice, width) : hints}</Text>;
}

/** The footer while answering an agent's questions (AskUserQuestion): one question at a time, then the review. */
export function AnswerFooter({ mode, width, notice }: { mode: Extract<Mode, { kind: 'answer' }>; width: number; notice: string }) {
  const color = useColor();
  const n = mode.questions.length;
  const q = mode.questions[mode.index];
  if (!q) {
    const all = mode.questions.map((x, i) => `${x.header || `Q${i + 1}`}: ${mode.answers[i] ?? ''}`).join(' · ');
    return (
      <>
        <Text color={color('yellow')} bold wrap="truncate">
          Send {n === 1 ? 'this answer' : `these ${n} answers`} to {mode.id}? {oneLine(all, width)}
        </Text>
        <AnswerStatus notice={notice} hints={answerHints({ options: 0, multiSelect: false, review: true, typing: false })} width={width} />
      </>
    );
  }
  const where = `${n > 1 ? `${mode.index + 1}/${n} ` : ''}${q.header ? `[${oneLine(q.header, 30)}] ` : ''}`;
  if (mode.other !== undefined) {
    return (
      <>
        <PromptLine
          label={`${where}your answer: `}
          text={mode.other}
          hint={`  ${answerHints({ options: 0, multiSelect: false, review: false, typing: true })}`}
          width={width}
        />
        {notice ? (
          <Text wrap="truncate">{oneLine(notice, width)}</Text>
        ) : (
          <Text dimColor wrap="truncate">
            {oneLine(q.question, width)}
          </Text>
        )}
      </>
    );
  }
  const picked = q.multiSelect ? ` · picked: ${mode.picked.length ? mode.picked.map((i) => i + 1).join(', ') : 'none'}` : '';
  return (
    <>
      <Text color={color('yellow')} bold wrap="truncate">
        {where}
        {oneLine(q.question, width)} ({q.multiSelect ? 'pick any' : 'pick one'}){picked}
      </Text>
      <AnswerStatus
        notice={notice}
        hints={answerHints({ options: q.options.length, multiSelect: q.multiSelect, review: false, typing: false })}
        width={width}
      />
    </>
  );
}
