import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { TestDatabase, createTestDatabase } from '@engram/test-support/database';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

/**
 * Replay parity: the same stored memories and the same context request give the same bytes, on
 * every run and on every replica. Two API processes share one database; the request is sent many
 * times to both, and between rounds the reads each assembly records are flushed to the memories
 * (access_count), so an assembly that let read counts rank, measured recency against the clock,
 * or broke ties by arrival order would answer differently.
 */
describe('context assembly replay parity (two replicas, one database)', () => {
  let database: TestDatabase;
  let one: TestApp;
  let two: TestApp;
  let tenant: string;

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    const env = { MEMORY_ACCESS_FLUSH_INTERVAL_MS: '10' };
    one = await startTestApp({ database_: database, queue: 'inline', env });
    two = await startTestApp({ database_: database, queue: 'inline', env });
    tenant = await newTenant(one);
    const memories = [
      // Same words in another order: the hashing model and BM25 score them the same (a tie).
      { content: 'Alice prefers green tea in the morning', importance: 0.5 },
      { content: 'in the morning Alice prefers green tea', importance: 0.5 },
      { content: 'Alice is allergic to peanuts and tree nuts', importance: 0.9, type: 'semantic' },
      { content: 'Alice asked about the invoice from March', importance: 0.3, type: 'episodic' },
      { content: 'Draft: reply to Alice about the tea order', importance: 0.4, type: 'working' },
      { content: 'Bob likes coffee', importance: 0.2 },
    ];
    for (const memory of memories) {
      const response = await one.request('POST', '/api/v1/memories', {
        tenant_id: tenant,
        namespace: 'replay',
        create_namespace: true,
        ...memory,
      });
      expect(response.status).toBe(201);
    }
    await one.request('POST', '/api/v1/memory/pins', { tenant_id: tenant, key: 'user/alice', value: { tz: 'UTC' } });
  });
  afterAll(async () => {
    await one?.close();
    await two?.close();
    await database?.drop();
  });

  async function reads(): Promise<number> {
    const [row] = await ownerQuery<{ n: number }>(
      one,
      'SELECT coalesce(sum(access_count), 0)::int AS n FROM memories WHERE tenant_id = $1',
      [tenant],
    );
    return row.n;
  }

  it.each(['xml', 'markdown', 'json'] as const)('answers the same bytes every time (%s)', async (format) => {
    const request = {
      tenant_id: tenant,
      namespace: 'replay',
      query: 'what does Alice drink and what is she allergic to',
      token_budget: 400,
      pin_prefixes: ['user/'],
      format,
      as_of: '2030-01-01T00:00:00Z',
    };
    const answers = new Set<string>();
    let blocks = 0;
    for (let round = 0; round < 6; round++) {
      const before = await reads();
      for (const app of [one, two, two, one]) {
        const response = await app.request('POST', '/api/v1/context', request);
        expect(response.status).toBe(200);
        answers.add(response.text);
        blocks = response.body.blocks.length;
      }
      // The reads of this round reach the rows before the next round asks again.
      await eventually(async () => (await reads()) > before, 5_000, 20);
    }
    expect(blocks).toBeGreaterThan(3);
    expect(answers.size).toBe(1);
  });

  it('measures recency from as_of: another instant may answer differently, the same one never does', async () => {
    const body = (asOf: string) => ({
      tenant_id: tenant,
      namespace: 'replay',
      query: 'Alice',
      token_budget: 400,
      format: 'json',
      as_of: asOf,
    });
    const near = await one.request('POST', '/api/v1/context', body(new Date(Date.now() + 60_000).toISOString()));
    const far = await two.request('POST', '/api/v1/context', body('2035-06-01T00:00:00Z'));
    const farAgain = await one.request('POST', '/api/v1/context', body('2035-06-01T00:00:00Z'));
    expect(near.status).toBe(200);
    // Years after the writes every score's recency term has decayed (scores and order change).
    expect(far.text).not.toBe(near.text);
    expect(farAgain.text).toBe(far.text);
    const invalid = await one.request('POST', '/api/v1/context', body('yesterday'));
    expect([invalid.status, invalid.body.error.code]).toEqual([400, 'invalid_as_of']);
  });
});
