import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  EngramClient,
  EngramError,
  NetworkError,
  RateLimitedError,
  TimeoutError,
  UnavailableError,
} from '@engram-memory/sdk';
import { backoffMs, parseRetryAfter } from './transport';

/**
 * Retries, backoff, Retry-After and timeouts, against a small HTTP server of this test's own
 * that answers what each case scripts (the real server does not fail on demand).
 */
interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  at: number;
}

type Reply = (response: ServerResponse, request: IncomingMessage) => void;

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  };
const unavailable = (headers: Record<string, string> = {}) =>
  json(503, { error: { code: 'database_unavailable', message: 'try later' }, request_id: 'req-503' }, headers);
const ok = json(200, { status: 'ok' });

class FakeServer {
  readonly seen: Seen[] = [];
  private replies: Reply[] = [];
  private readonly server: Server;

  constructor() {
    this.server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        this.seen.push({
          method: request.method ?? '',
          url: request.url ?? '',
          headers: request.headers,
          body,
          at: Date.now(),
        });
        const reply = this.replies.shift() ?? json(500, { error: { code: 'unscripted', message: 'no reply left' } });
        reply(response, request);
      });
    });
  }

  script(...replies: Reply[]): void {
    this.replies = replies;
    this.seen.length = 0;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

describe('SDK transport: retries, backoff, Retry-After, timeouts', () => {
  const server = new FakeServer();
  let baseUrl: string;
  const client = (options: ConstructorParameters<typeof EngramClient>[0] = {}) =>
    new EngramClient({ baseUrl, retry: { retries: 2, minDelayMs: 50, maxDelayMs: 2000 }, ...options });

  beforeAll(async () => {
    baseUrl = await server.start();
  });
  afterAll(() => server.stop());

  it('retries a GET answered 503, after a backoff, and returns the answer that follows', async () => {
    server.script(unavailable(), unavailable(), ok);
    expect(await client().health()).toEqual({ status: 'ok' });
    expect(server.seen).toHaveLength(3);
    const [first, second, third] = server.seen.map((request) => request.at);
    // Backoff: 25–50 ms, then 50–100 ms (half to all of min·2^attempt).
    expect(second - first).toBeGreaterThanOrEqual(20);
    expect(third - second).toBeGreaterThanOrEqual(45);
  });

  it('waits at least the Retry-After of a 503 or a 429', async () => {
    server.script(unavailable({ 'retry-after': '1' }), ok);
    await client().health();
    expect(server.seen[1].at - server.seen[0].at).toBeGreaterThanOrEqual(1000);

    server.script(json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1' }), ok);
    await client().pins.get('k');
    expect(server.seen[1].at - server.seen[0].at).toBeGreaterThanOrEqual(1000);
  });

  it('throws the last error when the retries are used up, with its code, status and request id', async () => {
    server.script(unavailable(), unavailable(), unavailable());
    const error = await rejection(client().memories.list());
    expect(error).toBeInstanceOf(UnavailableError);
    expect(error).toMatchObject({ code: 'database_unavailable', status: 503, requestId: 'req-503' });
    expect(server.seen).toHaveLength(3);
  });

  it('does not wait for a Retry-After longer than maxDelayMs: the error says when to come back', async () => {
    server.script(json(429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '30' }), ok);
    const error = await rejection(client().pins.list());
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ retryAfterMs: 30_000 });
    expect(server.seen).toHaveLength(1);
  });

  it('retries idempotent writes (pin upsert, memory create, delete) and never the others', async () => {
    for (const call of [
      (c: EngramClient) => c.pins.set('k', 1),
      (c: EngramClient) => c.remember('notes', 'text'),
      (c: EngramClient) => c.forget('00000000-0000-4000-8000-000000000000'),
      (c: EngramClient) => c.recall('query'),
      (c: EngramClient) => c.context('query', { namespace: 'notes' }),
    ]) {
      server.script(unavailable(), ok);
      await call(client());
      expect(server.seen).toHaveLength(2);
    }
    for (const call of [
      (c: EngramClient) => c.namespaces.create({ name: 'n' }),
      (c: EngramClient) => c.memories.update('00000000-0000-4000-8000-000000000000', { importance: 1 }),
      (c: EngramClient) => c.memories.createBatch({ namespace: 'n', memories: [{ content: 'x' }] }),
      (c: EngramClient) => c.tenants.create({ id: 'x', name: 'x' }),
      (c: EngramClient) => c.apiKeys.create('x', { name: 'x', role: 'machine' }),
    ]) {
      server.script(unavailable(), ok);
      expect(await rejection(call(client()))).toBeInstanceOf(UnavailableError);
      expect(server.seen).toHaveLength(1);
    }
  });

  it('does not retry other errors (a 400, a 500)', async () => {
    server.script(json(400, { error: { code: 'invalid_key', message: 'bad' }, request_id: 'r' }), ok);
    expect(await rejection(client().pins.get('k'))).toMatchObject({ code: 'invalid_key', status: 400 });
    server.script(json(500, { error: { code: 'internal_error', message: 'boom' }, request_id: 'r' }), ok);
    const error = await rejection(client().pins.get('k'));
    expect(error).toBeInstanceOf(EngramError);
    expect(error).toMatchObject({ code: 'internal_error', status: 500 });
    expect(server.seen).toHaveLength(1);
  });

  it('retries a dropped connection (a network error)', async () => {
    server.script((response) => response.socket?.destroy(), ok);
    expect(await client().health()).toEqual({ status: 'ok' });
    expect(server.seen).toHaveLength(2);
  });

  it('times an attempt out after timeoutMs (a TimeoutError), and retries it when idempotent', async () => {
    const slow: Reply = (response) => setTimeout(() => ok(response, undefined as never), 1500);
    server.script(slow, slow);
    const started = Date.now();
    const error = await rejection(client({ timeoutMs: 200, retry: { retries: 1, minDelayMs: 10 } }).health());
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error).toMatchObject({ code: 'timeout', status: 0 });
    expect(Date.now() - started).toBeLessThan(1400);
    expect(server.seen).toHaveLength(2);
  });

  it("throws the caller's abort reason, without retrying", async () => {
    server.script((response) => setTimeout(() => ok(response, undefined as never), 1000), ok);
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('user gave up')), 100);
    const error = await rejection(client().health({ signal: controller.signal }));
    expect(error).toEqual(new Error('user gave up'));
    expect(server.seen).toHaveLength(1);
  });

  it('without AbortSignal.any (before Node 20.3), the timeout and the abort still apply together', async () => {
    const any = AbortSignal.any;
    (AbortSignal as { any?: unknown }).any = undefined;
    try {
      const hang: Reply = (response) => setTimeout(() => ok(response, undefined as never), 1000);
      server.script(hang);
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('stop')), 50);
      expect(await rejection(client().health({ signal: controller.signal }))).toEqual(new Error('stop'));
      server.script(hang);
      const timedOut = client({ timeoutMs: 100, retry: false }).health({ signal: new AbortController().signal });
      expect(await rejection(timedOut)).toBeInstanceOf(TimeoutError);
    } finally {
      AbortSignal.any = any;
    }
  });

  it('an error answer that is not JSON still becomes an EngramError (code http_<status>)', async () => {
    server.script((response) => {
      response.writeHead(502, { 'content-type': 'text/html', 'x-request-id': 'proxy-1' });
      response.end('<html>bad gateway</html>');
    });
    expect(await rejection(client().health())).toMatchObject({ code: 'http_502', status: 502, requestId: 'proxy-1' });
  });

  it('sends the credential (X-API-Key or Bearer) and the tenant (query on reads, body on writes)', async () => {
    server.script(ok, ok, ok);
    const key = 'eng_' + 'a'.repeat(64);
    await client({ apiKey: key, tenantId: 'acme' }).pins.get('config:x');
    await client({ token: 'admin-token', tenantId: 'acme' }).pins.set('config:x', { a: 1 });
    await client({ token: 'admin-token', tenantId: 'acme' }).tenants.get('acme');
    const [read, write, admin] = server.seen;
    expect(read).toMatchObject({ method: 'GET', url: '/api/v1/memory/pins/config%3Ax?tenant_id=acme' });
    expect(read.headers['x-api-key']).toBe(key);
    expect(read.headers.authorization).toBeUndefined();
    expect(write.headers.authorization).toBe('Bearer admin-token');
    expect(write.headers['content-type']).toBe('application/json');
    expect(JSON.parse(write.body)).toEqual({ tenant_id: 'acme', key: 'config:x', value: { a: 1 } });
    expect(admin.url).toBe('/api/v1/admin/tenants/acme');
  });

  it('parses Retry-After as seconds or an HTTP date; backoff stays within half and all of min·2^n, capped', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const retry = { retries: 5, minDelayMs: 100, maxDelayMs: 1000 };
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n, retry, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 4].map((n) => backoffMs(n, retry, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });
});
