import { TestApp, startTestApp, uniqueTenant } from '@engram/test-support/app';
import { ownerQuery } from '@engram/test-support/fixtures';
import { rawRequest } from '@engram/test-support/raw-http';

const TENANTS = '/api/v1/admin/tenants';
const EVIL = 'http://evil.example';

async function tenantExists(t: TestApp, id: string): Promise<boolean> {
  const rows = await ownerQuery<{ id: string }>(t, 'SELECT id FROM tenants WHERE id = $1', [id]);
  return rows.length > 0;
}

describe('browser safety over real HTTP: open local mode', () => {
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'inline' });
    base = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses a form post from another site (the CSRF a web page can send) with 415, creating nothing', async () => {
    const id = uniqueTenant('csrf');
    const response = await rawRequest(
      base,
      'POST',
      TENANTS,
      { origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      `id=${id}&name=y`,
    );
    expect([response.status, response.body?.error?.code]).toEqual([415, 'unsupported_media_type']);
    expect(await tenantExists(t, id)).toBe(false);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', (id: string) => `id=${id}&name=y`],
    [
      'multipart',
      'multipart/form-data; boundary=b',
      (id: string) => `--b\r\nContent-Disposition: form-data; name="id"\r\n\r\n${id}\r\n--b--\r\n`,
    ],
    ['text/plain holding JSON', 'text/plain', (id: string) => JSON.stringify({ id, name: 'y' })],
    ['no content type', undefined, (id: string) => JSON.stringify({ id, name: 'y' })],
  ])('refuses %s body on a JSON route with 415, from any origin', async (_label, type, body) => {
    const id = uniqueTenant('media');
    const response = await rawRequest(
      base,
      'POST',
      TENANTS,
      type === undefined ? {} : { 'content-type': type },
      body(id),
    );
    expect([response.status, response.body?.error?.code]).toEqual([415, 'unsupported_media_type']);
    expect(await tenantExists(t, id)).toBe(false);
  });

  it.each([
    ['a foreign Origin', { origin: EVIL }],
    ['Origin null (sandboxed frame, redirect)', { origin: 'null' }],
    ['another port of this host', { origin: 'http://127.0.0.1:1' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
  ])('refuses a cross-site JSON write (%s) with 403 cross_site_request, creating nothing', async (_label, headers) => {
    const id = uniqueTenant('xsite');
    const response = await rawRequest(
      base,
      'POST',
      TENANTS,
      { 'content-type': 'application/json', ...headers },
      JSON.stringify({ id, name: 'y' }),
    );
    expect([response.status, response.body?.error?.code]).toEqual([403, 'cross_site_request']);
    expect(await tenantExists(t, id)).toBe(false);
  });

  it('refuses cross-site reads too (a page could otherwise embed and time them)', async () => {
    const response = await rawRequest(base, 'GET', TENANTS, { 'sec-fetch-site': 'cross-site' });
    expect([response.status, response.body?.error?.code]).toEqual([403, 'cross_site_request']);
  });

  it('serves clients that are not browsers, and pages of its own origin', async () => {
    const plain = uniqueTenant('plain');
    const fromClient = await rawRequest(
      base,
      'POST',
      TENANTS,
      { 'content-type': 'application/json' },
      JSON.stringify({ id: plain, name: 'y' }),
    );
    expect(fromClient.status).toBe(201);
    const own = uniqueTenant('own');
    const fromOwnPage = await rawRequest(
      base,
      'POST',
      TENANTS,
      { 'content-type': 'application/json; charset=utf-8', origin: base, 'sec-fetch-site': 'same-origin' },
      JSON.stringify({ id: own, name: 'y' }),
    );
    expect(fromOwnPage.status).toBe(201);
    const typed = await rawRequest(base, 'GET', TENANTS, { 'sec-fetch-site': 'none' });
    expect(typed.status).toBe(200);
  });

  it.each([
    ['a data route', TENANTS, 200],
    ['an error', '/api/v1/nope', 404],
    ['a public route', '/health', 200],
  ])('sends the security headers on %s', async (_label, path, status) => {
    const response = await rawRequest(base, 'GET', path);
    expect(response.status).toBe(status);
    expect(response.headers).toMatchObject({
      'content-security-policy': "default-src 'none';frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-resource-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(response.headers['x-powered-by']).toBeUndefined();
  });
});

describe('browser safety over real HTTP: with credentials', () => {
  const token = 'browser-safety-admin-token-0123';
  let t: TestApp;
  let base: string;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: token } });
    base = await t.listen();
  });
  afterAll(async () => {
    await t.close();
  });

  it('still refuses form bodies, and leaves cross-origin calls with explicit credentials to CORS', async () => {
    const form = await rawRequest(
      base,
      'POST',
      TENANTS,
      { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      'id=formtenant&name=y',
    );
    expect([form.status, form.body?.error?.code]).toEqual([415, 'unsupported_media_type']);
    // A browser cannot attach this header cross-site without a preflight, which the API never grants.
    const credentialed = await rawRequest(base, 'GET', TENANTS, {
      authorization: `Bearer ${token}`,
      origin: EVIL,
      'sec-fetch-site': 'cross-site',
    });
    expect(credentialed.status).toBe(200);
    const anonymous = await rawRequest(base, 'GET', TENANTS, { origin: EVIL });
    expect([anonymous.status, anonymous.body?.error?.code]).toEqual([401, 'missing_credentials']);
  });
});
