import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { RequirePermission, ScrapeEndpoint } from '@engram/common';
import { MetricsService } from './metrics.service';

/**
 * Prometheus scrape endpoint. Series carry no tenant data or secrets, but they do describe the
 * deployment: a scraper sends METRICS_TOKEN (or any credential granting metrics:read); with no
 * token configured the endpoint is open on a loopback HOST only.
 */
@ApiExcludeController()
@Controller()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get('metrics')
  @RequirePermission('metrics', 'read')
  @ScrapeEndpoint()
  @Header('cache-control', 'no-store')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    await reply.header('content-type', contentType).send(body);
  }
}
