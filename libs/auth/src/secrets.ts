import { createHash, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison that does not leak the expected secret's length either. */
export function secretEquals(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/** Reads `Authorization: Bearer <token>`; undefined when absent, null when malformed. */
export function bearerToken(header: string | string[] | undefined): string | undefined | null {
  if (header === undefined) {
    return undefined;
  }
  if (Array.isArray(header)) {
    return null;
  }
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : null;
}

/** A single header value; a repeated header is treated as malformed (null). */
export function singleHeader(header: string | string[] | undefined): string | undefined | null {
  if (Array.isArray(header)) {
    return null;
  }
  return header;
}

export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
