import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Database, NotificationSubscription, Queryable } from '@engram/db';

export type Invalidation =
  | { kind: 'key'; hash: string }
  | { kind: 'tenant'; id: string }
  | { kind: 'keys_exist' }
  /** Everything may be stale (a missed notification): drop all cached entries. */
  | { kind: 'all' };

const CHANNEL = 'engram_auth_invalidate';

/**
 * Tells every replica to drop cached auth state (keys, tenants) through Postgres LISTEN/NOTIFY.
 * The notification is sent inside the writer's transaction, so replicas hear it only if the
 * change committed; it is per database, so replicas sharing a database hear each other and
 * nothing else. A missed message is covered by the caches' short TTL, and a reconnection
 * drops every cache outright.
 */
@Injectable()
export class InvalidationBus implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('InvalidationBus');
  private readonly handlers = new Set<(message: Invalidation) => void>();
  private subscription: NotificationSubscription | null = null;

  constructor(private readonly db: Database) {}

  onModuleInit(): void {
    this.subscription = this.db.listen(
      CHANNEL,
      (payload) => {
        try {
          this.deliver(JSON.parse(payload) as Invalidation);
        } catch {
          this.logger.warn('ignored a malformed invalidation message');
        }
      },
      () => this.deliver({ kind: 'all' }),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscription?.close();
  }

  subscribe(handler: (message: Invalidation) => void): void {
    this.handlers.add(handler);
  }

  /** Applies locally at once and notifies other replicas when `tx` commits. */
  async publish(tx: Queryable, message: Invalidation): Promise<void> {
    await tx.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify(message)]);
    this.deliver(message);
  }

  private deliver(message: Invalidation): void {
    for (const handler of this.handlers) {
      handler(message);
    }
  }
}
