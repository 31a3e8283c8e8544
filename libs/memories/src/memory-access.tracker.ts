import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { BatchBuffer } from '@engram/common';
import { ConfigService } from '@engram/config';
import { MemoriesRepository } from './memories.repository';

/**
 * Access statistics (count, last access) for memories returned by search and context, written
 * in batches off the request path: one UPDATE per flush, whatever the number of reads.
 */
@Injectable()
export class MemoryAccessTracker implements OnModuleInit, OnApplicationShutdown {
  private readonly buffer: BatchBuffer<{ tenantId: string; id: string }>;

  constructor(repository: MemoriesRepository, config: ConfigService) {
    this.buffer = new BatchBuffer({
      name: 'MemoryAccessTracker',
      maxItems: 5000,
      intervalMs: config.get('MEMORY_ACCESS_FLUSH_INTERVAL_MS'),
      write: async (items) => {
        const counts = new Map<string, { tenantId: string; id: string; count: number }>();
        for (const item of items) {
          const key = `${item.tenantId}\u0000${item.id}`;
          const entry = counts.get(key) ?? { ...item, count: 0 };
          entry.count++;
          counts.set(key, entry);
        }
        await repository.recordAccess([...counts.values()]);
      },
    });
  }

  onModuleInit(): void {
    this.buffer.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.buffer.stop();
  }

  record(tenantId: string, ids: string[]): void {
    this.buffer.add(...ids.map((id) => ({ tenantId, id })));
  }

  flush(): Promise<void> {
    return this.buffer.flush();
  }
}
