import { render } from 'ink-testing-library';
import { vi, expect } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import type { ToolCall } from '../../src/core/types.js';
import { App, type AppProps } from '../../src/tui/App.js';

export const keys = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  escape: '\u001B',
  backspace: '\u007F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
} as const;

export const bash = (command: string, name?: string): ToolCall => ({
  toolName: 'Bash',
  input: { command },
  ...(name ? { agent: { name } } : {}),
});

/** The console over a real broker, with a press() that waits for the frame to show the key's effect. */
export function renderConsole(props: Partial<AppProps> = {}) {
  let n = 0;
  const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
  const onQuit = vi.fn();
  const ui = render(<App source={broker} url="http://127.0.0.1:8660/mcp" version="0.0.0" onQuit={onQuit} decisionGuardMs={0} {...props} />);
  const frame = () => ui.lastFrame() ?? '';
  const press = async (key: string, until: () => boolean) => {
    ui.stdin.write(key);
    await vi.waitFor(() => expect(until(), `after ${JSON.stringify(key)}:\n${frame()}`).toBe(true));
  };
  return { broker, ui, frame, press, onQuit };
}
