/** Where the integration tests find their servers; `npm test` makes sure both run. */
export const ADMIN_DATABASE_URL = process.env.DATABASE_URL_TEST ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL_TEST = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/1';
/**
 * Names are unique per jest run (globalSetup sets ENGRAM_TEST_RUN_ID before workers start), so
 * runs from several checkouts can share one server. The template is migrated once per run; each
 * test file clones it (CREATE DATABASE … TEMPLATE), which takes ~100 ms.
 */
const RUN_ID = process.env.ENGRAM_TEST_RUN_ID ?? 'local';
export const TEST_DATABASE_PREFIX = `engram_test_${RUN_ID}_`;
export const TEMPLATE_DATABASE = `${TEST_DATABASE_PREFIX}template`;

export function databaseUrl(name: string): string {
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
