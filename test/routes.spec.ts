import { ModulesContainer } from '@nestjs/core';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { PERMISSION_KEY, PER_OPERATION_KEY, PUBLIC_KEY } from '@engram/common';
import { TestApp, startTestApp } from '@engram/test-support/app';
import { PUBLIC_ROUTES, registeredRoutes } from '@engram/test-support/routes';

describe('every route declares a permission, @Public() or @AuthorizedPerOperation()', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ queue: 'inline', env: { ENGRAM_ADMIN_TOKEN: 'route-walk-admin-token-0123456789' } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('in Nest metadata: each handler of each controller', () => {
    const undeclared: string[] = [];
    let handlers = 0;
    for (const module of t.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
        if (!controller) {
          continue;
        }
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as Record<string, unknown>)[name];
          if (
            name === 'constructor' ||
            typeof handler !== 'function' ||
            Reflect.getMetadata(METHOD_METADATA, handler) === undefined
          ) {
            continue;
          }
          handlers += 1;
          const declared = [PERMISSION_KEY, PUBLIC_KEY, PER_OPERATION_KEY].some(
            (key) =>
              Reflect.getMetadata(key, handler) !== undefined || Reflect.getMetadata(key, controller) !== undefined,
          );
          if (!declared) {
            undeclared.push(`${controller.name}.${name} (${String(Reflect.getMetadata(PATH_METADATA, handler))})`);
          }
        }
      }
    }
    expect(handlers).toBeGreaterThan(10);
    expect(undeclared).toEqual([]);
  });

  it('over HTTP: every registered route answers 401 without credentials, unless it is a known public one', async () => {
    const routes = registeredRoutes(t.app);
    expect(routes.map((route) => route.id)).toEqual(
      expect.arrayContaining(['GET /api/v1/memory/pins', 'DELETE /api/v1/admin/tenants/:id']),
    );
    const unexpected: string[] = [];
    for (const route of routes) {
      const url = route.path.replace(/:[A-Za-z]+/g, 'x').replace('*', 'x');
      const response = await t.request(
        route.method as 'GET',
        url,
        ['POST', 'PATCH'].includes(route.method) ? {} : undefined,
      );
      const isPublic = PUBLIC_ROUTES.has(route.id);
      if (
        isPublic
          ? response.status === 401
          : response.status !== 401 || response.body?.error?.code !== 'missing_credentials'
      ) {
        unexpected.push(`${route.id} → ${response.status} ${response.body?.error?.code ?? ''}`);
      }
    }
    expect(unexpected).toEqual([]);
  });
});
