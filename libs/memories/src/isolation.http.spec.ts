import { TestApp, startTestApp } from '@engram/test-support/app';
import { newTenant } from '@engram/test-support/fixtures';
import {
  ISOLATION_SESSION,
  IsolationContext,
  MEMORY_ISOLATION_CASES,
  leaks,
} from '@engram/test-support/memory-isolation-cases';

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
      create_namespace: true,
      content: secret,
      importance: 1,
      session_id: ISOLATION_SESSION,
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
      ownNamespace: 'own',
      secret: 'zebra-quartz-7741',
      tenant: await newTenant(t),
    };
    const own = await t.request('POST', '/api/v1/memories', {
      tenant_id: ctx.tenant,
      namespace: 'own',
      create_namespace: true,
      content: 'b owns this',
    });
    expect([a.status, b.status, own.status]).toEqual([201, 201, 201]);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(MEMORY_ISOLATION_CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const response = await t.request(c.method, c.url(ctx), c.body?.(ctx));
    expect({ status: response.status, code: response.body?.error?.code }).toEqual({
      status: c.expectedStatus,
      code: c.expectedCode ?? (c.expectedStatus >= 400 ? expect.any(String) : undefined),
    });
    expect(leaks(ctx, response.status, response.text)).toBe(false);
  });

  it("answers for the other tenant's namespace exactly as for one that exists nowhere", async () => {
    const nowhere = 'never-created-anywhere';
    const probes = MEMORY_ISOLATION_CASES.filter((c) => c.expectedCode === 'namespace_not_found');
    expect(probes.length).toBeGreaterThanOrEqual(7);
    for (const c of probes) {
      const foreign = await t.request(c.method, c.url(ctx), c.body?.(ctx));
      const absent = await t.request(
        c.method,
        c.url({ ...ctx, namespace: nowhere }),
        c.body?.({ ...ctx, namespace: nowhere }),
      );
      const shape = (response: typeof foreign, name: string) => ({
        status: response.status,
        body: JSON.parse(response.text.split(name).join('<name>')),
      });
      const [a, b] = [shape(foreign, ctx.namespace), shape(absent, nowhere)];
      delete a.body.request_id;
      delete b.body.request_id;
      expect({ route: c.name, ...a }).toEqual({ route: c.name, ...b });
    }
  });

  it('leaves A untouched after every case ran', async () => {
    const got = await t.request('GET', `/api/v1/memories/${ctx.memoryId}?tenant_id=${owner}`);
    expect(got.status).toBe(200);
    expect(got.body.importance).toBe(1);
    expect(got.body.namespace).toBe('shared');
    const related = await t.request('GET', `/api/v1/memories/${ctx.otherMemoryId}/related?tenant_id=${owner}`);
    expect(related.body.related).toEqual([]);
    expect((await t.request('GET', `/api/v1/namespaces/shared?tenant_id=${owner}`)).body.default_token_budget).toBe(
      4000,
    );
  });
});
