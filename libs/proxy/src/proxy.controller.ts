import { Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AsyncResource } from 'node:async_hooks';
import { Readable, pipeline } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  ApiErrors,
  ApiJsonBody,
  ApiJsonResponse,
  RequirePermission,
  ValidationError,
  parseOrThrow,
  schemaRef,
} from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { chatCompletionRequestSchema, chatCompletionSchema, modelListSchema } from './proxy.dto';
import { ProxyBodyTooLargeError } from './proxy.errors';
import { clientUpstreamAuthorization, readDirectives } from './proxy.headers';
import { StreamReplyTap, replyFromCompletion } from './proxy.reply';
import { ProxyService } from './proxy.service';
import { UpstreamCall, UpstreamClient, responseHeaders } from './proxy.upstream';

type Endpoint = 'chat_completions' | 'models';
type Outcome = 'answered' | 'upstream_timeout' | 'upstream_unreachable' | 'client_aborted' | 'stream_failed';

const PROXY_ERRORS = {
  400: 'invalid_json, missing_model, invalid_model, missing_messages, invalid_messages, invalid_engram_header; or the upstream’s own 400, unchanged',
  413: 'proxy_body_too_large, payload_too_large',
  502: 'upstream_unreachable',
  503: 'proxy_not_configured (no PROXY_UPSTREAM_URL), database_unavailable',
  504: 'upstream_timeout',
};

/**
 * An OpenAI-compatible door: POST /v1/chat/completions and GET /v1/models in front of
 * PROXY_UPSTREAM_URL (docs/proxy.md). Authentication, the rate limit and the route's permission
 * are the auth guard's, as on every route. The upstream's answer goes back as it came — status,
 * body, a stream chunk for chunk with backpressure — and a client that leaves mid-stream closes
 * the upstream request.
 */
@ApiTags('proxy')
@Controller('v1')
export class ProxyController {
  private readonly maxBodyBytes: number;
  private readonly requests;
  private readonly firstByte;

  constructor(
    private readonly proxy: ProxyService,
    private readonly upstream: UpstreamClient,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.maxBodyBytes = config.get('PROXY_MAX_BODY_BYTES');
    this.requests = metrics.counter(
      'proxy_requests_total',
      'Requests through the OpenAI-compatible proxy that reached the upstream step, by outcome and upstream status class',
      ['endpoint', 'outcome', 'status_class'],
    );
    this.firstByte = metrics.histogram(
      'proxy_upstream_response_seconds',
      'Time from sending to the upstream until its response headers arrived',
      ['endpoint', 'stream'],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    );
  }

  @Post('chat/completions')
  @HttpCode(200)
  @RequirePermission('proxy', 'write')
  @ApiOperation({
    summary:
      'OpenAI-compatible chat completion through the upstream, with assembled context injected and the exchange stored',
  })
  @ApiJsonBody(chatCompletionRequestSchema)
  @ApiResponse({
    status: 200,
    description: "the upstream's chat completion, unchanged; with stream: true, its server-sent events",
    content: {
      'application/json': { schema: schemaRef(chatCompletionSchema) },
      'text/event-stream': { schema: { type: 'string' } },
    },
  })
  @ApiErrors(PROXY_ERRORS)
  async chatCompletions(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.upstream.requireConfigured();
    if (typeof request.body !== 'object' || request.body === null || Array.isArray(request.body)) {
      throw new ValidationError('invalid_request', 'the body must be a chat completion request (a JSON object)', {
        path: [],
      });
    }
    const declared = Number(request.headers['content-length']);
    const size = Number.isFinite(declared) ? declared : Buffer.byteLength(JSON.stringify(request.body));
    if (size > this.maxBodyBytes) {
      throw this.tooLarge();
    }
    const input = parseOrThrow(chatCompletionRequestSchema, request.body, 'body');
    const directives = readDirectives(request.headers);
    const prepared = await this.proxy.prepare(input, directives);
    const stream = input.stream === true;
    const call = new UpstreamCall(this.upstream.timeoutMs);
    // A client gone before the answer is complete takes the upstream request down with it.
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        call.abort();
      }
    });
    const response = await this.send('chat_completions', stream, call, {
      method: 'POST',
      path: '/chat/completions',
      body: prepared.body,
      headers: request.headers,
      authorization: clientUpstreamAuthorization(request.headers),
    });
    const afterwards = AsyncResource.bind((text: string) => void this.proxy.afterExchange(prepared, text));
    if (stream && response.ok && response.body !== null) {
      await this.relayStream(response, call, reply, afterwards);
      return;
    }
    const body = await this.readBody('chat_completions', response, call);
    if (response.ok) {
      reply.raw.once('finish', () => afterwards(replyFromCompletion(body)));
    }
    await reply.status(response.status).headers(responseHeaders(response)).send(body);
  }

  @Get('models')
  @RequirePermission('proxy', 'read')
  @ApiOperation({ summary: "The upstream's model list (GET /models), passed through" })
  @ApiJsonResponse(200, modelListSchema, "the upstream's model list, unchanged")
  @ApiErrors({ 502: PROXY_ERRORS[502], 503: 'proxy_not_configured', 504: PROXY_ERRORS[504] })
  async models(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    this.upstream.requireConfigured();
    const call = new UpstreamCall(this.upstream.timeoutMs);
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) {
        call.abort();
      }
    });
    const response = await this.send('models', false, call, {
      method: 'GET',
      path: '/models',
      headers: request.headers,
      authorization: clientUpstreamAuthorization(request.headers),
    });
    const body = await this.readBody('models', response, call);
    await reply.status(response.status).headers(responseHeaders(response)).send(body);
  }

  private tooLarge(): ProxyBodyTooLargeError {
    return new ProxyBodyTooLargeError(`the request body is larger than ${this.maxBodyBytes} bytes`, {
      max_bytes: this.maxBodyBytes,
    });
  }

  private async send(
    endpoint: Endpoint,
    stream: boolean,
    call: UpstreamCall,
    request: Parameters<UpstreamClient['send']>[0],
  ): Promise<Response> {
    const started = process.hrtime.bigint();
    try {
      const response = await this.upstream.send(request, call);
      this.firstByte.observe({ endpoint, stream: String(stream) }, Number(process.hrtime.bigint() - started) / 1e9);
      return response;
    } catch (error) {
      this.count(
        endpoint,
        call.timedOut ? 'upstream_timeout' : call.aborted ? 'client_aborted' : 'upstream_unreachable',
      );
      throw error;
    }
  }

  /** A whole (non-streamed) body, under the same time limit. */
  private async readBody(endpoint: Endpoint, response: Response, call: UpstreamCall): Promise<Buffer> {
    try {
      const body = Buffer.from(await response.arrayBuffer());
      call.finish();
      this.count(endpoint, 'answered', response.status);
      return body;
    } catch (error) {
      this.count(
        endpoint,
        call.timedOut ? 'upstream_timeout' : call.aborted ? 'client_aborted' : 'upstream_unreachable',
      );
      throw this.upstream.failure(error, call);
    }
  }

  /**
   * The upstream's event stream, piped (so with backpressure) through a tap that reads the reply
   * for storage. Each chunk re-arms the upstream time limit; past it, or when the upstream breaks
   * off, the client's stream ends there (its status is already sent).
   */
  private async relayStream(
    response: Response,
    call: UpstreamCall,
    reply: FastifyReply,
    afterwards: (text: string) => void,
  ): Promise<void> {
    call.rearm();
    const tap = new StreamReplyTap(() => call.rearm());
    const source = Readable.fromWeb(response.body as unknown as WebReadableStream<Uint8Array>);
    pipeline(source, tap, (error) => {
      call.finish();
      if (error) {
        this.count(
          'chat_completions',
          call.aborted && !call.timedOut ? 'client_aborted' : 'stream_failed',
          response.status,
        );
        return;
      }
      this.count('chat_completions', 'answered', response.status);
    });
    reply.raw.once('finish', () => {
      if (!call.aborted) {
        afterwards(tap.reply);
      }
    });
    await reply.status(response.status).headers(responseHeaders(response)).send(tap);
  }

  private count(endpoint: Endpoint, outcome: Outcome, status?: number): void {
    const statusClass = status === undefined ? 'none' : `${Math.floor(status / 100)}xx`;
    this.requests.inc({ endpoint, outcome, status_class: statusClass });
  }
}
