import { Module } from '@nestjs/common';
import { EmbeddingsModule } from '@engram/embeddings';
import { DriftController } from './drift.controller';
import { DriftRepository } from './drift.repository';
import { DriftService } from './drift.service';

@Module({
  imports: [EmbeddingsModule],
  controllers: [DriftController],
  providers: [DriftRepository, DriftService],
  exports: [DriftService],
})
export class DriftModule {}
