import { Module } from '@nestjs/common';
import { EmbeddingsModule } from '@engram/embeddings';
import { TenantsModule } from '@engram/tenants';
import { EmbeddingBacklogMetrics } from './embedding-metrics';
import { EmbedMemoriesHandler, EmbeddingJobs, EmbeddingSweepHandler } from './memories.embedding';
import { ReembedNamespaceHandler } from './memories.reembed';
import { MemoriesController } from './memories.controller';
import { MemoryExpiryHandler } from './memories.jobs';
import { MemoriesRepository } from './memories.repository';
import { MemoriesService } from './memories.service';
import { MemoryAccessTracker } from './memory-access.tracker';
import { MemoryEmbeddingsRepository } from './memory-embeddings.repository';
import { MemoryOperations } from './memory-operations';
import { NamespacesController } from './namespaces.controller';
import { NamespacesRepository } from './namespaces.repository';
import { NamespacesService } from './namespaces.service';

@Module({
  imports: [EmbeddingsModule, TenantsModule],
  controllers: [NamespacesController, MemoriesController],
  providers: [
    MemoriesRepository,
    MemoryEmbeddingsRepository,
    NamespacesRepository,
    MemoriesService,
    NamespacesService,
    MemoryOperations,
    MemoryAccessTracker,
    EmbeddingJobs,
    EmbeddingBacklogMetrics,
    EmbedMemoriesHandler,
    EmbeddingSweepHandler,
    ReembedNamespaceHandler,
    MemoryExpiryHandler,
  ],
  exports: [MemoriesService, NamespacesService, MemoryOperations, MemoryAccessTracker, EmbeddingsModule],
})
export class MemoriesModule {}
