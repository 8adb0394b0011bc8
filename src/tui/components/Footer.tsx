import { Text } from 'ink';
import { oneLine } from '../../core/summary.js';
import { escapeLine } from '../escape.js';
import { GRANT_FOR, scopeLabel, whereFields, writeBackChoices, writeBackLabel } from '../../core/grant.js';
import { answerHints, confirmHints, footerHints, grantHints, promptHints } from '../keymap.js';
import type { Mode } from '../mode.js';
import type { RulePreview } from '../rule-preview.js';
import { useColor } from '../theme.js';

export interface FooterProps {
  mode: Mode;
  width: number;
  /** The last notice (a decision made, a key refused); a prompt's status line takes its place. */
  notice: string;
  /** What the rule being written would match (always-allow prompt only). */
  preview?: RulePreview | undefined;
  /** The replay line of the always-allow prompt: what the rule would have done to past asks. */
  replay?: string | undefined;
  /** The always-allow chooser may take four lines (else two: the pattern and one status line). */
  roomy?: boolean;
  /** The filter in force, shown beside the key hints. */
  filter?: string;
  /** The tool of the selected waiting call: some keys say what they do for it (`a approve plan`). */
  tool?: string | undefined;
}

/** One line of text being typed, its end kept in view. */
function PromptLine({ label, text, hint, width }: { label: string; text: string; hint: string; width: number }) {
  const room = Math.max(4, width - label.length - hint.length - 1);
  const shown = escapeLine(text);
  return (
    <Text wrap="truncate">
      <Text bold>{label}</Text>
      {shown.length > room ? `…${shown.slice(-(room - 1))}` : shown}
      <Text inverse> </Text>
      <Text dimColor>{hint}</Text>
    </Text>
  );
}

/** While answering questions: the keys, or what the last key was refused for (the next key brings the keys back). */
function AnswerStatus({ notice, hints, width }: { notice: string; hints: string; width: number }) {
  return <Text wrap="truncate">{notice ? oneLine(notice, width) : hints}</Text>;
}

/** Key hints from the keymap and the last notice, or the prompt being typed and its status: two lines. */
export function Footer({ mode, width, notice, preview, replay, roomy = true, filter, tool }: FooterProps) {
  const color = useColor();
  if (mode.kind === 'filter') {
    return (
      <>
        <PromptLine label="Filter: " text={mode.text} hint={`  ${promptHints('keep', 'undo')}`} width={width} />
        <Text dimColor wrap="truncate">
          Words match tool, agent, id and input; tool:NAME and agent:NAME narrow a word.
        </Text>
      </>
    );
  }
  if (mode.kind === 'quit') {
    return (
      <>
        <Text color={color('yellow')} bold wrap="truncate">
          Quit? {mode.waiting} waiting {mode.waiting === 1 ? 'call is' : 'calls are'} then denied (the agents read that the console closed).
        </Text>
        <Text wrap="truncate">{confirmHints(['yes'], 'stays')}</Text>
      </>
    );
  }
  if (mode.kind === 'many') {
    const n = mode.ids.length;
    return (
      <>
        <Text color={color('yellow')} bold wrap="truncate">
          Decide all {n} waiting {n === 1 ? 'call' : 'calls'}
          {mode.filter ? ` the filter "${oneLine(mode.filter, 30)}" shows` : ''}? {oneLine(mode.sample.join(' · '), width)}
          {n > mode.sample.length ? ` · and ${n - mode.sample.length} more` : ''}
        </Text>
        <Text wrap="truncate">{confirmHints(['allowAll', 'denyAll'], 'cancels')}</Text>
      </>
    );
  }
  if (mode.kind === 'editing') {
    return (
      <>
        <Text bold wrap="truncate">
          Editing the input of {mode.id} in your editor…
        </Text>
        <Text dimColor wrap="truncate">
          Save and close it to allow the edited call; empty the file or quit without saving to cancel.
        </Text>
      </>
    );
  }
  if (mode.kind === 'deny' && mode.plan) {
    return (
      <>
        <PromptLine label="Feedback on the plan (the model reads it): " text={mode.text} hint={`  ${promptHints(`send, deny ${mode.id}`)}`} width={width} />
        <Text dimColor wrap="truncate">
          The plan is not approved; the model reads your words as they are typed and keeps planning.
        </Text>
      </>
    );
  }
  if (mode.kind === 'answer') {
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
          <PromptLine label={`${where}your answer: `} text={mode.other} hint={`  ${answerHints({ options: 0, multiSelect: false, review: false, typing: true })}`} width={width} />
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
        <AnswerStatus notice={notice} hints={answerHints({ options: q.options.length, multiSelect: q.multiSelect, review: false, typing: false })} width={width} />
      </>
    );
  }
  if (mode.kind === 'deny') {
    return (
      <>
        <PromptLine label={`Deny ${mode.id} with message: `} text={mode.text} hint={`  ${promptHints('send')}`} width={width} />
        <Text dimColor wrap="truncate">
          The agent reads this message as it is typed.
        </Text>
      </>
    );
  }
  if (mode.kind === 'allowRule') {
    const choices = writeBackChoices(mode.call);
    const choice = choices[mode.writeBack] ?? { kind: 'none' as const };
    const forMs = GRANT_FOR[mode.forIndex];
    const where = whereFields(mode.where, mode.call);
    const told = choice.kind !== 'none';
    const empty = mode.text.trim() === '';
    return (
      <>
        <PromptLine label="Always allow: " text={mode.text} hint={`  ${promptHints(mode.fromHistory ? 'save' : `save, allow ${mode.id}`)}`} width={width} />
        {roomy ? null : (
          <Text wrap="truncate">
            {oneLine(`${scopeLabel(mode.where, forMs)} · ${mode.locked !== undefined && empty ? `type a pattern: ${mode.locked}` : preview?.ok ? `matches ${preview.pending} waiting` : (preview?.error ?? '')}`, width)}
          </Text>
        )}
        {roomy ? <Text wrap="truncate">
          <Text bold>Scope: </Text>
          <Text color={color('cyan')}>{scopeLabel(mode.where, forMs)}</Text>
          {where.ok ? '' : <Text color={color('red')}>{` (${where.why})`}</Text>}
          <Text dimColor>{`  ${grantHints(choices.length > 1)}`}</Text>
        </Text> : null}
        {!roomy ? null : mode.locked !== undefined && empty ? (
          <Text color={color('yellow')} wrap="truncate">
            {oneLine(`Type a pattern (${mode.locked}); proposal: ${mode.proposal}`, width)}
          </Text>
        ) : preview === undefined ? (
          <Text> </Text>
        ) : preview.ok ? (
          <Text wrap="truncate">{`Matches ${preview.pending} waiting, ${preview.recent} recent.`}</Text>
        ) : (
          <Text color={color('red')} wrap="truncate">
            {oneLine(preview.error, width)}
          </Text>
        )}
        {roomy ? (
          <Text dimColor wrap="truncate">
            {oneLine(replay ?? 'Past asks: not available in this console.', width)}
          </Text>
        ) : null}
        {!roomy ? null : choices.length > 1 ? (
          <>
            <Text wrap="truncate" {...(told ? { color: color('yellow') } : {})}>
              {oneLine(`Tell Claude: ${writeBackLabel(choice, mode.call, mode.text.trim())}`, width)}
            </Text>
            <Text dimColor wrap="truncate">
              {told ? 'Claude then skips cco for the calls it covers: cco neither sees nor audits them.' : '↓ also tells Claude; the calls it covers then skip cco (not seen, not audited).'}
            </Text>
          </>
        ) : roomy ? (
          <Text dimColor wrap="truncate">
            The rule lives in cco: every call it allows is still seen and audited.
          </Text>
        ) : null}
      </>
    );
  }
  return (
    <>
      <Text dimColor wrap="truncate">
        {filter ? <Text color={color('cyan')}>{`filter "${oneLine(filter, 30)}" · `}</Text> : null}
        {footerHints(width - (filter ? oneLine(filter, 30).length + 12 : 0), tool)}
      </Text>
      {/* A notice can quote a pattern or an error text: escaped like everything else. */}
      {notice ? <Text wrap="truncate">{oneLine(notice, width)}</Text> : null}
    </>
  );
}
