/** The values the `notify.*` settings take, and how a webhook URL is checked and shown. Pure. */

/** How the desktop step reaches the person: see notify-text.ts and app/notify.ts. */
export type DesktopNotify = 'off' | 'auto' | 'osc' | 'osc9' | 'osc777' | 'notify-send';
export const DESKTOP_NOTIFY: readonly DesktopNotify[] = ['off', 'auto', 'osc', 'osc9', 'osc777', 'notify-send'];

export type WebhookFormat = 'auto' | 'ntfy' | 'slack' | 'json';
export const WEBHOOK_FORMATS: readonly WebhookFormat[] = ['auto', 'ntfy', 'slack', 'json'];

/**
 * A problem with a webhook URL, as a sentence, or undefined when it is usable: http(s) only, with
 * a host, and for ntfy a topic.
 */
export function webhookUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `it is not a URL (got ${JSON.stringify(text)}); use e.g. https://ntfy.sh/your-topic or a Slack incoming-webhook URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `it must be an http:// or https:// URL (got ${JSON.stringify(url.protocol)})`;
  if (!url.hostname) return 'it has no host';
  return undefined;
}

/** A webhook URL as `cco config list` and cco's log show it: the origin only (the rest is often a secret). */
export function showWebhookUrl(text: string | undefined): string {
  if (text === undefined) return '(none)';
  try {
    return `${new URL(text).origin}/… (set)`;
  } catch {
    return '(set)';
  }
}
