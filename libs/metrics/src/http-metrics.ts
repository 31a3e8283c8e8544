import type { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service';

/** A request that matched no route is counted under this one label, whatever its path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * Every answer, by method, route pattern (`/api/v1/memories/:id`, never the concrete path, so
 * the series stay bounded) and status: what per-route error rates and latency percentiles are
 * built from. Timed by Fastify from the request's arrival to the reply's end.
 */
export function recordHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  const requests = metrics.counter('http_requests_total', 'HTTP answers by method, route and status', [
    'method',
    'route',
    'status',
  ]);
  const duration = metrics.histogram('http_request_duration_seconds', 'HTTP request duration by method and route', [
    'method',
    'route',
  ]);
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
    const labels = { method: request.method, route };
    requests.inc({ ...labels, status: String(reply.statusCode) });
    duration.observe(labels, reply.elapsedTime / 1000);
    done();
  });
}
