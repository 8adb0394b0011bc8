import { Text } from 'ink';
import { oneLine } from '../../core/summary.js';
import { confirmHints, footerHints, promptHints } from '../keymap.js';
import type { PromptRows } from '../prompt-rows.js';
import { AnswerFooter } from './AnswerFooter.js';
import { GrantFooter } from './GrantFooter.js';
import { PromptLine } from './PromptLine.js';
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
  /** The always-allow pattern's rows at this width (grantFooterRows), as the layout counted them. */
  prompt?: PromptRows | undefined;
  /** The filter in force, shown beside the key hints. */
  filter?: string;
  /** The tool of the selected waiting call: some keys say what they do for it (`a approve plan`). */
  tool?: string | undefined;
}

/** A prompt being typed: its label, the text, its keys, and a line on what happens to the text. */
function promptOf(mode: Mode): { label: string; text: string; hint: string; note: string } | undefined {
  if (mode.kind === 'filter') {
    return {
      label: 'Filter: ',
      text: mode.text,
      hint: `  ${promptHints('keep', 'undo')}`,
      note: 'Words match tool, agent, id and input; tool:NAME and agent:NAME narrow a word.',
    };
  }
  if (mode.kind === 'deny' && mode.plan) {
    return {
      label: 'Feedback on the plan (the model reads it): ',
      text: mode.text,
      hint: `  ${promptHints(`send, deny ${mode.id}`)}`,
      note: 'The plan is not approved; the model reads your words as they are typed and keeps planning.',
    };
  }
  if (mode.kind === 'deny')
    return { label: `Deny ${mode.id} with message: `, text: mode.text, hint: `  ${promptHints('send')}`, note: 'The agent reads this message as it is typed.' };
  return undefined;
}

/** A question the next key answers (quit, decide all): the question and its keys. */
function confirmOf(mode: Mode, width: number): { question: string; hints: string } | undefined {
  if (mode.kind === 'quit') {
    const calls = mode.waiting === 1 ? 'call is' : 'calls are';
    return { question: `Quit? ${mode.waiting} waiting ${calls} then denied (the agents read that the console closed).`, hints: confirmHints(['yes'], 'stays') };
  }
  if (mode.kind === 'many') {
    const n = mode.ids.length;
    const shows = mode.filter ? ` the filter "${oneLine(mode.filter, 30)}" shows` : '';
    const more = n > mode.sample.length ? ` · and ${n - mode.sample.length} more` : '';
    return {
      question: `Decide all ${n} waiting ${n === 1 ? 'call' : 'calls'}${shows}? ${oneLine(mode.sample.join(' · '), width)}${more}`,
      hints: confirmHints(['allowAll', 'denyAll'], 'cancels'),
    };
  }
  return undefined;
}

/** Key hints from the keymap and the last notice, or the prompt being typed and its status: two lines. */
export function Footer({ mode, width, notice, preview, replay, roomy = true, prompt, filter, tool }: FooterProps) {
  const color = useColor();
  const typing = promptOf(mode);
  if (typing) {
    return (
      <>
        <PromptLine label={typing.label} text={typing.text} hint={typing.hint} width={width} />
        <Text dimColor wrap="truncate">
          {typing.note}
        </Text>
      </>
    );
  }
  const confirm = confirmOf(mode, width);
  if (confirm) {
    return (
      <>
        <Text color={color('yellow')} bold wrap="truncate">
          {confirm.question}
        </Text>
        <Text wrap="truncate">{confirm.hints}</Text>
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
  if (mode.kind === 'answer') return <AnswerFooter mode={mode} width={width} notice={notice} />;
  if (mode.kind === 'allowRule')
    return <GrantFooter mode={mode} width={width} preview={preview} replay={replay} roomy={roomy} prompt={prompt} notice={notice} />;
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
