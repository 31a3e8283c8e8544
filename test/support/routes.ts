import type { NestFastifyApplication } from '@nestjs/platform-fastify';

export interface RegisteredRoute {
  method: string;
  path: string;
  /** "METHOD /path" as the isolation matrix names routes. */
  id: string;
}

/** Routes that answer without credentials, on purpose (/metrics: on a loopback HOST without METRICS_TOKEN). */
export const PUBLIC_ROUTES = new Set(['GET /openapi.json', 'GET /metrics', 'GET /health', 'GET /ready']);

/**
 * Every route Fastify serves (Nest's and any registered directly), from its route tree. HEAD
 * routes Fastify adds beside GET are left out.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  const fastify = app.getHttpAdapter().getInstance() as unknown as {
    printRoutes(options: { commonPrefix: boolean }): string;
  };
  const stack: { depth: number; path: string }[] = [];
  const routes: RegisteredRoute[] = [];
  for (const line of fastify.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\S+)(?: \(([^)]*)\))?$/.exec(line);
    if (!match) {
      continue;
    }
    const depth = match[1].length;
    while (stack.length > 0 && stack[stack.length - 1].depth >= depth) {
      stack.pop();
    }
    const segment = match[2] === '*' ? '/*' : match[2];
    const path = (stack[stack.length - 1]?.path ?? '') + segment;
    stack.push({ depth, path });
    for (const method of (match[3] ?? '')
      .split(',')
      .map((m) => m.trim())
      .filter((m) => m && m !== 'HEAD')) {
      routes.push({ method, path, id: `${method} ${path}` });
    }
  }
  return routes;
}
