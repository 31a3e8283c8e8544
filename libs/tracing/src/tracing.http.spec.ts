import { createHmac, randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, Span, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { parseConfig } from '@engram/config';
import { TestApp, TestResponse, eventually, startTestApp } from '@engram/test-support/app';
import { adminHeaders, newTenant } from '@engram/test-support/fixtures';
import { Tracing, startTracing, tracingEnabled } from '@engram/tracing';

/**
 * Engram's own spans (stages, jobs) from the real app on Postgres and BullMQ on Redis, into an
 * in-memory exporter. Each request runs inside a span the test opens, standing in for the HTTP
 * server span: the http and pg instrumentations patch modules through Node's require hook, which
 * jest's module loader bypasses, so those spans are checked on the built CLI against an OTLP
 * collector (otlp-export.spec.ts).
 */
const KEY = randomBytes(16).toString('hex');

describe('tracing with an in-memory exporter', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let t: TestApp;
  let admin: Record<string, string>;

  beforeAll(async () => {
    tracing = await startTracing(parseConfig({ ENGRAM_TRACE_TENANT_KEY: KEY }), {
      serviceName: 'engram-api',
      exporter,
    });
    t = await startTestApp({ env: { ENGRAM_ADMIN_TOKEN: 'admin-' + randomBytes(16).toString('hex') } });
    admin = adminHeaders(t);
  });
  afterAll(async () => {
    await t?.close();
    await tracing?.shutdown();
  });

  /** A request inside a span of the test's own: the parent the app's spans must join. */
  async function traced(
    method: 'POST' | 'DELETE',
    url: string,
    body?: unknown,
  ): Promise<{ response: TestResponse; parent: Span }> {
    return trace.getTracer('test').startActiveSpan('request', { kind: SpanKind.SERVER }, async (parent) => {
      try {
        return { response: await t.request(method, url, body, admin), parent };
      } finally {
        parent.end();
      }
    });
  }

  const spans = () => exporter.getFinishedSpans();
  const childrenOf = (parent: { spanContext(): { spanId: string } }) =>
    spans().filter((span) => span.parentSpanContext?.spanId === parent.spanContext().spanId);
  const named = (list: ReadableSpan[], name: string) => list.filter((span) => span.name === name);
  const hashOf = (tenant: string) => createHmac('sha256', KEY).update(tenant).digest('hex').slice(0, 16);

  it('a search: the rank span and its stages, with tenant (hashed), namespace and k', async () => {
    expect(tracing.enabled).toBe(true);
    const tenant = await newTenant(t);
    const created = await t.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: tenant, namespace: 'facts', content: 'Invoices go out on the first Monday', create_namespace: true },
      admin,
    );
    expect(created.status).toBe(201);

    const { response, parent } = await traced('POST', '/api/v1/memories/search', {
      tenant_id: tenant,
      namespace: 'facts',
      query: 'when do invoices go out',
      k: 7,
    });
    expect(response.status).toBe(200);
    const [rank] = named(childrenOf(parent), 'search.rank');
    expect(rank.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(rank.attributes).toMatchObject({
      'engram.tenant': hashOf(tenant),
      'engram.namespace': 'facts',
      'engram.k': 7,
      'engram.results': 1,
      'engram.search.fusion': expect.any(String),
    });
    expect(childrenOf(rank).map((span) => span.name)).toEqual([
      'search.namespaces',
      'search.embed',
      'search.candidates',
      'search.fuse',
    ]);
    for (const stage of childrenOf(rank)) {
      expect(stage.attributes['engram.tenant']).toBe(hashOf(tenant));
    }
    expect(named(childrenOf(rank), 'search.candidates')[0].attributes['engram.search.mode']).toMatch(
      /^(lexical|exact|hnsw)$/,
    );
    // No span anywhere names the tenant itself.
    expect(JSON.stringify(spans().map((span) => [span.name, span.attributes]))).not.toContain(tenant);
    // One place emits the metric and the span: the stage histogram saw the same stages.
    const scrape = (await t.request('GET', '/metrics')).text;
    expect(scrape).toMatch(/^memory_search_stage_duration_seconds_count\{stage="candidates"\} [1-9]/m);
  });

  it('context assembly: tokens and budget on its span, ranking and packing beneath it', async () => {
    const tenant = await newTenant(t);
    await t.request(
      'POST',
      '/api/v1/memories',
      { tenant_id: tenant, namespace: 'notes', content: 'The user prefers metric units', create_namespace: true },
      admin,
    );
    const { response, parent } = await traced('POST', '/api/v1/context', {
      tenant_id: tenant,
      namespace: 'notes',
      query: 'which units',
      token_budget: 300,
    });
    expect(response.status).toBe(200);
    const [assemble] = named(childrenOf(parent), 'context.assemble');
    expect(assemble.attributes).toMatchObject({
      'engram.tenant': hashOf(tenant),
      'engram.namespace': 'notes',
      'engram.token_budget': 300,
      'engram.tokens': (response.body as { tokens_used: number }).tokens_used,
    });
    expect(childrenOf(assemble).map((span) => span.name)).toEqual(
      expect.arrayContaining(['search.rank', 'context.pack']),
    );
  });

  it('a job enqueued by a request runs in a span of that request’s trace (BullMQ on Redis)', async () => {
    expect(t.queue.driver).toBe('bullmq');
    const tenant = await newTenant(t);
    const requestId = `erase-${randomBytes(4).toString('hex')}`;
    const { response, parent } = await trace
      .getTracer('test')
      .startActiveSpan('request', { kind: SpanKind.SERVER }, async (span) => {
        try {
          return {
            response: await t.request('DELETE', `/api/v1/admin/tenants/${tenant}`, undefined, {
              ...admin,
              'x-request-id': requestId,
            }),
            parent: span,
          };
        } finally {
          span.end();
        }
      });
    expect(response.status).toBeLessThan(300);
    const job = await eventually(
      async () =>
        named(spans(), 'job tenants.erase').find((span) => span.attributes['engram.request_id'] === requestId),
      15_000,
    );
    expect(job.kind).toBe(SpanKind.CONSUMER);
    expect(job.spanContext().traceId).toBe(parent.spanContext().traceId);
    expect(job.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'tenants.erase',
      'engram.job.attempt': 1,
    });
  });

  it('a refused search is a span with its outcome, not an error, and no message', async () => {
    const tenant = await newTenant(t);
    const { response, parent } = await traced('POST', '/api/v1/memories/search', {
      tenant_id: tenant,
      namespace: 'no-such-namespace',
      query: 'anything',
    });
    expect(response.status).toBe(404);
    const [rank] = named(childrenOf(parent), 'search.rank');
    expect(rank.attributes['engram.outcome']).toBe('not_found');
    expect(rank.status.code).toBe(0);
    expect(rank.events).toEqual([]);
  });
});

describe('tracing without an endpoint', () => {
  it('starts nothing: no exporter, the no-op tracer, no spans', async () => {
    const tracing = await startTracing(parseConfig({}), { serviceName: 'engram-api' });
    expect(tracing.enabled).toBe(false);
    expect(tracingEnabled()).toBe(false);
    const span = trace.getTracer('engram').startSpan('probe', {}, ROOT_CONTEXT);
    expect(span.isRecording()).toBe(false);
    expect(span.spanContext().traceId).toBe('00000000000000000000000000000000');
    span.end();
    await tracing.shutdown();
  });
});
