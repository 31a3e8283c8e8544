import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { eventually, uniqueTenant } from '@engram/test-support/app';
import { TestDatabase, createPostgresDatabase } from '@engram/test-support/database';
import { REDIS_URL_TEST } from '@engram/test-support/env';
import { CollectedSpan, FakeOtlpCollector, startFakeOtlpCollector } from '@engram/test-support/fake-otlp-collector';
import { freePort } from '@engram/test-support/net';
import { stopProcess } from '@engram/test-support/cli';

/**
 * The built CLI as production runs it (`engram serve` on Postgres and BullMQ on Redis), with
 * OTEL_EXPORTER_OTLP_ENDPOINT pointing at a collector this test runs: the preload order really
 * instruments `http` and `pg`, the OTLP exporter really sends, and the log lines on stdout carry
 * the trace ids next to the request ids. `npm test` builds dist/ first.
 */
const ROOT = join(__dirname, '../../..');
const CLI = join(ROOT, 'dist/apps/cli/src/main.js');
const SERVER = 2; // OTLP's SPAN_KIND_SERVER
const CONSUMER = 5;

describe('engram serve exporting spans over OTLP/HTTP', () => {
  let collector: FakeOtlpCollector;
  let database: TestDatabase;
  let child: ChildProcess | undefined;
  let base: string;
  const logLines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    collector = await startFakeOtlpCollector();
    database = await createPostgresDatabase();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, [CLI, 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        DATABASE_URL: database.url,
        REDIS_URL: REDIS_URL_TEST,
        QUEUE_PREFIX: `engram-test-${randomBytes(4).toString('hex')}`,
        EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        ENGRAM_TRACE_TENANT_KEY: randomBytes(16).toString('hex'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        try {
          logLines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not a log line
        }
      }
    });
    await eventually(async () => (await fetch(`${base}/ready`, { signal: AbortSignal.timeout(5000) })).ok, 60_000, 200);
  }, 90_000);
  afterAll(async () => {
    if (child) {
      await stopProcess(child);
    }
    await collector?.close();
    await database?.drop();
  });

  async function call(method: string, path: string, requestId: string, body?: unknown): Promise<number> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-request-id': requestId, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    return response.status;
  }

  const serverSpan = (requestId: string) =>
    eventually(async () =>
      collector.spans.find((span) => span.kind === SERVER && span.attributes['engram.request_id'] === requestId),
    );
  const inTrace = (traceId: string) => collector.spans.filter((span) => span.traceId === traceId);

  it('a search: server span by route, stage spans and Postgres query spans in one trace, no literals', async () => {
    const tenant = uniqueTenant('otlp');
    expect(await call('POST', '/api/v1/admin/tenants', `t-${tenant}`, { id: tenant, name: 'Otlp' })).toBe(201);
    const seeded = await call('POST', '/api/v1/memories', `m-${tenant}`, {
      tenant_id: tenant,
      namespace: 'facts',
      content: 'Invoices go out on the first Monday',
      create_namespace: true,
    });
    expect(seeded).toBe(201);
    const requestId = `search-${randomBytes(4).toString('hex')}`;
    const body = { tenant_id: tenant, namespace: 'facts', query: 'when do invoices go out', k: 3 };
    expect(await call('POST', '/api/v1/memories/search', requestId, body)).toBe(200);

    const server = await serverSpan(requestId);
    expect(server.service).toBe('engram-api');
    expect(server.name).toBe('POST /api/v1/memories/search');
    expect(server.attributes).toMatchObject({ 'http.route': '/api/v1/memories/search' });
    const trace = await eventually(async () => {
      const spans = inTrace(server.traceId);
      return spans.some((span) => span.name === 'search.fuse') &&
        spans.filter((span) => span.scope === '@opentelemetry/instrumentation-pg').length >= 3
        ? spans
        : undefined;
    });
    const names = trace.map((span) => span.name);
    expect(names).toEqual(
      expect.arrayContaining(['search.rank', 'search.namespaces', 'search.embed', 'search.candidates', 'search.fuse']),
    );
    const queries = trace.filter((span: CollectedSpan) => span.scope === '@opentelemetry/instrumentation-pg');
    const statements = queries.map((span) =>
      String(span.attributes['db.query.text'] ?? span.attributes['db.statement'] ?? ''),
    );
    expect(statements.some((sql) => sql.includes('memory_embeddings') || sql.includes('lexical'))).toBe(true);
    // The tenant id travels as a literal in set_config and as $n parameters: neither reaches a span.
    expect(JSON.stringify(trace)).not.toContain(tenant);
    expect(statements.find((sql) => sql.includes('set_config'))).toContain("set_config('?', '?', true)");
    expect(collector.paths.every((path) => path === '/v1/traces')).toBe(true);

    // The request's log lines carry its id with the trace and span ids of the moment.
    const completed = await eventually(async () =>
      logLines.find((line) => line.reqId === requestId && line.msg === 'request completed'),
    );
    expect(completed).toMatchObject({ request_id: requestId, trace_id: server.traceId, span_id: server.spanId });
  });

  it('a job that a request enqueued joins its trace, and its log lines name that request and trace', async () => {
    const tenant = uniqueTenant('erase');
    expect(await call('POST', '/api/v1/admin/tenants', `t-${tenant}`, { id: tenant, name: 'Erase' })).toBe(201);
    const requestId = `erase-${randomBytes(4).toString('hex')}`;
    expect(await call('DELETE', `/api/v1/admin/tenants/${tenant}`, requestId)).toBeLessThan(300);
    const server = await serverSpan(requestId);
    expect(server.name).toBe('DELETE /api/v1/admin/tenants/:id');
    const job = await eventually(
      async () => collector.spans.find((span) => span.name === 'job tenants.erase' && span.traceId === server.traceId),
      15_000,
    );
    expect(job.kind).toBe(CONSUMER);
    expect(job.attributes).toMatchObject({ 'messaging.system': 'bullmq', 'engram.request_id': requestId });
    // Its own queries are children in the same trace.
    await eventually(async () =>
      inTrace(server.traceId).some(
        (span) => span.scope === '@opentelemetry/instrumentation-pg' && span.parentSpanId === job.spanId,
      ),
    );
    const erased = await eventually(async () =>
      logLines.find((line) => typeof line.msg === 'string' && line.msg.startsWith(`erased tenant ${tenant}`)),
    );
    expect(erased).toMatchObject({ job: 'tenants.erase', request_id: requestId, trace_id: server.traceId });
  });

  it('a clean shutdown exports what was still buffered', async () => {
    const requestId = `last-${randomBytes(4).toString('hex')}`;
    expect(await call('GET', '/api/v1/memory/pins/none', requestId)).toBe(404);
    expect(await stopProcess(child!)).toBe(0);
    child = undefined;
    const server = await serverSpan(requestId);
    expect(server.name).toBe('GET /api/v1/memory/pins/*');
    expect(collector.spans.length).toBeGreaterThan(20);
  });
});

describe('without OTEL_EXPORTER_OTLP_ENDPOINT', () => {
  it('the SDK is never loaded and http is not patched', () => {
    const script = `
      const { startTracing } = require('./dist/libs/tracing/src/index.js');
      const { parseConfig } = require('./dist/libs/config/src/index.js');
      startTracing(parseConfig({}), { serviceName: 'engram-api' }).then((tracing) => {
        const loaded = Object.keys(require.cache).filter((path) => /@opentelemetry[\\\\/](sdk-|exporter-|instrumentation)/.test(path));
        const http = require('node:http');
        console.log(JSON.stringify({ enabled: tracing.enabled, loaded, patched: '__wrapped' in http.Server.prototype.emit }));
      });`;
    const out = execFileSync(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH } });
    expect(JSON.parse(out.toString('utf8'))).toEqual({ enabled: false, loaded: [], patched: false });
  });
});
