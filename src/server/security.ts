import { createHash, timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { MiddlewareHandler } from 'hono';
import { UserError } from '../core/errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Off loopback, anyone who can reach the port could answer tool calls: a token is required. */
export function requireTokenOffLoopback(host: string, token: string | undefined): void {
  if (token || isLoopback(host)) return;
  throw new UserError(
    `Refusing to listen on ${host} without a token: anyone who can reach that address could answer your agents' tool calls. ` +
      'Set one with CCO_TOKEN=$(openssl rand -hex 32) (or --token, or `cco config set token …`), or listen on loopback with --host 127.0.0.1.',
  );
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

const WILDCARD = new Set(['0.0.0.0', '::', '[::]', '']);

const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);

/**
 * The host names a request may carry: loopback, the bound address, and the names given with
 * --allow-host. Bound to every interface (0.0.0.0 or ::), also this machine's own addresses and
 * host name, since those are the names clients on the network use.
 */
export function allowedHosts(boundHost: string, extra: readonly string[] = []): Set<string> {
  const allowed = new Set(LOOPBACK);
  allowed.add(bracket(boundHost.toLowerCase()));
  for (const h of extra) allowed.add(bracket(h.toLowerCase()));
  if (WILDCARD.has(boundHost)) {
    const name = hostname().toLowerCase();
    allowed.add(name);
    allowed.add(`${name}.local`);
    for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) allowed.add(bracket(a.address.toLowerCase()));
  }
  return allowed;
}

/**
 * DNS-rebinding protection: a page in the user's browser may reach 127.0.0.1, but its requests
 * carry its own Host and Origin. Only names of this machine's loopback (or the bound host, or
 * names allowed with --allow-host) pass, on every route. No CORS headers are ever sent, so a
 * browser never lets a page read an answer or send an Authorization header.
 */
export function hostGuard(boundHost: string, extraHosts: readonly string[] = []): MiddlewareHandler {
  const allowed = allowedHosts(boundHost, extraHosts);
  const ok = (h: string) => allowed.has(h) || isLoopback(h);
  return async (c, next) => {
    const host = c.req.header('host');
    if (host !== undefined && !ok(hostnameOf(host))) {
      return c.json({ error: { code: 'forbidden_host', message: `Host "${host}" is not allowed.` } }, 403);
    }
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== 'null') {
      let originHost: string;
      try {
        originHost = new URL(origin).hostname.toLowerCase();
      } catch {
        originHost = '';
      }
      if (!ok(originHost) && !ok(`[${originHost}]`)) {
        return c.json({ error: { code: 'forbidden_origin', message: `Origin "${origin}" is not allowed.` } }, 403);
      }
    } else if (origin === 'null') {
      return c.json({ error: { code: 'forbidden_origin', message: 'Opaque origins are not allowed.' } }, 403);
    }
    await next();
  };
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Constant-time comparison of a presented bearer token with the expected one. */
export function tokenMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  return timingSafeEqual(digest(presented), digest(expected));
}

/**
 * Require `Authorization: Bearer <token>`. The API answers in its own error shape; `/mcp` answers
 * with a JSON-RPC error, as an MCP client expects.
 */
export function bearerAuth(token: string, shape: 'api' | 'jsonrpc' | 'hook' = 'api'): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!tokenMatches(m?.[1]?.trim(), token)) {
      c.header('WWW-Authenticate', 'Bearer realm="cco"');
      if (shape === 'jsonrpc') {
        return c.json(
          {
            jsonrpc: '2.0',
            error: {
              code: -32001,
              message:
                'Unauthorized: this cco requires "Authorization: Bearer <token>". Register it with `cco setup` (which adds the header) or `claude mcp add --header "Authorization: Bearer <token>"`.',
            },
            id: null,
          },
          401,
        );
      }
      if (shape === 'hook') {
        return c.json(
          {
            error: {
              code: 'unauthorized',
              message:
                'Missing or wrong bearer token: this cco requires "Authorization: Bearer <token>" on its hooks. `cco setup --hooks` (or `cco run --via hooks`) adds the header.',
            },
          },
          401,
        );
      }
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message: "Missing or wrong bearer token. Use the token in cco's server file (the cco commands read it for you).",
          },
        },
        401,
      );
    }
    await next();
  };
}
