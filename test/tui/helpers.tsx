import { render } from 'ink-testing-library';
import { afterEach, vi, expect } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import type { ToolCall } from '../../src/core/types.js';
import { App, type AppProps } from '../../src/tui/App.js';

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  tab: '\t',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
} as const;

export const bash = (command: string, name?: string): ToolCall => ({
  toolName: 'Bash',
  input: { command },
  ...(name ? { agent: { name } } : {}),
});

// Every console a test renders is unmounted after it (twice is harmless for tests that also do).
const mounted: Array<() => void> = [];
afterEach(() => {
  for (const unmount of mounted.splice(0)) unmount();
});

/** The console over a real broker, with a press() that waits for the frame to show the key's effect. */
export function renderConsole({ broker: given, ...props }: Partial<AppProps> & { broker?: Broker } = {}) {
  let n = 0;
  const broker = given ?? new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
  const onQuit = vi.fn();
  const ui = render(<App source={broker} url="http://127.0.0.1:8660/mcp" version="0.0.0" onQuit={onQuit} decisionGuardMs={0} {...props} />);
  mounted.push(ui.unmount);
  const frame = () => ui.lastFrame() ?? '';
  const press = async (key: string, until: () => boolean) => {
    ui.stdin.write(key);
    // Generous: some keys start a process (the editor), and the machine may be busy.
    await vi.waitFor(() => expect(until(), `after ${JSON.stringify(key)}:\n${frame()}`).toBe(true), { timeout: 5000 });
  };
  /** Resolves once the console reads keys again (after the editor, Ink re-attaches its listener in an effect). */
  const listening = () => vi.waitFor(() => expect(ui.stdin.listenerCount('readable')).toBeGreaterThan(0));
  return { broker, ui, frame, press, onQuit, listening };
}
