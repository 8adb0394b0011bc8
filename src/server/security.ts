import { createHash, timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function hostnameOf(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  const colon = hostHeader.lastIndexOf(':');
  return (colon === -1 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

/**
 * DNS-rebinding protection: a page in the user's browser may reach 127.0.0.1, but its requests
 * carry its own Host and Origin. Only names of this machine's loopback (or the bound host) pass.
 */
export function hostGuard(boundHost: string): MiddlewareHandler {
  const allowed = new Set(LOOPBACK);
  allowed.add(boundHost.toLowerCase());
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

export function bearerAuth(token: string): MiddlewareHandler {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const m = /^Bearer\s+(.+)$/i.exec(header);
    if (!tokenMatches(m?.[1]?.trim(), token)) {
      return c.json(
        {
          error: {
            code: 'unauthorized',
            message: 'Missing or wrong bearer token. Use the token in cco\'s server file (the cco commands read it for you).',
          },
        },
        401,
      );
    }
    await next();
  };
}
