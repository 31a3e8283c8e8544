import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EmbeddingsModule } from '@engram/embeddings';
import { HealthController } from './health.controller';
import { ReadinessService } from './readiness.service';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), EmbeddingsModule],
  controllers: [HealthController],
  providers: [ReadinessService],
})
export class HealthModule {}
