import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant, ownerQuery } from '@engram/test-support/fixtures';

const PINS = '/api/v1/memory/pins';

describe('pins: bad input gets a 400/413/415 with a code naming the field, and writes nothing', () => {
  let t: TestApp;
  let tenant: string;

  beforeAll(async () => {
    t = await startTestApp({ env: { PIN_VALUE_MAX_BYTES: '2048' } });
  });
  afterAll(async () => {
    await t.close();
  });
  beforeEach(async () => {
    tenant = await newTenant(t);
  });

  async function expectNothingWritten(): Promise<void> {
    const rows = await ownerQuery<{ count: number }>(
      t,
      'SELECT count(*)::int AS count FROM memory_pins WHERE tenant_id = $1',
      [tenant],
    );
    expect(rows[0].count).toBe(0);
  }

  it.each([
    ['missing key', { value: 1 }, 'missing_key'],
    ['empty key', { key: '', value: 1 }, 'invalid_key'],
    ['key with a space', { key: 'a b', value: 1 }, 'invalid_key'],
    ['key with a quote (SQL injection attempt)', { key: "x'; DROP TABLE memory_pins; --", value: 1 }, 'invalid_key'],
    ['key of 257 characters', { key: 'k'.repeat(257), value: 1 }, 'invalid_key'],
    ['key of the wrong type', { key: 42, value: 1 }, 'invalid_key'],
    ['missing value', { key: 'k' }, 'missing_value'],
    ['ttl below zero', { key: 'k', value: 1, ttl_seconds: -1 }, 'invalid_ttl_seconds'],
    ['ttl above one year', { key: 'k', value: 1, ttl_seconds: 31_536_001 }, 'invalid_ttl_seconds'],
    ['ttl not an integer', { key: 'k', value: 1, ttl_seconds: 1.5 }, 'invalid_ttl_seconds'],
    ['ttl as a string', { key: 'k', value: 1, ttl_seconds: '60' }, 'invalid_ttl_seconds'],
    ['source not a string', { key: 'k', value: 1, source: { a: 1 } }, 'invalid_source'],
    ['unknown field', { key: 'k', value: 1, ttl: 5 }, 'invalid_body'],
    ['body not an object', [1, 2], 'invalid_body'],
  ])('%s → %s', async (_label, body, code) => {
    const payload = Array.isArray(body) ? body : { tenant_id: tenant, ...body };
    const response = await t.request('POST', PINS, payload);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
    expect(response.body.request_id).toEqual(expect.any(String));
    await expectNothingWritten();
  });

  it('says which field is missing', async () => {
    const response = await t.request('POST', PINS, { tenant_id: tenant, key: 'k' });
    expect([response.status, response.body.error.code]).toEqual([400, 'missing_value']);
    expect(response.body.error.message).toBe('value is required');
    await expectNothingWritten();
  });

  it('rejects a tenant id that is not a slug', async () => {
    const response = await t.request('POST', PINS, { tenant_id: 'Bad Tenant', key: 'k', value: 1 });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_tenant_id');
    const query = await t.request('GET', `${PINS}?tenant_id=${encodeURIComponent("x' OR '1'='1")}`);
    expect(query.status).toBe(400);
    expect(query.body.error.code).toBe('invalid_tenant_id');
  });

  it('answers 413 value_too_large above the configured value limit, and accepts the limit itself', async () => {
    const atLimit = 'x'.repeat(2048 - 2); // JSON string quotes count
    expect((await t.request('POST', PINS, { tenant_id: tenant, key: 'fits', value: atLimit })).status).toBe(201);
    const response = await t.request('POST', PINS, { tenant_id: tenant, key: 'big', value: 'x'.repeat(2048) });
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('value_too_large');
    expect(response.body.error.details).toMatchObject({ field: 'value', limit: 2048 });
    expect((await t.request('GET', `${PINS}/big?tenant_id=${tenant}`)).status).toBe(404);
  });

  it('answers 413 payload_too_large for a body past the HTTP limit', async () => {
    const response = await t.request(
      'POST',
      PINS,
      JSON.stringify({ tenant_id: tenant, key: 'k', value: 'x'.repeat(9 * 1024 * 1024) }),
    );
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('payload_too_large');
    await expectNothingWritten();
  });

  it('answers 400 invalid_json for a malformed body and 415 for a non-JSON body', async () => {
    const malformed = await t.request('POST', PINS, '{"key":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const text = await t.app.inject({
      method: 'POST',
      url: PINS,
      headers: { 'content-type': 'text/plain' },
      payload: 'key=value',
    });
    expect(text.statusCode).toBe(415);
    expect(JSON.parse(text.body).error.code).toBe('unsupported_media_type');
  });

  it.each([
    ['limit 0', 'limit=0', 'invalid_limit'],
    ['limit above 1000', 'limit=1001', 'invalid_limit'],
    ['limit not a number', 'limit=ten', 'invalid_limit'],
    ['prefix with bad characters', 'prefix=a%20b', 'invalid_prefix'],
    ['cursor not from this API', 'cursor=bm90LWEtY3Vyc29y', 'invalid_cursor'],
    [
      'cursor that decodes to a bad key',
      `cursor=${Buffer.from(JSON.stringify({ k: "'; --" })).toString('base64url')}`,
      'invalid_cursor',
    ],
    ['unknown parameter', 'sort=desc', 'invalid_query'],
  ])('list with %s → %s', async (_label, query, code) => {
    const response = await t.request('GET', `${PINS}?tenant_id=${tenant}&${query}`);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe(code);
  });

  it('rejects a bad key in GET and DELETE paths', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const response = await t.request(method, `${PINS}/${encodeURIComponent('bad key')}?tenant_id=${tenant}`);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_key');
    }
  });

  it('rejects a cleanup body with the wrong types', async () => {
    const response = await t.request('POST', `${PINS}/cleanup`, { dry_run: 'yes' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_dry_run');
  });
});
