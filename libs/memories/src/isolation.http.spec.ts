import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';
import { IsolationContext, MEMORY_ISOLATION_CASES, leaks } from '@engram/test-support/memory-isolation-cases';

describe('memory routes keep tenants apart', () => {
  let t: TestApp;
  let owner: string;
  let ctx: IsolationContext;

  beforeAll(async () => {
    t = await startTestApp({ database: 'postgres', queue: 'inline' });
    owner = await newTenant(t);
    const secret = 'zebra-quartz-7741 launch codes';
    const a = await t.request('POST', '/api/v1/memories', {
      tenant_id: owner,
      namespace: 'shared',
      content: secret,
      importance: 1,
    });
    const b = await t.request('POST', '/api/v1/memories', {
      tenant_id: owner,
      namespace: 'shared',
      content: 'second zebra-quartz-7741 memory',
    });
    ctx = {
      memoryId: a.body.id,
      otherMemoryId: b.body.id,
      namespace: 'shared',
      secret: 'zebra-quartz-7741',
      tenant: await newTenant(t),
    };
    await t.request('POST', '/api/v1/memories', { tenant_id: ctx.tenant, namespace: 'own', content: 'b owns this' });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(MEMORY_ISOLATION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await t.request(c.method, c.url(ctx), c.body?.(ctx));
    expect(response.status).toBe(c.expectedStatus);
    expect(leaks(ctx, response.status, response.text)).toBe(false);
  });

  it('leaves A untouched after every case ran', async () => {
    const got = await t.request('GET', `/api/v1/memories/${ctx.memoryId}?tenant_id=${owner}`);
    expect(got.status).toBe(200);
    expect(got.body.importance).toBe(1);
    const related = await t.request('GET', `/api/v1/memories/${ctx.otherMemoryId}/related?tenant_id=${owner}`);
    expect(related.body.related).toEqual([]);
    expect((await t.request('GET', `/api/v1/namespaces/shared?tenant_id=${owner}`)).body.default_token_budget).toBe(
      4000,
    );
  });
});
