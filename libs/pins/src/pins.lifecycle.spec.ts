import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

const PINS = '/api/v1/memory/pins';

/** Makes a pin expired without waiting, as if its TTL had run out. */
async function expire(t: TestApp, tenant: string, key: string): Promise<void> {
  await ownerQuery(
    t,
    `UPDATE memory_pins SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND key = $2`,
    [tenant, key],
  );
}

describe('pins: listing, TTL, cleanup and concurrency', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { PIN_CLEANUP_BATCH_SIZE: '3' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('lists in key order with a prefix filter, limit, stable cursor, total and has_more', async () => {
    const tenant = await newTenant(t);
    const keys = ['cfg:a', 'cfg:b', 'cfg:c', 'cfg:d', 'cfg:e', 'other:x', 'cfg_', 'cfh'];
    for (const key of keys) {
      await t.request('POST', PINS, { tenant_id: tenant, key, value: key });
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `tenant_id=${tenant}&prefix=cfg:&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.request('GET', `${PINS}?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.total).toBe(pages === 0 ? 5 : 6);
      seen.push(...page.body.pins.map((pin: { key: string }) => pin.key));
      expect(page.body.has_more).toBe(page.body.next_cursor !== null);
      cursor = page.body.next_cursor;
      pages++;
      // A write between pages does not shift the cursor.
      if (pages === 1) {
        await t.request('POST', PINS, { tenant_id: tenant, key: 'cfg:0', value: 'before the cursor' });
      }
    } while (cursor);
    expect(seen).toEqual(['cfg:a', 'cfg:b', 'cfg:c', 'cfg:d', 'cfg:e']);
    expect(pages).toBe(3);

    const all = await t.request('GET', `${PINS}?tenant_id=${tenant}`);
    expect(all.body.pins.map((pin: { key: string }) => pin.key)).toEqual([
      'cfg:0',
      'cfg:a',
      'cfg:b',
      'cfg:c',
      'cfg:d',
      'cfg:e',
      'cfg_',
      'cfh',
      'other:x',
    ]);
    expect(all.body).toMatchObject({ total: 9, has_more: false, next_cursor: null });
  });

  it('treats "_" and "%" in a prefix literally', async () => {
    const tenant = await newTenant(t);
    for (const key of ['a_b:1', 'axb:1']) {
      await t.request('POST', PINS, { tenant_id: tenant, key, value: 1 });
    }
    const page = await t.request('GET', `${PINS}?tenant_id=${tenant}&prefix=a_`);
    expect(page.body.pins.map((pin: { key: string }) => pin.key)).toEqual(['a_b:1']);
  });

  it('never returns an expired pin, even before cleanup removes it', async () => {
    const tenant = await newTenant(t);
    await t.request('POST', PINS, { tenant_id: tenant, key: 'short', value: 1, ttl_seconds: 1 });
    await t.request('POST', PINS, { tenant_id: tenant, key: 'long', value: 1, ttl_seconds: 3600 });
    expect((await t.request('GET', `${PINS}/short?tenant_id=${tenant}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await t.request('GET', `${PINS}/short?tenant_id=${tenant}`)).status).toBe(404);
    const list = await t.request('GET', `${PINS}?tenant_id=${tenant}`);
    expect(list.body.pins.map((pin: { key: string }) => pin.key)).toEqual(['long']);
    expect(list.body.total).toBe(1);
    expect((await t.request('DELETE', `${PINS}/short?tenant_id=${tenant}`)).status).toBe(404);
  });

  it('re-posting over an expired pin creates a new pin (new id, fresh created_at)', async () => {
    const tenant = await newTenant(t);
    const first = await t.request('POST', PINS, { tenant_id: tenant, key: 'k', value: 1, ttl_seconds: 60 });
    await expire(t, tenant, 'k');
    const second = await t.request('POST', PINS, { tenant_id: tenant, key: 'k', value: 2 });
    expect(second.status).toBe(201);
    expect(second.body.id).not.toBe(first.body.id);
    expect(Date.parse(second.body.created_at)).toBeGreaterThanOrEqual(Date.parse(first.body.created_at));
  });

  it('ttl_seconds 0 or null means no expiry', async () => {
    const tenant = await newTenant(t);
    expect(
      (await t.request('POST', PINS, { tenant_id: tenant, key: 'a', value: 1, ttl_seconds: 0 })).body.expires_at,
    ).toBeNull();
    expect(
      (await t.request('POST', PINS, { tenant_id: tenant, key: 'b', value: 1, ttl_seconds: null })).body.expires_at,
    ).toBeNull();
  });

  it('cleanup counts on a dry run, deletes in batches, and can be scoped to one tenant', async () => {
    const a = await newTenant(t);
    const b = await newTenant(t);
    for (const tenant of [a, b]) {
      for (let i = 0; i < 7; i++) {
        await t.request('POST', PINS, { tenant_id: tenant, key: `old:${i}`, value: i, ttl_seconds: 60 });
        await expire(t, tenant, `old:${i}`);
      }
      await t.request('POST', PINS, { tenant_id: tenant, key: 'live', value: 1 });
    }
    const dry = await t.request('POST', `${PINS}/cleanup`, { tenant_id: a, dry_run: true });
    expect(dry.body).toEqual({ deleted: 0, would_delete: 7, dry_run: true, tenant_id: a });
    const scoped = await t.request('POST', `${PINS}/cleanup`, { tenant_id: a });
    expect(scoped.status).toBe(200);
    expect(scoped.body).toEqual({ deleted: 7, dry_run: false, tenant_id: a });
    const remaining = await ownerQuery<{ tenant_id: string; count: number }>(
      t,
      `SELECT tenant_id, count(*)::int AS count FROM memory_pins WHERE tenant_id = ANY($1) GROUP BY tenant_id ORDER BY tenant_id`,
      [[a, b]],
    );
    expect(Object.fromEntries(remaining.map((row) => [row.tenant_id, row.count]))).toEqual({ [a]: 1, [b]: 8 });
    const everyone = await t.request('POST', `${PINS}/cleanup`, {});
    expect(everyone.body.deleted).toBeGreaterThanOrEqual(7);
    expect((await t.request('GET', `${PINS}/live?tenant_id=${b}`)).status).toBe(200);
  });

  it('concurrent cleanups never delete a row twice (SKIP LOCKED batches)', async () => {
    const tenant = await newTenant(t);
    for (let i = 0; i < 20; i++) {
      await t.request('POST', PINS, { tenant_id: tenant, key: `x:${i}`, value: i, ttl_seconds: 60 });
    }
    await ownerQuery(t, `UPDATE memory_pins SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [
      tenant,
    ]);
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => t.request('POST', `${PINS}/cleanup`, { tenant_id: tenant })),
    );
    expect(results.every((result) => result.status === 200)).toBe(true);
    expect(results.reduce((sum, result) => sum + result.body.deleted, 0)).toBe(20);
  });

  it('concurrent upserts of one key produce one row and no errors', async () => {
    const tenant = await newTenant(t);
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.request('POST', PINS, { tenant_id: tenant, key: 'hot', value: { i } })),
    );
    expect(responses.map((response) => response.status).filter((status) => status !== 200 && status !== 201)).toEqual(
      [],
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    const rows = await ownerQuery<{ count: number }>(
      t,
      `SELECT count(*)::int AS count FROM memory_pins WHERE tenant_id = $1`,
      [tenant],
    );
    expect(rows[0].count).toBe(1);
  });
});

describe('pins: the repeatable expiry job', () => {
  it('deletes expired pins on its schedule through the BullMQ worker', async () => {
    const t = await startTestApp({ env: { PIN_EXPIRY_INTERVAL_SECONDS: '1' } });
    try {
      const tenant = await newTenant(t);
      await t.request('POST', PINS, { tenant_id: tenant, key: 'gone', value: 1, ttl_seconds: 60 });
      await t.request('POST', PINS, { tenant_id: tenant, key: 'stays', value: 1, ttl_seconds: 60 });
      await expire(t, tenant, 'gone');
      await eventually(async () => {
        const rows = await ownerQuery<{ key: string }>(t, 'SELECT key FROM memory_pins WHERE tenant_id = $1', [tenant]);
        return rows.length === 1 && rows[0].key === 'stays';
      }, 8000);
      const audit = await eventually(async () => {
        await t.settle();
        const rows = await ownerQuery<{ affected: number; actor: string }>(
          t,
          `SELECT affected, actor FROM memory_audit WHERE tenant_id = $1 AND operation = 'expire'`,
          [tenant],
        );
        return rows.length > 0 ? rows : null;
      });
      expect(audit[0]).toEqual({ affected: 1, actor: 'system' });
    } finally {
      await t.close();
    }
  });
});
