import { Box, Text } from 'ink';
import { GRANT_KEYMAP, KEYMAP, PROMPT_KEYS } from '../keymap.js';

/** Every binding from the keymap, with the keys of the message prompt; at most `height` lines. */
export function HelpOverlay({ height, version }: { height: number; version: string }) {
  const w = Math.max(...KEYMAP.map((b) => b.hint.length)) + 2;
  const lines = [
    ...KEYMAP.map((b) => `${b.hint.padEnd(w)}${b.help}`),
    `In a prompt: ${PROMPT_KEYS.map((k) => `${k.hint} ${k.help}`).join(', ')}`,
    `In the always-allow chooser: ${GRANT_KEYMAP.map((k) => `${k.hint} ${k.label}`).join(', ')}`,
    'Any key closes this help.',
  ];
  return (
    <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
      <Text bold>
        Keys <Text dimColor>· cco v{version}</Text>
      </Text>
      {lines.slice(0, Math.max(1, height - 3)).map((l) => (
        <Text key={l} wrap="truncate">
          {l}
        </Text>
      ))}
    </Box>
  );
}
