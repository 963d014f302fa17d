import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Constant-time comparison; hashing first makes both sides the same length. */
export function tokenMatches(expected: string, given: string | undefined | null): boolean {
  if (!given) return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

export const COOKIE = 'vigil_token';

/** The token a request carries: `Authorization: Bearer`, else the session cookie, else `?token=` on a page load. */
export function tokenOf(
  headers: Record<string, string | string[] | undefined>,
  query: unknown,
): string | null {
  const auth = headers.authorization;
  // An empty bearer falls through to the cookie (a second tab opened on the bare address).
  const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7).trim() : '';
  if (bearer) return bearer;
  const cookie = typeof headers.cookie === 'string' ? headers.cookie : '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === COOKIE) return decodeURIComponent(v.join('='));
  }
  const q = query as { token?: unknown } | null;
  return typeof q?.token === 'string' ? q.token : null;
}
