// Browser mode's access token: 32 random bytes, printed in the URL. A request shows it in one of
// these (first found wins): the ?token= query, an `Authorization: Bearer` header, or the cookie the
// server sets when the page was opened with ?token= (so the page's own assets load without it).
import crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function newToken(): string {
  return crypto.randomBytes(32).toString('hex');
}

/** Cookies are shared by every port of a host: the name carries the port, so two servers never clash. */
export function cookieName(port: number): string {
  return `es_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export type TokenSource = 'query' | 'header' | 'cookie';

export function presentedToken(req: IncomingMessage, url: URL, port: number): { token: string; source: TokenSource } | null {
  const q = url.searchParams.get('token');
  if (q !== null) return { token: q, source: 'query' };
  const auth = req.headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return { token: auth.replace(/^Bearer\s+/i, '').trim(), source: 'header' };
  const name = cookieName(port);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return { token: v.join('='), source: 'cookie' };
  }
  return null;
}

/** Constant-time comparison (of digests, so lengths never leak either). */
export function tokenMatches(given: string, expected: string): boolean {
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(expected).digest();
  return crypto.timingSafeEqual(a, b);
}
