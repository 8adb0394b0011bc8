/**
 * The notify part: the escalation ladder after the console's bell. A call still waiting after
 * `notify.desktopAfter` gets a desktop notice (the terminal's OSC 9 / OSC 777, through tmux's
 * passthrough when inside tmux, or `notify-send`); one still waiting after `notify.webhook.after`
 * a webhook POST. The planning (coalescing, delays, the console's quiet keyboard) is
 * core/notify-plan.ts; this part only delivers. A failed delivery is logged and never touches a
 * decision. Closing it stops every timer; a POST under way is abandoned.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Broker } from '../core/broker.js';
import type { PendingCall } from '../core/types.js';
import { systemClock, type Clock } from '../core/clock.js';
import { NotifyPlanner, type Notice, type NotifySchedule } from '../core/notify-plan.js';
import { desktopText, oscKindFor, oscNotification, webhookRequest, type OscKind } from '../core/notify-text.js';
import { showWebhookUrl, type NotifySettings } from '../core/settings.js';
import type { Core } from './core.js';
import type { LiveSettings } from './live-settings.js';
import { errorText, type Log } from './log.js';
import type { Part } from './parts.js';
import type { State } from './state.js';

/** How long a webhook POST or notify-send may take before it is given up. */
export const DELIVERY_TIMEOUT_MS = 5000;

/** What the console feeds: a key was pressed (no notice goes while the person is typing). */
export interface Notifier {
  keyPressed(): void;
}

export interface Terminal {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** The calls that wait for a person, as notices need them: the broker here, or a remote console's snapshot. */
export interface WaitingFeed {
  waiting(): readonly PendingCall[];
  subscribe(on: { waiting(p: PendingCall): void; left(id: string): void }): () => void;
}

/** The broker's waiting calls as a feed. */
export function brokerFeed(broker: Pick<Broker, 'snapshot' | 'onEvent' | 'get'>): WaitingFeed {
  return {
    waiting: () => broker.snapshot().pending,
    subscribe: (on) =>
      broker.onEvent((e) => {
        if (e.type === 'request') {
          if (!e.autoDecided) on.waiting(broker.get(e.id) ?? { id: e.id, call: e.call, receivedAt: e.at, deadline: e.deadline });
        } else on.left(e.id);
      }),
  };
}

export interface NotifyOptions {
  /** Where the waiting calls come from (`brokerFeed(broker)`, or a remote console's). */
  feed: WaitingFeed;
  settings: () => NotifySettings;
  /** Called with a function to run when the settings change; returns how to stop. */
  onSettingsChange?: (replan: () => void) => () => void;
  log: Log;
  /** True for `cco watch` (the terminal is the console's), false for `cco serve`. */
  console: boolean;
  terminal?: Terminal;
  env?: Readonly<Record<string, string | undefined>>;
  clock?: Clock;
  fetch?: typeof fetch;
  /** Runs `notify-send` with its arguments (tests replace it). */
  notifySend?: (args: readonly string[]) => Promise<void>;
  coalesceMs?: number;
  quietMs?: number;
  /** How long a webhook POST may take (default DELIVERY_TIMEOUT_MS). */
  deliveryTimeoutMs?: number;
  /** When a key was last pressed in a console (default: the calls to `keyPressed`). */
  keys?: { lastKeyAt(): number | undefined };
}

export type DesktopRoute = { kind: OscKind } | { kind: 'notify-send' } | undefined;

/**
 * Where `notify.desktop` sends a notice: `auto` is the terminal for the console, and for
 * `cco serve` `notify-send` when it is on PATH with a desktop session, else the terminal when
 * stdout is one, else nowhere.
 */
export function desktopRoute(
  mode: NotifySettings['desktop'],
  ctx: { console: boolean; env: Readonly<Record<string, string | undefined>>; isTTY: boolean; hasNotifySend: () => boolean },
): DesktopRoute {
  switch (mode) {
    case 'off':
      return undefined;
    case 'osc9':
    case 'osc777':
      return { kind: mode };
    case 'osc':
      return { kind: oscKindFor(ctx.env) };
    case 'notify-send':
      return ctx.hasNotifySend() ? { kind: 'notify-send' } : undefined;
    case 'auto': {
      if (ctx.console) return { kind: oscKindFor(ctx.env) };
      const desktop = Boolean(ctx.env.DISPLAY || ctx.env.WAYLAND_DISPLAY || ctx.env.DBUS_SESSION_BUS_ADDRESS);
      if (desktop && ctx.hasNotifySend()) return { kind: 'notify-send' };
      return ctx.isTTY ? { kind: oscKindFor(ctx.env) } : undefined;
    }
  }
}

/** Whether `name` is an executable file in one of PATH's folders. */
export function onPath(name: string, path: string | undefined): boolean {
  for (const dir of (path ?? '').split(delimiter)) {
    if (!dir) continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return true;
    } catch {
      // not here
    }
  }
  return false;
}

/** notify-send's body may be read as markup by the notification server: `<`, `>`, `&` are text. */
const markupText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function runNotifySend(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('notify-send', [...args], { timeout: DELIVERY_TIMEOUT_MS, windowsHide: true }, (error) => (error ? reject(error) : resolve()));
  });
}

/** Logs each kind of problem once (a missing notify-send would otherwise be logged per notice). */
function onceLog(log: Log): (key: string, message: string) => void {
  const warned = new Set<string>();
  return (key, message) => {
    if (warned.has(key)) return;
    warned.add(key);
    log('warn', message);
  };
}

/** The desktop step's delivery: the terminal's OSC, or notify-send, as `notify.desktop` says now. */
function desktopSender(
  opts: NotifyOptions,
  env: Readonly<Record<string, string | undefined>>,
  terminal: Terminal,
  warnOnce: (key: string, message: string) => void,
) {
  const notifySend = opts.notifySend ?? runNotifySend;
  let hasNotifySend: boolean | undefined;
  const route = (): DesktopRoute => {
    const mode = opts.settings().desktop;
    const found = desktopRoute(mode, {
      console: opts.console,
      env,
      isTTY: terminal.isTTY === true,
      hasNotifySend: () => (hasNotifySend ??= opts.notifySend !== undefined || onPath('notify-send', env.PATH)),
    });
    if (!found && mode === 'notify-send')
      warnOnce(
        'notify-send',
        'notify.desktop is "notify-send" but notify-send is not on PATH; no desktop notices are sent (install libnotify, or set notify.desktop to osc).',
      );
    return found;
  };
  return (notice: Notice): void => {
    const to = route();
    if (!to) return;
    const text = desktopText(notice);
    if (to.kind === 'notify-send') {
      notifySend(['--app-name=cco', '--', text.title, markupText(text.body)]).catch((error: unknown) =>
        warnOnce('notify-send-failed', `notify-send failed (desktop notices may not show): ${errorText(error)}`),
      );
      return;
    }
    terminal.write(oscNotification(text, to.kind, Boolean(env.TMUX)));
  };
}

/** The webhook step's delivery: one POST, bounded in time; failures are logged, with the URL's origin only. */
function webhookSender(opts: NotifyOptions) {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.deliveryTimeoutMs ?? DELIVERY_TIMEOUT_MS;
  const aborts = new Set<AbortController>();
  const send = (notice: Notice): void => {
    const { url, format, content } = opts.settings().webhook;
    if (url === undefined) return;
    const request = webhookRequest(notice, url, format, content);
    const abort = new AbortController();
    aborts.add(abort);
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs}ms`)), timeoutMs);
    timer.unref();
    const where = showWebhookUrl(url).replace(/ \(set\)$/, '');
    doFetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: JSON.stringify(request.body),
      signal: abort.signal,
      // A redirect could take the notice somewhere the person did not name.
      redirect: 'error',
    })
      .then(async (res) => {
        await res.body?.cancel().catch(() => {});
        if (!res.ok) opts.log('warn', `notify webhook ${where}: the receiver answered ${res.status}; check notify.webhook.url and notify.webhook.format.`);
      })
      .catch((error: unknown) => opts.log('warn', `notify webhook ${where} failed: ${failureText(abort.signal, error)}`))
      .finally(() => {
        clearTimeout(timer);
        aborts.delete(abort);
      });
  };
  return { send, abortAll: () => aborts.forEach((a) => a.abort(new Error('cco stopped'))) };
}

function failureText(signal: AbortSignal, error: unknown): string {
  if (signal.aborted) return (signal.reason as Error | undefined)?.message ?? 'stopped';
  if (!(error instanceof Error)) return String(error);
  // fetch says "fetch failed"; the reason (ECONNREFUSED, a redirect refused) is its cause.
  return (error.cause as Error | undefined)?.message ?? error.message;
}

const scheduleOf = (s: NotifySettings): NotifySchedule => ({
  desktop: { on: s.desktop !== 'off', afterMs: s.desktopAfterMs },
  webhook: { on: s.webhook.url !== undefined, afterMs: s.webhook.afterMs },
});

/** Start notifying; returns the console's key feed and how to stop. */
export function startNotify(opts: NotifyOptions): Notifier & { close(): void } {
  const clock = opts.clock ?? systemClock;
  const desktop = desktopSender(opts, opts.env ?? process.env, opts.terminal ?? process.stdout, onceLog(opts.log));
  const webhook = webhookSender(opts);
  let lastKey: number | undefined;
  const planner = new NotifyPlanner({
    clock,
    schedule: () => scheduleOf(opts.settings()),
    keys: opts.keys ?? { lastKeyAt: () => lastKey },
    send: (notice) => (notice.step === 'desktop' ? desktop(notice) : webhook.send(notice)),
    onError: (error) => opts.log('error', `notify: ${errorText(error)}`),
    ...(opts.coalesceMs !== undefined ? { coalesceMs: opts.coalesceMs } : {}),
    ...(opts.quietMs !== undefined ? { quietMs: opts.quietMs } : {}),
  });
  for (const p of opts.feed.waiting()) planner.waiting(p);
  const unsubscribe = opts.feed.subscribe({ waiting: (p) => planner.waiting(p), left: (id) => planner.left(id) });
  const stopWatching = opts.onSettingsChange?.(() => planner.replan());
  return {
    keyPressed: () => {
      lastKey = clock.now();
    },
    close: () => {
      unsubscribe();
      stopWatching?.();
      planner.close();
      webhook.abortAll();
    },
  };
}

/** The part: notices for the broker's waiting calls, with the settings in force. */
export function openNotify(state: State, settings: LiveSettings, { broker, presence }: Core, output: { console: boolean }): Part<Notifier> {
  const notify = startNotify({
    feed: brokerFeed(broker),
    // Keys pressed in any console, this process's or a remote one, hold the notices.
    keys: { lastKeyAt: () => presence.view().lastActiveAt },
    settings: () => settings.current().notify,
    onSettingsChange: (replan) => settings.onChange(replan),
    log: state.log,
    console: output.console,
  });
  return { value: { keyPressed: notify.keyPressed }, close: () => notify.close() };
}
