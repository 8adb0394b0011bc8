/** Lines taken by everything but the two lists and the detail body (see `screenLayout`). */
const CHROME_ROWS = 11;

export interface LayoutInput {
  height: number;
  banners: number;
  /** The detail shows a decided call: one more line for its decision. */
  decisionLine: boolean;
  /** Lines of the detail body, 0 when it is hidden or nothing is selected. */
  detailLines: number;
  pending: number;
}

/**
 * How many rows the queue, the detail body and the history get. The screen is: header, banners,
 * queue box (borders, title, rows, "more"), detail (title, decision, body), history box (borders,
 * title, rows), footer (hints, notice). Nothing is ever taller than the terminal.
 */
export function screenLayout({ height, banners, decisionLine, detailLines, pending }: LayoutInput) {
  const free = Math.max(3, height - CHROME_ROWS - banners - (decisionLine ? 1 : 0));
  const detailRows = detailLines > 0 ? Math.max(1, Math.min(detailLines, Math.floor(free / 2))) : 0;
  const listRows = Math.max(2, free - detailRows);
  const pendingRows = Math.max(1, Math.min(pending, Math.ceil(listRows * 0.6), listRows - 1));
  const historyRows = Math.max(1, listRows - pendingRows);
  return { detailRows, pendingRows, historyRows };
}
