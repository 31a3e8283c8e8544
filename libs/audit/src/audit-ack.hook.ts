import { Injectable, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { AuditSink } from './audit-sink';

/**
 * Every HTTP response (success, error, denial) waits until the audit events its request
 * recorded are committed, so "acknowledged" implies "audited". A Fastify onSend hook rather than
 * a Nest interceptor, because guards' denials never reach interceptors. Absent in the worker,
 * which serves no HTTP.
 */
@Injectable()
export class AuditAckHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly sink: AuditSink,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance?.() as FastifyInstance | undefined;
    if (typeof fastify?.addHook !== 'function') {
      return;
    }
    fastify.addHook('onSend', async (_request, _reply, payload) => {
      await this.sink.confirm();
      return payload;
    });
  }
}
