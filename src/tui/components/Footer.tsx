import { Text } from 'ink';
import { oneLine } from '../../core/summary.js';
import { escapeLine } from '../escape.js';
import { footerHints } from '../keymap.js';
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

/** Key hints from the keymap and the last notice, or the prompt being typed and its status: two lines. */
export function Footer({ mode, width, notice, preview }: FooterProps) {
  const color = useColor();
  if (mode.kind === 'deny') {
    return (
      <>
        <PromptLine label={`Deny ${mode.id} with message: `} text={mode.text} hint="  ⏎ send · Esc cancel" width={width} />
        <Text dimColor wrap="truncate">
          The agent reads this message as it is typed.
        </Text>
      </>
    );
  }
  if (mode.kind === 'allowRule') {
    return (
      <>
        <PromptLine label="Always allow: " text={mode.text} hint={`  ⏎ save, allow ${mode.id} · Esc`} width={width} />
        {preview === undefined ? null : preview.ok ? (
          <Text wrap="truncate">
            Would match {preview.pending} waiting, {preview.recent} recent.
          </Text>
        ) : (
          <Text color={color('red')} wrap="truncate">
            {oneLine(preview.error, width)}
          </Text>
        )}
      </>
    );
  }
  return (
    <>
      <Text dimColor wrap="truncate">
        {footerHints()}
      </Text>
      {/* A notice can quote a pattern or an error text: escaped like everything else. */}
      {notice ? <Text wrap="truncate">{oneLine(notice, width)}</Text> : null}
    </>
  );
}
