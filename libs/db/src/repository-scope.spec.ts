import { MetricsService } from '@engram/metrics';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { Database } from './database';
import { RepositoryScope } from './repository-scope';

describe('RepositoryScope', () => {
  let database: TestDatabase;
  let db: Database;
  let metrics: MetricsService;
  let scope: RepositoryScope;

  beforeAll(async () => {
    database = await createPostgresDatabase();
    db = database.db;
    metrics = new MetricsService();
    scope = new RepositoryScope(db, metrics, 'probe');
  });
  afterAll(async () => {
    await database.drop();
  });

  const setting = (q: { query: Database['query'] }) =>
    q
      .query<{ tenant: string; pid: number }>(
        `SELECT coalesce(current_setting('app.tenant_id', true), '') AS tenant, pg_backend_pid() AS pid`,
      )
      .then((rows) => rows[0]);

  async function count(method: string, status: string): Promise<number> {
    const text = await metrics.registry.getSingleMetricAsString('engram_db_query_duration_seconds');
    const line = text
      .split('\n')
      .find((l) =>
        l.startsWith(
          `engram_db_query_duration_seconds_count{repository="probe",method="${method}",status="${status}"}`,
        ),
      );
    return line === undefined ? 0 : Number(line.split(' ').pop());
  }

  it('runs tenant work in that tenant’s transaction and times it', async () => {
    expect((await scope.tenant('tenant-a', 'read', (tx) => setting(tx))).tenant).toBe('tenant-a');
    await expect(scope.tenant('tenant-a', 'read', () => Promise.reject(new Error('statement failed')))).rejects.toThrow(
      'statement failed',
    );
    expect(await count('read', 'ok')).toBe(1);
    expect(await count('read', 'error')).toBe(1);
  });

  it.each([[''], [undefined as unknown as string], [null as unknown as string]])(
    'refuses the tenant id %p before touching the database',
    async (tenantId) => {
      let ran = false;
      expect(() =>
        scope.tenant(tenantId, 'refused', async () => {
          ran = true;
        }),
      ).toThrow('tenant id is required');
      expect(ran).toBe(false);
    },
  );

  it('runs on the caller’s transaction when given one, opening none of its own', async () => {
    const { outer, inner } = await db.withTenant('tenant-b', async (tx) => ({
      outer: await setting(tx),
      inner: await scope.tenant('tenant-b', 'joined', (q) => setting(q), { tx }),
    }));
    expect(inner).toEqual(outer);
    expect(await count('joined', 'ok')).toBe(1);
  });

  it('applies settings to the transaction it opens, and refuses them with a caller’s transaction', async () => {
    const [row] = await scope.tenant(
      'tenant-c',
      'tuned',
      (tx) => tx.query<{ value: string }>(`SELECT current_setting('work_mem') AS value`),
      { settings: { work_mem: '7MB' } },
    );
    expect(row.value).toBe('7MB');
    await expect(
      db.withTenant('tenant-c', (tx) =>
        scope.tenant('tenant-c', 'tuned', async () => 1, { tx, settings: { work_mem: '7MB' } }),
      ),
    ).rejects.toThrow('settings apply only');
  });

  it('runs cross-tenant work without a tenant setting, and untenanted work on the pool', async () => {
    expect((await scope.crossTenant('sweep', (tx) => setting(tx))).tenant).toBe('');
    expect((await scope.untenanted('registry', (q) => setting(q))).tenant).toBe('');
    expect(await count('sweep', 'ok')).toBe(1);
    expect(await count('registry', 'ok')).toBe(1);
  });
});
