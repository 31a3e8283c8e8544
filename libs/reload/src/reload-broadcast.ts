import { Logger } from '@nestjs/common';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { z } from 'zod';
import { Database } from '@engram/db';

/** What a replica says after loading a file; the others reload theirs unless they hold that hash. */
export interface ReloadAnnouncement {
  origin: string;
  version: string;
  hash: string;
}

const announcementSchema = z.object({
  origin: z.string(),
  version: z.string(),
  hash: z.string().regex(/^[0-9a-f]{16}$/),
});

export type AnnouncementHandler = (announcement: ReloadAnnouncement) => void;

/**
 * Tells the other replicas that a hot-reloaded file changed. Delivery is best effort on purpose: a
 * replica that misses a message still finds the change by polling the file.
 */
export interface ReloadBroadcast {
  readonly transport: 'redis' | 'postgres' | 'none';
  start(onAnnouncement: AnnouncementHandler): Promise<void>;
  publish(announcement: ReloadAnnouncement): Promise<void>;
  close(): Promise<void>;
}

const logger = new Logger('ReloadBroadcast');
const CONNECT_WAIT_MS = 3000;

function parseAnnouncement(raw: string): ReloadAnnouncement | null {
  try {
    const parsed = announcementSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Embedded single process: there is nobody to tell. */
export class NoReloadBroadcast implements ReloadBroadcast {
  readonly transport = 'none' as const;
  async start(): Promise<void> {}
  async publish(): Promise<void> {}
  async close(): Promise<void> {}
}

/** Redis pub/sub on a channel under `<QUEUE_PREFIX>:`, so deployments sharing a Redis stay apart. */
export class RedisReloadBroadcast implements ReloadBroadcast {
  readonly transport = 'redis' as const;
  private readonly subscriber: IORedis;
  private readonly publisher: IORedis;

  constructor(
    redisUrl: string,
    private readonly channel: string,
  ) {
    // The subscriber waits out outages and resubscribes by itself; the publisher fails fast.
    this.subscriber = new IORedis(redisUrl, {
      maxRetriesPerRequest: null,
      retryStrategy: (n) => Math.min(n * 500, 5000),
    });
    this.publisher = new IORedis(redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: 2000,
      connectTimeout: 2000,
      retryStrategy: (n) => Math.min(n * 200, 2000),
    });
    this.subscriber.on('error', (error) => logger.warn(`redis (subscriber): ${error.message}`));
    this.publisher.on('error', (error) => logger.warn(`redis (publisher): ${error.message}`));
  }

  async start(onAnnouncement: AnnouncementHandler): Promise<void> {
    this.subscriber.on('message', (channel: string, message: string) => {
      const announcement = channel === this.channel ? parseAnnouncement(message) : null;
      if (announcement) {
        onAnnouncement(announcement);
      }
    });
    // Subscribing between connect and ready races ioredis's ready check, so wait for ready; but
    // boot does not wait on Redis for long: polling covers a replica that is not subscribed yet.
    const subscribe = () =>
      this.subscriber
        .subscribe(this.channel)
        .catch((error: Error) => logger.warn(`cannot subscribe to ${this.channel}: ${error.message}`));
    if (this.subscriber.status === 'ready') {
      await subscribe();
      return;
    }
    const ready = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), CONNECT_WAIT_MS);
      timer.unref();
      this.subscriber.once('ready', () => {
        clearTimeout(timer);
        resolve(true);
      });
    });
    if (ready) {
      await subscribe();
    } else {
      logger.warn(`Redis not ready; will subscribe to ${this.channel} when it answers`);
      this.subscriber.once('ready', () => void subscribe());
    }
  }

  async publish(announcement: ReloadAnnouncement): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(announcement));
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    this.publisher.disconnect();
  }
}

/**
 * LISTEN/NOTIFY for deployments without Redis; NOTIFY is scoped to the database, as replicas are.
 * The listener has a session of its own on Postgres itself (DATABASE_DIRECT_URL behind PgBouncer,
 * which in transaction mode would hand the LISTEN's server connection to other clients).
 */
export class PostgresReloadBroadcast implements ReloadBroadcast {
  readonly transport = 'postgres' as const;
  private client: Client | null = null;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private onAnnouncement: AnnouncementHandler = () => undefined;

  /** `channel` is a plain identifier (it is spliced into LISTEN). */
  constructor(
    private readonly db: Database,
    private readonly channel: string,
  ) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
      throw new Error(`not a channel name: ${channel}`);
    }
  }

  async start(onAnnouncement: AnnouncementHandler): Promise<void> {
    this.onAnnouncement = onAnnouncement;
    await this.listen();
  }

  async publish(announcement: ReloadAnnouncement): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [this.channel, JSON.stringify(announcement)]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.db.sessionUrl, application_name: 'engram-reload-listener' });
    this.client = client;
    client.on('notification', (message) => {
      const announcement = message.channel === this.channel ? parseAnnouncement(message.payload ?? '') : null;
      if (announcement) {
        this.onAnnouncement(announcement);
      }
    });
    // A dropped listener session would otherwise crash the process and stop the announcements.
    client.on('error', (error) => {
      logger.warn(`listener connection failed: ${error.message}`);
      this.reconnect(client);
    });
    client.on('end', () => this.reconnect(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      logger.warn(`cannot listen on ${this.channel}: ${(error as Error).message}`);
      this.reconnect(client);
    }
  }

  private reconnect(failed: Client): void {
    if (this.closed || this.reconnectTimer || failed !== this.client) {
      return;
    }
    void failed.end().catch(() => undefined);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.listen();
    }, 1000);
    this.reconnectTimer.unref();
  }
}

/**
 * Redis when there is one; otherwise Postgres NOTIFY, except on PGlite, which is one process
 * (and one shared session that a listener connection must not join). `topic` names the file's
 * channel on either transport, e.g. `rbac_policy`.
 */
export function reloadBroadcast(
  redisUrl: string | undefined,
  prefix: string,
  db: Database,
  topic: string,
): ReloadBroadcast {
  if (redisUrl) {
    return new RedisReloadBroadcast(redisUrl, `${prefix}:${topic.replace(/_/g, ':')}`);
  }
  return db.embedded ? new NoReloadBroadcast() : new PostgresReloadBroadcast(db, `engram_${topic}`);
}
