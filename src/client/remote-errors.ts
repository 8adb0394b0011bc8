/** The remote console's words for what went wrong: a refused stream, a broken connection. */
import { escapeText } from '../core/escape.js';
import { UserError } from '../core/errors.js';

export const firstSentence = (text: string) => (/^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text).replace(/[.!?]$/, '');

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error && cause.message && cause.message !== error.message ? `: ${cause.message}` : '';
    return `${error.message}${detail}`;
  }
  return String(error);
}

/** The server refused the stream: say why, in a way the person can act on. */
export async function refusal(res: Response, url: string): Promise<UserError> {
  let message = '';
  try {
    const body = (await res.json()) as { error?: { message?: string } };
    message = typeof body.error?.message === 'string' ? body.error.message : '';
  } catch {
    // No JSON body: the status says enough.
  }
  const said = message ? `: ${escapeText(message.slice(0, 500)).replace(/\.$/, '')}` : '';
  if (res.status === 401)
    return new UserError(`${url} refused the token (HTTP 401)${said}. Set CCO_API_TOKEN to a token of that cco (\`cco token add NAME\` there).`, 2);
  if (res.status === 403) return new UserError(`${url} does not let this token watch (HTTP 403)${said}.`, 2);
  if (res.status === 404) return new UserError(`${url} has no console stream (HTTP 404): is it a cco server of this version?`, 2);
  return new UserError(`${url} refused the console stream (HTTP ${res.status})${said}.`, 2);
}
