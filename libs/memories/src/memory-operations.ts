import { Injectable } from '@nestjs/common';
import { MemoryCache } from '@engram/cache';
import { MetricsService, outcomeOf, timed } from '@engram/metrics';

/**
 * memory_service_operations_total / memory_service_latency_seconds for every memory, namespace,
 * search and context operation, so one dashboard covers the memory service.
 */
@Injectable()
export class MemoryOperations {
  private readonly operations;
  private readonly latency;

  constructor(
    metrics: MetricsService,
    private readonly cache: MemoryCache,
  ) {
    this.operations = metrics.counter('memory_service_operations_total', 'Memory service operations by outcome', [
      'operation',
      'status',
    ]);
    this.latency = metrics.histogram('memory_service_latency_seconds', 'Memory service operation latency', [
      'operation',
    ]);
  }

  observe<T>(operation: string, work: () => Promise<T>): Promise<T> {
    return timed(this.latency, { operation }, work, {
      success: 'success',
      classify: outcomeOf,
      settled: (status) => this.operations.inc({ operation, status }),
    });
  }

  /**
   * A write: observed like any operation, then the tenant's cached contexts are invalidated
   * whether it returned or threw (a commit may precede a later failure, such as queueing an
   * embedding), before the caller answers. See docs/cache.md.
   */
  write<T>(operation: string, tenantId: string, work: () => Promise<T>): Promise<T> {
    return this.observe(operation, async () => {
      try {
        return await work();
      } finally {
        await this.cache.invalidate(tenantId, ['memories']);
      }
    });
  }

  /** For writes outside a service operation (jobs: vectors stored, a model switched). */
  invalidate(tenantId: string): Promise<void> {
    return this.cache.invalidate(tenantId, ['memories']);
  }
}
