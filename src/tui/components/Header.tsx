import { Box, Text } from 'ink';
import type { AlertBoard } from '../../core/alerts.js';
import type { ConsoleStatus } from '../../core/console-status.js';
import type { BrokerCounts } from '../../core/types.js';
import { useColor } from '../theme.js';

export interface HeaderProps {
  pending: number;
  counts: BrokerCounts;
  url: string;
  banners: ReturnType<AlertBoard['snapshot']>;
  /** Agents connected, default action, rules; left out when the console runs without a server. */
  status?: ConsoleStatus | undefined;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Counts first (they must survive a narrow pane), then agents, the default action, rules, where
 * agents connect; a red line per problem that needs fixing.
 */
export function Header({ pending, counts, url, banners, status }: HeaderProps) {
  const color = useColor();
  return (
    <Box flexDirection="column">
      <Text wrap="truncate">
        <Text bold>cco</Text>{' '}
        <Text color={pending ? color('yellow') : undefined} bold={pending > 0}>
          {pending} waiting
        </Text>{' '}
        · <Text color={color('green')}>{counts.allowed} allowed</Text> · <Text color={color('red')}>{counts.denied} denied</Text>
        {counts.timedOut ? ` (${counts.timedOut} timed out)` : ''}
        {status ? (
          <Text dimColor>
            {' '}
            · {plural(status.agents, 'agent')} · default {status.defaultAction} · {plural(status.rules, 'rule')}
          </Text>
        ) : null}
        <Text dimColor>
          {' '}
          · {url}
        </Text>
      </Text>
      {banners.map((b) => (
        <Text key={b.key} color={color('red')} bold wrap="truncate">
          ! {b.message}
        </Text>
      ))}
    </Box>
  );
}
