import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { EmbeddingsModule } from '@engram/embeddings';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule.forRoot({ logger: false }), EmbeddingsModule], controllers: [HealthController] })
export class HealthModule {}
