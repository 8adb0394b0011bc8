/**
 * What a notice says and how it is framed: the desktop text, the terminal's OSC sequence (inside
 * tmux wrapped for its passthrough), and the webhook's request body for ntfy, Slack or plain JSON.
 * Everything an agent sent (its label, the tool's name, the summary) is escaped by escape.ts
 * (through the summary functions) and cut short; the OSC framing escapes once more, so no control
 * character can reach the terminal inside a notice. Pure: no I/O.
 */
import { formatDuration } from './duration.js';
import { escapeText } from './escape.js';
import type { Notice } from './notify-plan.js';
import type { WebhookFormat } from './settings.js';
import { agentLabel, oneLine, summarizeInput } from './summary.js';
import type { PendingCall } from './types.js';

export type OscKind = 'osc9' | 'osc777';

/** The longest desktop body, and the longest line about one call in a webhook with content. */
export const MAX_DESKTOP_TEXT = 200;
export const MAX_CALL_LINE = 160;
/** How many calls a webhook with content lists. */
export const MAX_CALLS_LISTED = 5;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** `api Bash: git push`, escaped and bounded. */
export function callLine(p: PendingCall, max = MAX_CALL_LINE): string {
  return oneLine(`${agentLabel(p.call.agent)} ${oneLine(p.call.toolName, 40)}: ${summarizeInput(p.call, max)}`, max);
}

function agentCount(waiting: readonly PendingCall[]): number {
  return new Set(waiting.map((p) => agentLabel(p.call.agent))).size;
}

const oldestMs = (n: Notice) => Math.max(0, ...n.waiting.map((p) => n.at - p.receivedAt));

/**
 * The desktop notice: `cco: api asks Bash: git push`, or `cco: 5 asks from 3 agents, oldest 12s;
 * new: api Bash: git push (+4 more)` (the counts are of every waiting call, the call named is the
 * first of this burst). It starts with `cco:`, never a digit (a terminal reading OSC 9 as ConEmu's
 * numbered commands would take `9;5` for one).
 */
export function desktopText(n: Notice): { title: string; body: string } {
  // The call named is the first of this notice's burst (the others were announced before).
  const first = n.calls[0] ?? n.waiting[0];
  if (!first) return { title: 'cco', body: 'cco: a call is waiting' };
  const count = n.waiting.length;
  const body =
    count <= 1
      ? `cco: ${agentLabel(first.call.agent)} asks ${oneLine(first.call.toolName, 40)}: ${summarizeInput(first.call, 120)}`
      : `cco: ${plural(count, 'ask')} from ${plural(agentCount(n.waiting), 'agent')}, oldest ${formatDuration(oldestMs(n))}; new: ${callLine(first, 120)}${n.calls.length > 1 ? ` (+${n.calls.length - 1} more)` : ''}`;
  return { title: 'cco', body: oneLine(body, MAX_DESKTOP_TEXT) };
}

/** Text for inside an OSC: escaped, no `;` where the sequence separates fields. */
const oscField = (text: string, max: number) => escapeText(oneLine(text, max));

/**
 * The terminal's notification: OSC 9 (`ESC ] 9 ; text BEL`: iTerm2, WezTerm, kitty, Ghostty) or
 * OSC 777 (`ESC ] 777 ; notify ; title ; body BEL`: foot, VTE terminals, urxvt). Inside tmux it is
 * wrapped in tmux's passthrough (`ESC P tmux; … ESC \`, every ESC inside doubled), which tmux
 * forwards to the outer terminal when `allow-passthrough` is on.
 */
export function oscNotification(text: { title: string; body: string }, kind: OscKind, tmux: boolean): string {
  const body = oscField(text.body, MAX_DESKTOP_TEXT);
  const osc = kind === 'osc9' ? `\u001b]9;${body}\u0007` : `\u001b]777;notify;${oscField(text.title, 40).replace(/;/g, ',')};${body}\u0007`;
  return tmux ? `\u001bPtmux;${osc.replace(/\u001b/g, '\u001b\u001b')}\u001b\\` : osc;
}

/**
 * Which OSC the terminal understands, from its environment: OSC 777 for foot, VTE terminals
 * (GNOME Terminal, Tilix) and urxvt, OSC 9 otherwise (iTerm2, WezTerm, kitty, Ghostty; others
 * ignore it). Inside tmux these variables are those of where tmux started, the best there is.
 */
export function oscKindFor(env: Readonly<Record<string, string | undefined>>): OscKind {
  const term = env.TERM ?? '';
  const osc9 =
    /iTerm|WezTerm|ghostty/i.test(env.TERM_PROGRAM ?? '') ||
    Boolean(env.KITTY_WINDOW_ID || env.WEZTERM_PANE || env.ITERM_SESSION_ID || env.GHOSTTY_RESOURCES_DIR);
  if (!osc9 && (term.startsWith('foot') || term.startsWith('rxvt') || env.VTE_VERSION)) return 'osc777';
  return 'osc9';
}

/** The webhook's text: content-free (counts and the wait) unless `content`, then this burst's calls too. */
export function webhookText(n: Notice, content: boolean): string {
  const count = n.waiting.length;
  const head = `cco: ${plural(count, 'call')} ${count === 1 ? 'is' : 'are'} waiting for a decision (${plural(agentCount(n.waiting), 'agent')}; the oldest for ${formatDuration(oldestMs(n))}).`;
  if (!content) return head;
  const lines = n.calls.slice(0, MAX_CALLS_LISTED).map((p) => `- ${callLine(p)}`);
  if (n.calls.length > MAX_CALLS_LISTED) lines.push(`- and ${n.calls.length - MAX_CALLS_LISTED} more`);
  return [head, ...lines].join('\n');
}

/** A webhook request: where it goes, its headers and its JSON body. */
export interface WebhookRequest {
  url: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** `https://user:pass@host/…` becomes the URL without them and a Basic authorization (fetch refuses URLs with credentials). */
function withoutCredentials(url: URL): { url: URL; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!url.username && !url.password) return { url, headers };
  const user = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  headers.authorization = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(user)))}`;
  const bare = new URL(url.href);
  bare.username = '';
  bare.password = '';
  return { url: bare, headers };
}

/** The format `auto` means for a URL: Slack's and ntfy.sh's hosts are known, anything else is JSON. */
export function webhookFormatFor(url: URL, format: WebhookFormat): Exclude<WebhookFormat, 'auto'> {
  if (format !== 'auto') return format;
  if (url.hostname === 'hooks.slack.com') return 'slack';
  if (url.hostname === 'ntfy.sh') return 'ntfy';
  return 'json';
}

/**
 * The request for a notice. ntfy: the topic URL's last path segment is the topic, and the JSON is
 * posted to the server's root (ntfy's JSON publishing; a user and password in the URL are sent
 * as Basic authorization, as ntfy's access control takes them). Slack: `{"text": …}` to the incoming
 * webhook. JSON: counts, the text, and the calls only with `content`.
 */
export function webhookRequest(n: Notice, target: string, format: WebhookFormat, content: boolean): WebhookRequest {
  const { url, headers } = withoutCredentials(new URL(target));
  const text = webhookText(n, content);
  const kind = webhookFormatFor(url, format);
  if (kind === 'slack') return { url: url.href, headers, body: { text } };
  if (kind === 'ntfy') {
    const parts = url.pathname.split('/');
    const topic = decodeURIComponent(parts.pop() ?? '');
    const root = new URL(url.href);
    root.pathname = `${parts.join('/')}/`;
    root.search = '';
    return { url: root.href, headers, body: { topic, title: 'cco: calls are waiting', message: text, tags: ['hourglass'], priority: 4 } };
  }
  const body: Record<string, unknown> = {
    source: 'cco',
    event: 'waiting',
    text,
    waiting: n.waiting.length,
    agents: agentCount(n.waiting),
    oldestWaitingMs: oldestMs(n),
  };
  if (content) {
    body.calls = n.calls.slice(0, MAX_CALLS_LISTED).map((p) => ({
      id: escapeText(p.id),
      agent: agentLabel(p.call.agent),
      tool: oneLine(p.call.toolName, 40),
      summary: summarizeInput(p.call, MAX_CALL_LINE),
      waitingMs: n.at - p.receivedAt,
    }));
  }
  return { url: url.href, headers, body };
}
