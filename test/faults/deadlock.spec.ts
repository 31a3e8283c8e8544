import { TestApp, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newTenant } from '@engram/test-support/fixtures';

/**
 * Writes reserve quota inside their transaction, and the quota check reads the tenant, which on
 * a cache miss (AUTH_CACHE_TTL_SECONDS=1, or a PATCH invalidating it) queries the database. With
 * every pooled connection held by a writer, a second checkout for that read would wait out the
 * pool timeout. Run batch writers and tenant PATCHes together and watch every response.
 */
const RUN_MS = 20_000;
/**
 * A request stuck behind the deadlock waits out the pool's 10 s checkout timeout; below that, a
 * slow answer is only a busy machine (one PGlite connection serialises every batch).
 */
const SLOW_MS = 8_000;

interface Outcome {
  requests: number;
  errors: string[];
  slowest: number;
}

async function hammer(
  writerUrl: string,
  patchUrl: string,
  headers: Record<string, string>,
  tenant: string,
  writers: number,
  batchSize: number,
): Promise<Outcome> {
  const outcome: Outcome = { requests: 0, errors: [], slowest: 0 };
  const until = Date.now() + RUN_MS;
  let serial = 0;
  const call = async (url: string, method: string, body: unknown): Promise<void> => {
    const started = Date.now();
    try {
      const response = await fetch(url, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
      await response.text();
      if (response.status >= 500) {
        outcome.errors.push(`${method} ${response.status}`);
      }
    } catch (error) {
      outcome.errors.push(`${method} ${(error as Error).message}`);
    }
    outcome.slowest = Math.max(outcome.slowest, Date.now() - started);
    outcome.requests++;
  };
  const writer = async (): Promise<void> => {
    while (Date.now() < until) {
      const memories = Array.from({ length: batchSize }, () => ({ content: `note ${serial++} about deadlocks` }));
      await call(`${writerUrl}/api/v1/memories/batch`, 'POST', {
        tenant_id: tenant,
        namespace: 'load',
        create_namespace: true,
        memories,
      });
    }
  };
  const patcher = async (): Promise<void> => {
    let round = 0;
    while (Date.now() < until) {
      await call(`${patchUrl}/api/v1/admin/tenants/${tenant}`, 'PATCH', { name: `renamed ${round++}` });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  };
  await Promise.all([...Array.from({ length: writers }, writer), patcher()]);
  return outcome;
}

describe('no pool deadlock while writers reserve quota and tenants change', () => {
  const env = { AUTH_CACHE_TTL_SECONDS: '1' };

  it('embedded (PGlite, one connection): no 5xx, none waits out the pool', async () => {
    const t: TestApp = await startTestApp({ database: 'pglite', queue: 'inline', env });
    try {
      const url = await t.listen();
      const tenant = await newTenant(t);
      const outcome = await hammer(url, url, adminHeaders(t), tenant, 3, 25);
      expect(outcome.requests).toBeGreaterThan(20);
      expect(outcome.errors).toEqual([]);
      expect(outcome.slowest).toBeLessThan(SLOW_MS);
    } finally {
      await t.close();
    }
  }, 90_000);

  it('Postgres, DB_POOL_MAX=2, PATCHes through a second replica: no 5xx, none waits out the pool', async () => {
    const a: TestApp = await startTestApp({ env: { ...env, DB_POOL_MAX: '2' } });
    const b: TestApp = await startTestApp({ env: { ...env, DB_POOL_MAX: '2' }, database_: a.database });
    try {
      const [urlA, urlB] = [await a.listen(), await b.listen()];
      const tenant = await newTenant(a);
      const outcome = await hammer(urlA, urlB, adminHeaders(a), tenant, 6, 25);
      expect(outcome.requests).toBeGreaterThan(20);
      expect(outcome.errors).toEqual([]);
      expect(outcome.slowest).toBeLessThan(SLOW_MS);
    } finally {
      await b.close();
      await a.close();
    }
  }, 90_000);
});
