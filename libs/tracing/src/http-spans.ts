import type { Span } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestContext, requestContext } from '@engram/common';
import { UNMATCHED_ROUTE } from './privacy';
import { tracingEnabled } from './state';
import { tenantAttribute } from './tenant';

/**
 * Names each HTTP server span (started by the http instrumentation when the request arrived)
 * after its route pattern, `POST /api/v1/memories/search`, and adds the request id and, once
 * authentication has bound it, the tenant. Registered after the hook that opens the request
 * context, so it sees it. Nothing is registered when tracing is off.
 */
export function traceHttpRequests(fastify: FastifyInstance): void {
  if (!tracingEnabled()) {
    return;
  }
  const requests = new WeakMap<FastifyRequest, { span: Span; context: RequestContext | undefined }>();
  fastify.addHook('onRequest', (request, _reply, done) => {
    const span = trace.getActiveSpan();
    if (span?.isRecording()) {
      const route = request.routeOptions.url ?? UNMATCHED_ROUTE;
      span.updateName(`${request.method} ${route}`);
      span.setAttributes({ 'http.route': route, 'engram.request_id': request.id });
      requests.set(request, { span, context: requestContext.current() });
    }
    done();
  });
  // onSend, not onResponse: the instrumentation ends the span as the response finishes.
  fastify.addHook('onSend', (request, _reply, payload, done) => {
    const traced = requests.get(request);
    const tenant = tenantAttribute(traced?.context?.tenantId);
    if (traced && tenant !== undefined) {
      traced.span.setAttribute('engram.tenant', tenant);
    }
    done(null, payload);
  });
}
