/** Lines taken by everything but the two lists and the detail body (see `screenLayout`). */
const CHROME_ROWS = 11;
/** Below this the screen cannot show a call and its detail; it says so instead. */
export const MIN_ROWS = CHROME_ROWS + 4;
export const MIN_COLUMNS = 40;

export interface LayoutInput {
  height: number;
  width: number;
  banners: number;
  /** The detail shows a decided call: one more line for its decision. */
  decisionLine: boolean;
  /** Lines of the detail body, 0 when it is hidden or nothing is selected. */
  detailLines: number;
  pending: number;
}

export interface ScreenLayout {
  detailRows: number;
  pendingRows: number;
  historyRows: number;
  /** The terminal is too small for the layout: nothing but a message and the header is drawn, and no key decides. */
  tooSmall: boolean;
}

/**
 * How many rows the queue, the detail body and the history get. The screen is: header, banners,
 * queue box (borders, title, rows, "more"), detail (title, decision, body), history box (borders,
 * title, rows), footer (hints, notice). Nothing is ever taller than the terminal. The detail takes
 * what it needs of the free rows, leaving the queue up to three rows and the history one, so a long
 * call is read in as few pages as the pane allows.
 */
export function screenLayout({ height, width, banners, decisionLine, detailLines, pending }: LayoutInput): ScreenLayout {
  const tooSmall = height - banners < MIN_ROWS || width < MIN_COLUMNS;
  const free = Math.max(3, height - CHROME_ROWS - banners - (decisionLine ? 1 : 0));
  const queueMin = Math.min(Math.max(pending, 1), 3);
  const detailRows = detailLines > 0 ? Math.max(1, Math.min(detailLines, free - queueMin - 1)) : 0;
  const listRows = Math.max(2, free - detailRows);
  const pendingRows = Math.max(1, Math.min(pending, Math.ceil(listRows * 0.6), listRows - 1));
  const historyRows = Math.max(1, listRows - pendingRows);
  return { detailRows, pendingRows, historyRows, tooSmall };
}
