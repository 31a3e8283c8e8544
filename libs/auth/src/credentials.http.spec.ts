import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { TestApp, eventually, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newApiKey, newTenant } from '@engram/test-support/fixtures';

const PINS = '/api/v1/memory/pins';
const ADMIN_TOKEN = 'admin-token-' + randomBytes(12).toString('hex');
const MACHINE_TOKEN = 'machine-token-' + randomBytes(12).toString('hex');

/**
 * A GET over a real socket. An array value makes node write the header once per element, so a
 * duplicate really reaches the server as two header lines (app.inject cannot show that: node's
 * parser keeps only the first `Authorization`).
 */
function rawGet(
  baseUrl: string,
  path: string,
  headers: Record<string, string | string[]>,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, { method: 'GET', headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('a credential header sent twice', () => {
  let t: TestApp;
  let baseUrl: string;

  beforeAll(async () => {
    t = await startTestApp({
      queue: 'inline',
      env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN, MACHINE_SECRET_TOKEN: MACHINE_TOKEN },
    });
    baseUrl = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  it('is refused with 401 malformed_credentials, whichever copy is valid', async () => {
    const tenant = await newTenant(t);
    const key = await newApiKey(t, tenant);
    const bad = `eng_${randomBytes(32).toString('hex')}`;
    const valid: Record<string, string | string[]>[] = [
      { authorization: `Bearer ${ADMIN_TOKEN}` },
      { 'x-api-key': key.key },
      { 'x-machine-token': MACHINE_TOKEN },
    ];
    for (const headers of valid) {
      expect((await rawGet(baseUrl, `${PINS}?tenant_id=${tenant}`, headers)).status).toBe(200);
    }
    const cases: Record<string, string[]>[] = [
      { authorization: [`Bearer ${ADMIN_TOKEN}`, 'Bearer not-the-admin-token'] },
      { authorization: ['Bearer not-the-admin-token', `Bearer ${ADMIN_TOKEN}`] },
      { authorization: [`Bearer ${ADMIN_TOKEN}`, `Bearer ${ADMIN_TOKEN}`] },
      { authorization: [`Bearer ${key.key}`, `Bearer ${bad}`] },
      { 'x-api-key': [key.key, bad] },
      { 'x-api-key': [key.key, key.key] },
      { 'x-machine-token': [MACHINE_TOKEN, 'not-the-machine-token'] },
      { 'x-machine-token': [MACHINE_TOKEN, MACHINE_TOKEN] },
    ];
    const answers = [];
    for (const headers of cases) {
      const response = await rawGet(baseUrl, `${PINS}?tenant_id=${tenant}`, headers);
      answers.push({ headers, status: response.status, code: response.body?.error?.code });
    }
    expect(answers).toEqual(cases.map((headers) => ({ headers, status: 401, code: 'malformed_credentials' })));
  });
});

describe('open local mode after a tenant erasure', () => {
  it('stays closed once a key was created, even when erasure removed every key row', async () => {
    // The first app has an admin token to create and delete; the second has none, like a
    // loopback `engram serve` restarted on the same database, and decides open mode afresh.
    const withToken = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: ADMIN_TOKEN } });
    try {
      const tenant = await newTenant(withToken);
      await newApiKey(withToken, tenant);
      const deleted = await withToken.request(
        'DELETE',
        `/api/v1/admin/tenants/${tenant}`,
        undefined,
        adminHeaders(withToken),
      );
      expect(deleted.status).toBe(202);
      await eventually(
        async () =>
          (await withToken.request('GET', `/api/v1/admin/tenants/${tenant}`, undefined, adminHeaders(withToken)))
            .status === 404,
      );
      const [{ keys }] = await withToken.database.db.query<{ keys: number }>(
        'SELECT count(*)::int AS keys FROM api_keys',
      );
      expect(keys).toBe(0);

      const open = await startTestApp({ queue: 'inline', database_: withToken.database });
      try {
        const response = await open.request('GET', PINS);
        expect(response.status).toBe(401);
        expect(response.body.error.code).toBe('missing_credentials');
        const create = await open.request('POST', '/api/v1/admin/tenants', { id: 'not-in-open-mode', name: 'x' });
        expect(create.status).toBe(401);
      } finally {
        await open.close();
      }
    } finally {
      await withToken.close();
    }
  });
});
