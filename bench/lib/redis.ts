import { Queue } from 'bullmq';
import IORedis from 'ioredis';

/** Whether an `engram worker` is consuming jobs under `prefix` (it listens on every queue). */
export async function workerListening(redisUrl: string, prefix: string): Promise<boolean> {
  const queue = new Queue('pins.expire', { connection: { url: redisUrl } as never, prefix });
  try {
    return (await queue.getWorkersCount()) > 0;
  } finally {
    await queue.close();
  }
}

/** Removes a bench's throw-away queue keys (never anything outside its prefix). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new IORedis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) {
        await redis.del(...keys);
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** "Redis 7.0.15"; a readable error when Redis is not there. */
export async function redisVersion(redisUrl: string): Promise<string> {
  const redis = new IORedis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    return `Redis ${/redis_version:(\S+)/.exec(await redis.info('server'))?.[1] ?? '?'}`;
  } catch (error) {
    throw new Error(`Redis is not reachable at ${redisUrl} (run ops/test-services): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
