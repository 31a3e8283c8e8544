import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiJsonResponse, Public } from '@engram/common';
import { Liveness, livenessSchema, readinessSchema } from './health.dto';
import { ReadinessService } from './readiness.service';

@ApiTags('health')
@Controller()
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

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
    const { ready, body } = await this.readiness.evaluate();
    await reply.status(ready ? 200 : 503).send(body);
  }
}
