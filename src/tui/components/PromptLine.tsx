import { Text } from 'ink';
import { cellWidth } from '../../core/cells.js';
import { escapeLine } from '../escape.js';
import type { PromptRows } from '../prompt-rows.js';

/** Below this many cells for the text, the key hint gives up its place on the line (it is in `?`). */
const MIN_TEXT_CELLS = 16;

/** One line of text being typed, its end kept in view. */
export function PromptLine({ label, text, hint, width }: { label: string; text: string; hint: string; width: number }) {
  const showHint = width - cellWidth(label) - cellWidth(hint) - 1 >= MIN_TEXT_CELLS;
  const room = Math.max(4, width - cellWidth(label) - (showHint ? cellWidth(hint) : 0) - 1);
  const shown = escapeLine(text);
  return (
    <Text wrap="truncate">
      <Text bold>{label}</Text>
      {shown.length > room ? `…${shown.slice(-(room - 1))}` : shown}
      <Text inverse> </Text>
      {showHint ? <Text dimColor>{hint}</Text> : null}
    </Text>
  );
}

/** A prompt read whole before Enter (the always-allow pattern): its wrapped rows, the cursor after the last, then the hint. */
export function WrappedPrompt({ label, prompt, hint }: { label: string; prompt: PromptRows; hint: string }) {
  const { rows } = prompt;
  const last = rows.length - 1;
  return (
    <>
      {rows.map((row, i) => (
        <Text key={i} wrap="truncate">
          {i === 0 && row.startsWith(label) ? (
            <>
              <Text bold>{label}</Text>
              {row.slice(label.length)}
            </>
          ) : (
            row
          )}
          {i === last ? <Text inverse> </Text> : null}
          {i === last && prompt.hint === 'inline' ? <Text dimColor>{hint}</Text> : null}
        </Text>
      ))}
      {prompt.hint === 'row' ? (
        <Text dimColor wrap="truncate">
          {hint.trim()}
        </Text>
      ) : null}
    </>
  );
}
