import { Injectable } from '@nestjs/common';
import { MetricsService, outcomeOf, timed } from '@engram/metrics';

/**
 * memory_service_operations_total / memory_service_latency_seconds for every memory, namespace,
 * search and context operation, so one dashboard covers the memory service.
 */
@Injectable()
export class MemoryOperations {
  private readonly operations;
  private readonly latency;

  constructor(metrics: MetricsService) {
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
}
