import { createHash, timingSafeEqual } from 'node:crypto';

/** A configured secret, hashed once at start so each request hashes only what it was given. */
export class Secret {
  private readonly digest: Buffer;

  constructor(value: string) {
    this.digest = createHash('sha256').update(value).digest();
  }

  /** Constant-time comparison that does not leak the secret's length either. */
  matches(given: string): boolean {
    return timingSafeEqual(createHash('sha256').update(given).digest(), this.digest);
  }
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

/** The headers that carry credentials; each may appear at most once in a request. */
export const CREDENTIAL_HEADERS: readonly string[] = ['authorization', 'x-api-key', 'x-engram-key', 'x-machine-token'];

/**
 * The first credential header that appears more than once on the wire, or undefined. Read from
 * the raw header lines because node's parser keeps only the first `Authorization` and joins
 * repeated custom headers with ", ": neither lets the parsed headers show a duplicate reliably.
 */
export function repeatedCredentialHeader(rawHeaders: readonly string[] | undefined): string | undefined {
  if (rawHeaders === undefined) {
    return undefined;
  }
  const seen = new Set<string>();
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (!CREDENTIAL_HEADERS.includes(name)) {
      continue;
    }
    if (seen.has(name)) {
      return name;
    }
    seen.add(name);
  }
  return undefined;
}

export const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
