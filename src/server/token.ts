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

/**
 * The page cookie's name. Browsers send a 127.0.0.1 cookie to every port of that host, so the
 * name carries this server's port (two Vigils keep theirs apart) and its value is never the API
 * token: another local server that receives it can load the app's pages and media, not call it.
 */
export const pageCookieName = (port: number) => `vigil_page_${port}`;

/** `Authorization: Bearer <token>` (the scheme matched case-insensitively, as RFC 9110 says). */
export function bearerOf(headers: Record<string, string | string[] | undefined>): string | null {
  const auth = headers.authorization;
  const m = typeof auth === 'string' ? /^bearer\s+(\S+)\s*$/i.exec(auth) : null;
  return m ? m[1]! : null;
}

export function cookieOf(
  headers: Record<string, string | string[] | undefined>,
  name: string,
): string | null {
  const cookie = typeof headers.cookie === 'string' ? headers.cookie : '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export function queryTokenOf(query: unknown): string | null {
  const q = query as { token?: unknown } | null;
  return typeof q?.token === 'string' ? q.token : null;
}
