import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopRoute, startNotify, brokerFeed } from '../../src/app/notify.js';
import type { Log } from '../../src/app/log.js';
import { Broker } from '../../src/core/broker.js';
import { COALESCE_MS } from '../../src/core/notify-plan.js';
import type { NotifySettings } from '../../src/core/settings.js';
import type { ToolCall } from '../../src/core/types.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { waitFor } from '../helpers/server.js';

const bash = (command: string, agent = 'api'): ToolCall => ({ toolName: 'Bash', input: { command }, agent: { name: agent } });

const settingsOf = (over: Partial<Omit<NotifySettings, 'webhook'>> & { webhook?: Partial<NotifySettings['webhook']> } = {}): NotifySettings => ({
  desktop: over.desktop ?? 'osc9',
  desktopAfterMs: over.desktopAfterMs ?? 10_000,
  webhook: { url: undefined, afterMs: 60_000, format: 'json', content: false, ...over.webhook },
});

/** A terminal that keeps what is written to it. */
function fakeTerminal() {
  const written: string[] = [];
  return { written, terminal: { isTTY: true, write: (s: string) => written.push(s) } };
}

// eslint-disable-next-line no-control-regex
const OSC = /\u001b\]9;|\u001b\]777;|\u001b\u001b\]9;/g;
const oscCount = (written: string[]) => written.join('').match(OSC)?.length ?? 0;

const closers: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

function setup(settings: NotifySettings, extra: { env?: Record<string, string>; console?: boolean; clock?: FakeClock } = {}) {
  const clock = extra.clock ?? new FakeClock();
  let n = 0;
  const broker = new Broker({ clock, newId: () => `c${++n}`, timeoutMs: 300_000 });
  const { written, terminal } = fakeTerminal();
  const logged: string[] = [];
  const log: Log = (level, m) => logged.push(`${level} ${m}`);
  const notify = startNotify({
    feed: brokerFeed(broker),
    settings: () => settings,
    log,
    console: extra.console ?? true,
    terminal,
    env: extra.env ?? {},
    clock,
  });
  closers.push(
    () => notify.close(),
    () => broker.shutdown(),
  );
  return { clock, broker, written, logged, notify };
}

describe('desktop notices through the terminal', () => {
  it('a burst of 5 calls is one OSC sequence, after the delay', () => {
    const { clock, broker, written } = setup(settingsOf());
    for (let i = 0; i < 5; i++) {
      void broker.request(bash(`echo ${i}`, `agent${i % 3}`));
      clock.advance(200);
    }
    clock.advance(10_000 - 1000);
    expect(oscCount(written)).toBe(0);
    clock.advance(COALESCE_MS + 1000);
    expect(written).toEqual(['\u001b]9;cco: 5 asks from 3 agents, oldest 12s; new: agent0 Bash: echo 0 (+4 more)\u0007']);
    clock.advance(600_000);
    expect(oscCount(written)).toBe(1);
  });

  it('inside tmux it is wrapped once in the passthrough; OSC 777 when asked', () => {
    const { clock, broker, written } = setup(settingsOf({ desktop: 'osc777' }), { env: { TMUX: '/tmp/tmux-1/default,1,0' } });
    for (let i = 0; i < 5; i++) void broker.request(bash('ls'));
    clock.advance(20_000);
    expect(written).toEqual(['\u001bPtmux;\u001b\u001b]777;notify;cco;cco: 5 asks from 1 agent, oldest 12s; new: api Bash: ls (+4 more)\u0007\u001b\\']);
  });

  it('nothing for calls decided before the delay, by a person or a rule', () => {
    const { clock, broker, written } = setup(settingsOf());
    void broker.request(bash('rm -rf build'));
    clock.advance(5000);
    broker.decide('c1', { behavior: 'deny' });
    broker.setPolicy(() => ({ action: 'allow', decidedBy: 'rule:r1' }));
    void broker.request(bash('npm test'));
    clock.advance(600_000);
    expect(written).toEqual([]);
  });

  it('keys pressed in the console hold the notice until the keyboard is quiet', () => {
    const { clock, broker, written, notify } = setup(settingsOf());
    void broker.request(bash('ls'));
    clock.advance(10_000);
    notify.keyPressed();
    clock.advance(COALESCE_MS + 2000);
    expect(written).toEqual([]);
    clock.advance(5000);
    expect(oscCount(written)).toBe(1);
  });

  it('hostile names reach the terminal escaped: no ESC, BEL, C0, C1 or bidi control but the framing', () => {
    const hostile = '\u001b]0;pwned\u0007\u009c\u202e\u2066' + 'n'.repeat(10_000);
    const { clock, broker, written } = setup(settingsOf({ desktopAfterMs: 0 }), { env: { TMUX: 'x' } });
    void broker.request({ toolName: hostile, input: { command: hostile }, agent: { name: hostile } });
    clock.advance(COALESCE_MS);
    expect(written).toHaveLength(1);
    const out = written[0]!;
    expect(out.startsWith('\u001bPtmux;\u001b\u001b]9;cco: \\u001b]0;pwned\\u0007\\u009c\\u202e\\u2066')).toBe(true);
    expect(out.endsWith('\u0007\u001b\\')).toBe(true);
    // eslint-disable-next-line no-control-regex
    expect(out.slice('\u001bPtmux;\u001b\u001b]'.length, -3)).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/u);
    expect(out.length).toBeLessThan(260);
  });

  it('notify-send gets the text as arguments, markup made text', async () => {
    const clock = new FakeClock();
    const broker = new Broker({ clock, newId: () => 'c1', timeoutMs: 300_000 });
    const runs: (readonly string[])[] = [];
    const notify = startNotify({
      feed: brokerFeed(broker),
      settings: () => settingsOf({ desktop: 'notify-send', desktopAfterMs: 0 }),
      log: () => {},
      console: false,
      terminal: { write: () => {} },
      env: {},
      clock,
      notifySend: async (args) => void runs.push(args),
    });
    closers.push(
      () => notify.close(),
      () => broker.shutdown(),
    );
    void broker.request(bash('echo "<a href=x>&"', 'a<b>'));
    clock.advance(COALESCE_MS);
    expect(runs).toEqual([['--app-name=cco', '--', 'cco', 'cco: a&lt;b&gt; asks Bash: echo "&lt;a href=x&gt;&amp;"']]);
  });
});

describe('where notify.desktop sends a notice', () => {
  const ctx = (over: Partial<Parameters<typeof desktopRoute>[1]> = {}) => ({ console: true, env: {}, isTTY: true, hasNotifySend: () => true, ...over });
  it.each<[string, NotifySettings['desktop'], Partial<Parameters<typeof desktopRoute>[1]>, ReturnType<typeof desktopRoute>]>([
    ['off', 'off', {}, undefined],
    ['auto in the console: the terminal', 'auto', {}, { kind: 'osc9' }],
    ['auto in the console under foot', 'auto', { env: { TERM: 'foot' } }, { kind: 'osc777' }],
    ['auto headless with a desktop: notify-send', 'auto', { console: false, env: { DISPLAY: ':0' } }, { kind: 'notify-send' }],
    ['auto headless, no desktop session, a terminal: OSC', 'auto', { console: false }, { kind: 'osc9' }],
    [
      'auto headless, stdout a pipe, no notify-send: nothing',
      'auto',
      { console: false, isTTY: false, env: { DISPLAY: ':0' }, hasNotifySend: () => false },
      undefined,
    ],
    ['notify-send missing', 'notify-send', { hasNotifySend: () => false }, undefined],
    ['osc picks by terminal', 'osc', { env: { VTE_VERSION: '7600' } }, { kind: 'osc777' }],
    ['osc9 as asked', 'osc9', { env: { TERM: 'foot' } }, { kind: 'osc9' }],
  ])('%s', (_name, mode, over, route) => {
    expect(desktopRoute(mode, ctx(over))).toEqual(route);
  });
});

/** A loopback HTTP receiver on port 0 that keeps every request. */
async function receiver(answer: (req: IncomingMessage) => number | 'hang' = () => 200) {
  const got: { at: number; url: string; type: string | undefined; body: string }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      got.push({ at: Date.now(), url: req.url ?? '', type: req.headers['content-type'], body });
      const status = answer(req);
      if (status !== 'hang') res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () => new Promise<void>((r) => server.close(() => r())),
    () => server.closeAllConnections(),
  );
  return { got, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function liveSetup(settings: NotifySettings, opts: { deliveryTimeoutMs?: number } = {}) {
  let n = 0;
  const broker = new Broker({ newId: () => `k3f9q${++n}`, timeoutMs: 60_000 });
  const logged: string[] = [];
  const notify = startNotify({
    feed: brokerFeed(broker),
    settings: () => settings,
    log: (level, m) => logged.push(`${level} ${m}`),
    console: false,
    terminal: { write: () => {} },
    env: {},
    coalesceMs: 50,
    ...opts,
  });
  closers.push(
    () => notify.close(),
    () => broker.shutdown(),
  );
  return { broker, logged };
}

describe('the webhook, to a loopback receiver', () => {
  const AFTER = 400;

  it('POSTs only after the delay, once for a burst, with no call content when content is off', async () => {
    const hook = await receiver();
    const { broker } = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/hook`, afterMs: AFTER } }));
    const start = Date.now();
    for (let i = 0; i < 5; i++) void broker.request(bash(`git push --force origin main-${i}`, 'frontend'));
    await waitFor(() => hook.got.length > 0, 5000, 'the webhook POST');
    expect(hook.got[0]!.at - start).toBeGreaterThanOrEqual(AFTER);
    expect(hook.got[0]!.url).toBe('/hook');
    expect(hook.got[0]!.type).toBe('application/json');
    const body = JSON.parse(hook.got[0]!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ source: 'cco', event: 'waiting', waiting: 5, agents: 1 });
    expect(body.calls).toBeUndefined();
    for (const content of ['frontend', 'git push', 'main-', 'Bash', 'k3f9q']) expect(hook.got[0]!.body).not.toContain(content);
    // A later call is a new burst; the first five are not sent again.
    void broker.request(bash('ls'));
    await waitFor(() => hook.got.length > 1, 5000, 'the second POST');
    expect(hook.got).toHaveLength(2);
    expect(JSON.parse(hook.got[1]!.body)).toMatchObject({ waiting: 6 });
  });

  it('sends nothing for a call decided before the delay', async () => {
    const hook = await receiver();
    const { broker } = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/hook`, afterMs: AFTER } }));
    void broker.request(bash('rm -rf /'));
    broker.decide('k3f9q1', { behavior: 'deny' });
    const second = Date.now();
    void broker.request(bash('ls'));
    await waitFor(() => hook.got.length > 0, 5000, 'the POST for the second call');
    expect(hook.got[0]!.at - second).toBeGreaterThanOrEqual(AFTER);
    expect(JSON.parse(hook.got[0]!.body)).toMatchObject({ waiting: 1 });
    broker.decide('k3f9q2', { behavior: 'allow' });
    expect(hook.got).toHaveLength(1);
  });

  it('with content on: Slack text naming the calls, escaped', async () => {
    const hook = await receiver();
    const { broker } = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/services/T/B/x`, afterMs: 50, format: 'slack', content: true } }));
    void broker.request(bash('echo \u001b]0;pwned\u0007', 'api'));
    await waitFor(() => hook.got.length > 0, 5000, 'the POST');
    expect(JSON.parse(hook.got[0]!.body)).toEqual({ text: expect.stringContaining('\n- api Bash: echo \\u001b]0;pwned\\u0007') });
  });

  it('a redirect is not followed: logged, and the notice goes nowhere else', async () => {
    const hook = await receiver(() => 302);
    const { broker, logged } = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/moved`, afterMs: 10 } }));
    void broker.request(bash('ls'));
    await waitFor(() => logged.length > 0, 5000, 'the failure logged');
    expect(logged).toEqual([`warn notify webhook ${hook.url}/… failed: unexpected redirect`]);
    expect(hook.got.map((g) => g.url)).toEqual(['/moved']);
  });

  it('a failing or silent receiver is logged and decides nothing', async () => {
    const hook = await receiver((req) => (req.url === '/hang' ? 'hang' : 500));
    const a = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/fail/secret-path`, afterMs: 10 } }));
    const b = liveSetup(settingsOf({ desktop: 'off', webhook: { url: `${hook.url}/hang`, afterMs: 10 } }), { deliveryTimeoutMs: 200 });
    const pa = a.broker.request(bash('ls'));
    const pb = b.broker.request(bash('ls'));
    await waitFor(() => a.logged.length > 0 && b.logged.length > 0, 5000, 'both failures logged');
    expect(a.logged).toEqual([`warn notify webhook ${hook.url}/…: the receiver answered 500; check notify.webhook.url and notify.webhook.format.`]);
    expect(b.logged).toEqual([`warn notify webhook ${hook.url}/… failed: no answer within 200ms`]);
    // The calls still wait for a person.
    expect(a.broker.snapshot().pending).toHaveLength(1);
    expect(b.broker.snapshot().pending).toHaveLength(1);
    a.broker.decide('k3f9q1', { behavior: 'deny' });
    await expect(pa).resolves.toMatchObject({ behavior: 'deny' });
    b.broker.decide('k3f9q1', { behavior: 'deny' });
    await expect(pb).resolves.toMatchObject({ behavior: 'deny' });
  });
});
