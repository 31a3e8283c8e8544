import { Module } from '@nestjs/common';
import { EmbeddingModels } from './embedding-models';

@Module({ providers: [EmbeddingModels], exports: [EmbeddingModels] })
export class EmbeddingsModule {}
