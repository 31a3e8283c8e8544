import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createApi } from '../../apps/api/src/bootstrap';
import { EngramConfig, parseConfig } from '@engram/config';
import { InlineJobQueue, JobQueue } from '@engram/jobs';
import { AuditService } from '@engram/audit';
import { Database } from '@engram/db';
import { REDIS_URL_TEST } from './env';
import { TestDatabase, createTestDatabase } from './database';

export interface TestAppOptions {
  database?: 'postgres' | 'pglite';
  /** Use BullMQ on the test Redis (default) or the in-process queue. */
  queue?: 'bullmq' | 'inline';
  /** Extra environment, parsed by the real config schema. */
  env?: Record<string, string>;
  /** Process jobs in the app's process (default true, like `engram serve`). */
  worker?: boolean;
  /** Reuse a database (e.g. two apps on one database). */
  database_?: TestDatabase;
}

export interface TestResponse {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: any;
  text: string;
}

export interface TestApp {
  app: NestFastifyApplication;
  config: EngramConfig;
  database: TestDatabase;
  queue: JobQueue;
  /** The app's own pool, for assertions (safe on PGlite too). */
  db: Database;
  request(
    method: InjectOptions['method'],
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<TestResponse>;
  /** Sends buffered audit events and waits for queued jobs (inline queue) to finish. */
  settle(): Promise<void>;
  /** Listens on a random loopback port; returns the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export function uniqueTenant(label = 't'): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const database = options.database_ ?? (await createTestDatabase(options.database ?? 'postgres'));
  const queueKind = options.queue ?? 'bullmq';
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    QUEUE_PREFIX: `engram-test-${randomBytes(4).toString('hex')}`,
    AUDIT_FLUSH_INTERVAL_MS: '50',
    // The sentence model costs a worker and ~0.3 s per app; tests that exercise it ask for it.
    EMBEDDING_DEFAULT_MODEL: 'local-hash-384',
    ...(queueKind === 'bullmq' ? { REDIS_URL: REDIS_URL_TEST } : {}),
    ...options.env,
  });
  const inlineQueue = queueKind === 'inline' ? new InlineJobQueue() : undefined;
  const app = await createApi(config, {
    databaseUrl: database.url,
    embeddedDatabase: database.kind === 'pglite',
    worker: options.worker ?? true,
    queue: inlineQueue,
  });
  const queue = app.get(JobQueue);
  return {
    app,
    config,
    database,
    queue,
    db: app.get(Database),
    async request(method, url, body, headers = {}) {
      const response = await app.inject({
        method,
        url,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      let parsed: unknown = undefined;
      try {
        parsed = response.body.length ? JSON.parse(response.body) : undefined;
      } catch {
        parsed = undefined;
      }
      return { status: response.statusCode, headers: response.headers, body: parsed, text: response.body };
    },
    async settle() {
      await app.get(AuditService).flush();
      if (queue instanceof InlineJobQueue) {
        await queue.drain();
      }
    },
    async listen() {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.getHttpServer().address();
      if (address === null || typeof address === 'string') {
        throw new Error('no TCP address');
      }
      return `http://127.0.0.1:${address.port}`;
    },
    async close() {
      await app.close();
      if (!options.database_) {
        await database.drop();
      }
    },
  };
}

/** Polls until `check` returns a truthy value or the time runs out; always sleeps between tries. */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
