import type { FastifyRequest } from 'fastify';
import { isLoopbackHost } from '@engram/config';
import { Secret, bearerToken } from './secrets';

/**
 * Who may read a scrape endpoint without an ordinary credential. With METRICS_TOKEN set, a
 * request bearing it; without one, anybody when the server listens on loopback only. Everyone
 * else goes through authentication and needs the route's permission (metrics:read).
 */
export class ScrapeAccess {
  private readonly token: Secret | undefined;
  private readonly openOnLoopback: boolean;

  constructor(token: string | undefined, host: string) {
    this.token = token === undefined ? undefined : new Secret(token);
    this.openOnLoopback = token === undefined && isLoopbackHost(host);
  }

  /** A credential is required: an anonymous caller (open local mode) is not enough. */
  get requiresCredential(): boolean {
    return !this.openOnLoopback;
  }

  admits(request: FastifyRequest): boolean {
    if (this.token === undefined) {
      return this.openOnLoopback;
    }
    const given = bearerToken(request.headers.authorization);
    return typeof given === 'string' && this.token.matches(given);
  }
}
