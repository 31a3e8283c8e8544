import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import {
  OpenModeCrossSiteInterceptor,
  PinoNestLogger,
  completeOpenApiDocument,
  createLogger,
  requestContext,
} from '@engram/common';
import { EngramConfig } from '@engram/config';
import { MetricsService, recordHttpMetrics } from '@engram/metrics';
import { RuntimeOptions } from '@engram/runtime';
import { traceHttpRequests } from '@engram/tracing';
import { ApiModule } from './api.module';

/** A caller's X-Request-Id is kept only if it is short and plain, so it is safe in logs. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/** Room for the largest pin value plus JSON framing; the value limit itself answers 413 precisely. */
function bodyLimit(config: EngramConfig): number {
  return Math.max(8 * 1024 * 1024, config.PIN_VALUE_MAX_BYTES * 2 + 64 * 1024);
}

export async function createApi(config: EngramConfig, runtime: RuntimeOptions): Promise<NestFastifyApplication> {
  const logger = createLogger(config.LOG_LEVEL, runtime.logTo);
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: bodyLimit(config),
    genReqId: (request: { headers: Record<string, string | string[] | undefined> }) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID_PATTERN.test(given) ? given : randomUUID();
    },
    routerOptions: { maxParamLength: 1024 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, runtime), adapter, {
    logger: new PinoNestLogger(logger),
    bufferLogs: false,
    // Nest would add a form (x-www-form-urlencoded) parser: a body type browsers send cross-site
    // without a preflight. Fastify's own JSON parser is the only one the API needs.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    requestContext.run({ requestId: request.id }, done);
  });
  recordHttpMetrics(fastify, app.get(MetricsService));
  traceHttpRequests(fastify);

  // The API speaks JSON only: any other body type is answered 415 unsupported_media_type.
  fastify.removeContentTypeParser(['text/plain']);
  await fastify.register(helmet, {
    // A JSON API: nothing it serves may run scripts, load resources or be framed.
    contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
  });
  app.useGlobalInterceptors(new OpenModeCrossSiteInterceptor());

  const document = openApiDocument(app);
  fastify.get('/openapi.json', (_request, reply) => {
    void reply.send(document);
  });

  try {
    await app.init();
  } catch (error) {
    // A refused boot (e.g. an unsafe database role) must not leave pools and queues open.
    await app.close().catch(() => undefined);
    throw error;
  }
  return app;
}

export function openApiDocument(app: NestFastifyApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Engram')
    .setDescription('Multi-tenant memory service for AI agents')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'an API key, a JWT or the admin token' })
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'an API key' }, 'apiKey')
    .addApiKey(
      { type: 'apiKey', in: 'header', name: 'X-Machine-Token', description: 'the machine token' },
      'machineToken',
    )
    .addSecurityRequirements('bearer')
    .addSecurityRequirements('apiKey')
    .addSecurityRequirements('machineToken')
    .build();
  return completeOpenApiDocument(SwaggerModule.createDocument(app, config));
}
