import { Box, Text } from 'ink';
import type { ConsoleStatus } from '../../core/console-status.js';
import type { BrokerSnapshot } from '../../core/types.js';
import type { ConsoleState, View } from '../console-state.js';
import { MIN_COLUMNS, MIN_ROWS } from '../layout.js';
import { DetailPane } from './DetailPane.js';
import { Header } from './Header.js';
import { HistoryBox, QueueBox } from './Lists.js';

/** The queue, the selected call in full, and the recent decisions, as the view lays them out. */
export function Lists({
  state,
  view,
  snap,
  now,
  width,
  url,
}: {
  state: ConsoleState;
  view: View;
  snap: BrokerSnapshot;
  now: number;
  width: number;
  url: string;
}) {
  const { layout } = view;
  const filtered = state.filterText.trim() !== '' && view.pending !== snap.pending;
  return (
    <>
      <QueueBox
        calls={view.pending}
        total={snap.pending.length}
        selected={view.current}
        focused={state.focus === 'queue'}
        filtered={filtered}
        rows={layout.pendingRows}
        now={now}
        width={width - 4}
        url={url}
      />
      {view.detailCall && state.showDetail && layout.detailRows > 0 ? (
        <DetailPane call={view.detailCall} lines={view.lines} height={layout.detailRows} bodyRows={view.bodyRows} offset={view.offset} />
      ) : null}
      <HistoryBox
        calls={view.recent}
        total={snap.recent.length}
        selected={view.currentHistory}
        focused={state.focus === 'history'}
        filtered={filtered}
        rows={layout.historyRows}
        width={width - 4}
      />
    </>
  );
}

export interface TooSmallProps {
  width: number;
  height: number;
  banners: ReadonlyArray<{ key: string; message: string }>;
  bannerCount: number;
  snap: BrokerSnapshot;
  url: string;
  status: ConsoleStatus | undefined;
}

/** A pane too small to show a call whole: the header, and a line saying so (no key decides meanwhile). */
export function TooSmall({ width, height, banners, bannerCount, snap, url, status }: TooSmallProps) {
  const message = `This pane is ${width}×${height}; the console needs at least ${MIN_COLUMNS}×${MIN_ROWS + bannerCount} to show a call whole. Make it larger; no key decides until then (${snap.pending.length} waiting).`;
  // The banners only when they fit with the header and this message (its rows counted as word
  // wrap makes them: no word of it is longer than 12 cells).
  const messageRows = Math.ceil(message.length / Math.max(1, width - 12));
  const shown = 1 + bannerCount + messageRows <= height ? banners : [];
  return (
    <Box flexDirection="column" width={width}>
      <Header pending={snap.pending.length} counts={snap.counts} url={url} banners={shown} status={status} />
      <Text wrap="wrap">{message}</Text>
    </Box>
  );
}
