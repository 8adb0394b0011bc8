/**
 * Who is calling the decision API. Every `/api/*` request passes `apiAuth` first: it accepts the
 * per-start token of the server file (the person at this machine) or a named token
 * (`cco token add`), and sets the caller's Identity on the Hono context, where every route handler
 * reads it with `c.get('identity')` (type `ApiEnv`). A route that decides checks the limits with
 * `refuseUnless(c, action)` before acting. The agents' `/mcp` token never opens `/api`.
 */
import type { Context, MiddlewareHandler } from 'hono';
import { reservedName, tokenRefusal, type Identity, type TokenAction, type TokenLookup } from '../core/people.js';
import { tokenMatches } from './security.js';

export type { Identity } from '../core/people.js';

/** The Hono environment of the decision API's routes: the authenticated caller. */
export type ApiEnv = { Variables: { identity: Identity; stillValid: () => boolean } };

export interface ApiAuthOptions {
  /** The per-start token (server file). */
  apiToken: string;
  /** The name the per-start token decides as (the OS user, else "local"). */
  localPerson: string;
  /** The named tokens; without it only the per-start token opens the API. */
  lookup?: (presented: string) => TokenLookup;
  /** The agents' `/mcp` token, to say plainly why it is refused here. */
  mcpToken?: string;
}

const refuse = (c: Context, status: 401 | 403, code: string, message: string) => {
  if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="cco"');
  return c.json({ error: { code, message } }, status);
};

export const UNKNOWN_TOKEN =
  "This token is not known to this cco (revoked or mistyped); make one with `cco token add NAME` on the cco host, or use the server file's token there (the cco commands read it for you).";
export const MCP_TOKEN_ON_API =
  "This is the agents' /mcp token: it never opens the decision API, so an agent cannot approve its own calls. Use a named token (`cco token add NAME`) or the server file's token.";

const reservedNameRefusal = (name: string) =>
  `The token named "${name}" in cco's tokens file is refused: that name is cco's own word or the person at this machine's, so the audit log could not tell them apart. Revoke it (\`cco token rm ${name}\`) and make one under another name.`;

/** The decision API's door (see the file's comment). */
export function apiAuth(opts: ApiAuthOptions): MiddlewareHandler<ApiEnv> {
  const local: Identity = { person: opts.localPerson, limits: {}, local: true };
  return async (c, next) => {
    const m = /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '');
    const presented = m?.[1]?.trim();
    if (!presented) {
      return refuse(
        c,
        401,
        'unauthorized',
        'Missing bearer token: send "Authorization: Bearer <token>" with the server file\'s token (the cco commands read it for you) or a named token (`cco token add NAME`).',
      );
    }
    let identity: Identity | undefined;
    if (tokenMatches(presented, opts.apiToken)) identity = local;
    else if (opts.mcpToken !== undefined && tokenMatches(presented, opts.mcpToken)) return refuse(c, 401, 'unauthorized', MCP_TOKEN_ON_API);
    else if (opts.lookup) {
      const found = opts.lookup(presented);
      if ('broken' in found) return refuse(c, 401, 'tokens_file_broken', `Named tokens are refused until cco's tokens file is fixed: ${found.broken}`);
      if ('identity' in found) identity = found.identity;
      // A hand-edited tokens file may hold a name `cco token add` refuses: it must not pass for the person at the machine, or for cco.
      if (identity && reservedName(identity.person, opts.localPerson)) return refuse(c, 401, 'reserved_name', reservedNameRefusal(identity.person));
    }
    if (!identity) return refuse(c, 401, 'unauthorized', UNKNOWN_TOKEN);
    c.set('identity', identity);
    // A long request (an event stream) asks again now and then: a token revoked meanwhile ends it.
    const lookup = opts.lookup;
    const person = identity.person;
    c.set(
      'stillValid',
      identity.local || !lookup
        ? () => true
        : () => {
            const again = lookup(presented);
            return 'identity' in again && again.identity.person === person;
          },
    );
    await next();
  };
}

/**
 * A `403` naming the limit when the caller's token may not do `action`, else undefined. Fails
 * closed: a route reached without apiAuth has no identity and is refused, and so is a token
 * revoked since its request came in (`401`).
 */
export function refuseUnless(c: Context<ApiEnv>, action: TokenAction): Response | undefined {
  const identity = c.get('identity') as Identity | undefined;
  if (!identity) return refuse(c, 401, 'unauthorized', UNKNOWN_TOKEN);
  // Asked again after a slow body too: a token revoked while its request arrived decides nothing.
  const stillValid = c.get('stillValid') as (() => boolean) | undefined;
  if (stillValid && !stillValid()) return refuse(c, 401, 'unauthorized', UNKNOWN_TOKEN);
  const why = tokenRefusal(identity, action);
  return why === undefined ? undefined : refuse(c, 403, 'forbidden_by_token', why);
}
