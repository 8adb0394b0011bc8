import { Box, Text } from 'ink';
import { helpLines, helpPage, helpWidth } from '../help-lines.js';

/**
 * Every binding from the keymap, with the keys of the prompts, wrapped to the pane; a page at a
 * time when it does not fit (↓/PgDn for the next, ↑/PgUp back, any other key closes).
 */
export function HelpOverlay({ width, height, banners, offset, version }: { width: number; height: number; banners: number; offset: number; version: string }) {
  const lines = helpLines(helpWidth(width));
  const page = helpPage(height, banners);
  const start = Math.max(0, Math.min(offset, Math.max(0, lines.length - page)));
  const shown = lines.slice(start, start + page);
  const more = lines.length > page;
  const close = more ? `↓↑ page · any other key closes · ${start + 1}–${start + shown.length} of ${lines.length}` : 'Any key closes this help.';
  return (
    <Box borderStyle="single" borderDimColor flexDirection="column" paddingX={1}>
      <Text bold wrap="truncate">
        Keys <Text dimColor>· cco v{version}</Text>
      </Text>
      {shown.map((l, i) => (
        <Text key={`${start + i}`} wrap="truncate">
          {l}
        </Text>
      ))}
      <Text dimColor wrap="truncate">
        {close}
      </Text>
    </Box>
  );
}
