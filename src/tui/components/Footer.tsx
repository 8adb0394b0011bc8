import { Text } from 'ink';
import { escapeLine } from '../escape.js';
import { footerHints } from '../keymap.js';
import type { Mode } from '../mode.js';

/** Key hints from the keymap, or the inline message prompt while a denial is being written. */
export function Footer({ mode, width }: { mode: Mode; width: number }) {
  if (mode.kind === 'deny') {
    const label = `Deny ${mode.id} with message: `;
    const hint = '  ⏎ send · Esc cancel';
    const room = Math.max(4, width - label.length - hint.length - 1);
    const shown = escapeLine(mode.text);
    return (
      <Text wrap="truncate">
        <Text bold>{label}</Text>
        {shown.length > room ? `…${shown.slice(-(room - 1))}` : shown}
        <Text inverse> </Text>
        <Text dimColor>{hint}</Text>
      </Text>
    );
  }
  return (
    <Text dimColor wrap="truncate">
      {footerHints()}
    </Text>
  );
}
