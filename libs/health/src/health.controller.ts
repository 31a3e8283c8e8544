import { Controller, Get, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiJsonResponse, Public } from '@engram/common';
import { Database } from '@engram/db';
import { EmbeddingModels } from '@engram/embeddings';
import { JobQueue } from '@engram/jobs';
import { Liveness, livenessSchema, readinessSchema } from './health.dto';

const CHECK_TIMEOUT_MS = 2000;

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: Database,
    private readonly queue: JobQueue,
    private readonly embeddings: EmbeddingModels,
  ) {}

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiJsonResponse(200, livenessSchema, 'alive')
  live(): Liveness {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({ summary: 'Readiness: Postgres and the queue answer (503 with the failing check otherwise)' })
  @ApiJsonResponse(200, readinessSchema, 'ready: every check is up')
  @ApiJsonResponse(503, readinessSchema, 'not ready: `error` names the failing checks')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    try {
      const result = await this.health.check([
        () =>
          this.indicators
            .check('database')
            .attempt(() => this.database.ping())
            .withTimeout(CHECK_TIMEOUT_MS),
        () =>
          this.indicators
            .check('queue')
            .attempt(async () => {
              await this.queue.ping();
              return { driver: this.queue.driver };
            })
            .withTimeout(CHECK_TIMEOUT_MS),
        // Never down: without its configured model the service still embeds (with the hash
        // model), so this only reports the fallback.
        () => this.indicators.check('embeddings').up({ ...this.embeddings.defaultModelStatus() }),
      ]);
      await reply.status(200).send(result);
    } catch (error) {
      // Terminus reports a failed check as a 503 whose body is the per-check result.
      if (error instanceof ServiceUnavailableException) {
        await reply.status(503).send(error.getResponse());
        return;
      }
      throw error;
    }
  }
}
