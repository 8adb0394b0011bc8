import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { StatusBoard } from '../../src/core/console-status.js';
import { Header } from '../../src/tui/components/Header.js';

const counts = { allowed: 0, denied: 0, timedOut: 0, cancelled: 0 };

describe('the header says when nobody counts as present', () => {
  it('with whenAway deny and nobody present, a yellow warning that outlasts the counts in a narrow pane', () => {
    const status = { agents: 1, defaultAction: 'ask' as const, rules: 2, away: true };
    const wide = render(<Header pending={0} counts={counts} url="http://127.0.0.1:8660/mcp" banners={[]} status={status} width={140} />);
    expect(wide.lastFrame()).toContain('nobody present: new asks denied');
    const narrow = render(<Header pending={0} counts={counts} url="http://127.0.0.1:8660/mcp" banners={[]} status={status} width={80} />);
    expect(narrow.lastFrame()).toContain('nobody present');
    expect(narrow.lastFrame()).not.toContain('allowed');
    const present = render(<Header pending={0} counts={counts} url="http://127.0.0.1:8660/mcp" banners={[]} status={{ ...status, away: false }} width={140} />);
    expect(present.lastFrame()).not.toContain('nobody present');
  });

  it('the status board tells its listeners when presence changes', () => {
    const board = new StatusBoard({ agents: 0, defaultAction: 'ask', rules: 0 });
    let told = 0;
    board.subscribe(() => told++);
    board.set({ away: true });
    board.set({ away: true });
    board.set({ away: false });
    expect(told).toBe(2);
  });
});
