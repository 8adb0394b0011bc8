import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Broker } from '../../src/core/broker.js';
import type { Decision, ToolCall } from '../../src/core/types.js';
import { App } from '../../src/tui/App.js';

const keys = { up: '\u001B[A', down: '\u001B[B' } as const;

const bash = (command: string, name?: string): ToolCall => ({
  toolName: 'Bash',
  input: { command },
  ...(name ? { agent: { name } } : {}),
});

let unmount: (() => void) | undefined;
afterEach(() => {
  unmount?.();
  unmount = undefined;
});

function setup() {
  let n = 0;
  const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
  const onQuit = vi.fn();
  const ui = render(<App source={broker} url="http://127.0.0.1:8660/mcp" version="0.0.0" onQuit={onQuit} decisionGuardMs={0} />);
  unmount = ui.unmount;
  const frame = () => ui.lastFrame() ?? '';
  const press = async (key: string, until: () => boolean) => {
    ui.stdin.write(key);
    await vi.waitFor(() => expect(until()).toBe(true));
  };
  return { broker, ui, frame, press, onQuit };
}

describe('console', () => {
  it('shows waiting calls with agent, tool and summary', async () => {
    const { broker, frame } = setup();
    void broker.request(bash('npm publish', 'release-bot'));
    await vi.waitFor(() => expect(frame()).toContain('npm publish'));
    expect(frame()).toContain('release-bot');
    expect(frame()).toContain('Bash');
    expect(frame()).toContain('1 waiting');
  });

  it('a allows the selected call, not another', async () => {
    const { broker, frame, press } = setup();
    const first = broker.request(bash('first'));
    const second = broker.request(bash('second'));
    await vi.waitFor(() => expect(frame()).toContain('second'));
    await press(keys.down, () => frame().includes('› c2'));
    let settled: Decision | undefined;
    void second.then((d) => (settled = d));
    await press('a', () => settled !== undefined);
    expect(settled).toMatchObject({ behavior: 'allow', updatedInput: { command: 'second' }, decidedBy: 'user' });
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c1']);
    await vi.waitFor(() => expect(frame()).toMatch(/✓ Bash\s+.*you/));
    broker.decide('c1', { behavior: 'deny' });
    await first;
  });

  it('d denies the selected call, not another', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('keep me'));
    const target = broker.request(bash('deny me'));
    await vi.waitFor(() => expect(frame()).toContain('deny me'));
    await press('j', () => frame().includes('› c2'));
    let settled: Decision | undefined;
    void target.then((d) => (settled = d));
    await press('d', () => settled !== undefined);
    expect(settled).toMatchObject({ behavior: 'deny', decidedBy: 'user' });
    expect(settled!.message).toBeTruthy();
    expect(broker.snapshot().pending.map((p) => p.call.input.command)).toEqual(['keep me']);
  });

  it('keeps the selection on the same call when a call arrives or leaves above it', async () => {
    const { broker, frame, press } = setup();
    void broker.request(bash('one'));
    void broker.request(bash('two'));
    await vi.waitFor(() => expect(frame()).toContain('two'));
    await press(keys.down, () => frame().includes('› c2'));
    // c1 leaves above the cursor: the cursor stays on c2.
    broker.decide('c1', { behavior: 'allow' });
    await vi.waitFor(() => expect(frame()).not.toContain('c1 '));
    expect(frame()).toContain('› c2');
    // A new call arrives (below, oldest first): the cursor stays on c2.
    void broker.request(bash('three'));
    await vi.waitFor(() => expect(frame()).toContain('three'));
    expect(frame()).toContain('› c2');
    let settled: Decision | undefined;
    const c2 = broker.snapshot().pending.find((p) => p.id === 'c2')!;
    expect(c2.call.input.command).toBe('two');
    const third = broker.snapshot().pending.find((p) => p.id === 'c3')!;
    expect(third).toBeDefined();
    broker.onEvent((e) => {
      if (e.type === 'decision') settled = e.decision;
    });
    await press('a', () => settled !== undefined);
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c3']);
  });

  it('when the selected call ends, the next one takes the cursor', async () => {
    const { broker, frame } = setup();
    void broker.request(bash('one'));
    void broker.request(bash('two'));
    await vi.waitFor(() => expect(frame()).toContain('› c1'));
    broker.decide('c1', { behavior: 'allow' });
    await vi.waitFor(() => expect(frame()).toContain('› c2'));
  });

  it('a decision key with nothing waiting does nothing', async () => {
    const { broker, frame, ui } = setup();
    await vi.waitFor(() => expect(frame()).toContain('No calls waiting'));
    ui.stdin.write('a');
    ui.stdin.write('d');
    expect(broker.snapshot().counts).toMatchObject({ allowed: 0, denied: 0 });
  });

  it('shows a notice when the call already ended elsewhere', async () => {
    let n = 0;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
    // A source whose decide always finds the call gone (decided from another terminal).
    const source = {
      snapshot: () => broker.snapshot(),
      subscribe: (l: () => void) => broker.subscribe(l),
      decide: (id: string) => {
        broker.decide(id, { behavior: 'deny', message: 'from elsewhere' });
        return broker.decide(id, { behavior: 'allow' });
      },
    };
    const ui = render(<App source={source} url="u" version="0" onQuit={() => {}} decisionGuardMs={0} />);
    unmount = ui.unmount;
    void broker.request(bash('x'));
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('› c1'));
    ui.stdin.write('a');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('already decided'));
  });

  it('q quits', async () => {
    const { frame, ui, onQuit } = setup();
    await vi.waitFor(() => expect(frame()).toContain('q quit'));
    ui.stdin.write('q');
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1));
  });

  it('lists the keys from the keymap in the footer', async () => {
    const { frame } = setup();
    await vi.waitFor(() => expect(frame()).toContain('↑↓ move'));
    expect(frame()).toContain('a allow');
    expect(frame()).toContain('d deny');
  });
});

describe('console safety guard', () => {
  it('a decision key does nothing for 300 ms after the selected call changed', async () => {
    let n = 0;
    let now = 1_000_000;
    const broker = new Broker({ newId: () => `c${++n}`, timeoutMs: 60_000 });
    const ui = render(<App source={broker} url="u" version="0" onQuit={() => {}} clock={() => now} />);
    unmount = ui.unmount;
    const first = broker.request(bash('first'));
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('› c1'));
    now += 1000;
    // The selected call ends (e.g. the agent withdrew it); the cursor moves to a call just arrived.
    void broker.request(bash('rm -rf ~'));
    broker.decide('c1', { behavior: 'deny' });
    await first;
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('› c2'));
    ui.stdin.write('a');
    await vi.waitFor(() => expect(ui.lastFrame()).toContain('selection just changed to c2'));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c2']);
    now += 299;
    ui.stdin.write('d');
    // Let the key's handler and any decision it started run to the end.
    await new Promise((r) => setImmediate(r));
    expect(broker.snapshot().pending.map((p) => p.id)).toEqual(['c2']);
    now += 1;
    ui.stdin.write('d');
    await vi.waitFor(() => expect(broker.snapshot().pending).toEqual([]));
    expect(broker.snapshot().recent[0]).toMatchObject({ id: 'c2', decision: { behavior: 'deny', decidedBy: 'user' } });
  });
});
