import { Injectable } from '@nestjs/common';
import { AppError } from '@engram/common';
import { MetricsService } from '@engram/metrics';

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

  async observe<T>(operation: string, work: () => Promise<T>): Promise<T> {
    const end = this.latency.startTimer({ operation });
    let status = 'success';
    try {
      return await work();
    } catch (error) {
      status = error instanceof AppError ? (error.code.endsWith('_not_found') ? 'not_found' : 'rejected') : 'error';
      throw error;
    } finally {
      end();
      this.operations.inc({ operation, status });
    }
  }
}
