import { Client } from 'pg';
import IORedis from 'ioredis';
import { migrateUp } from '@engram/migrations';
import { randomBytes } from 'node:crypto';

/** Builds the migrated template database and checks Redis, failing fast with a clear message. */
export default async function globalSetup(): Promise<void> {
  process.env.ENGRAM_TEST_RUN_ID ??= randomBytes(4).toString('hex');
  // Imported after the run id is set: the names derive from it.
  const { ADMIN_DATABASE_URL, REDIS_URL_TEST, TEMPLATE_DATABASE, databaseUrl } = await import('./env');
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(
      `Postgres is not reachable at ${ADMIN_DATABASE_URL} (run ops/test-services): ${(error as Error).message}`,
    );
  }
  try {
    await admin.query(`CREATE DATABASE "${TEMPLATE_DATABASE}"`);
  } finally {
    await admin.end();
  }
  await migrateUp(databaseUrl(TEMPLATE_DATABASE));

  const redis = new IORedis(REDIS_URL_TEST, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`Redis is not reachable at ${REDIS_URL_TEST} (run ops/test-services): ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}
