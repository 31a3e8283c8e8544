import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { timed } from './timed';

/** Latency buckets for in-process work and single-round-trip queries (seconds). */
export const FAST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** memory_value_size_bytes (bytes): from a flag to the largest value the size limits allow. */
export const VALUE_SIZE_BUCKETS = [16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304];

/**
 * Owns one registry per application instance (not prom-client's global one), so two apps in
 * one process, as in tests, never share or clash on series.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private readonly dbDuration: Histogram<'repository' | 'method' | 'status'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.dbDuration = this.histogram(
      'engram_db_query_duration_seconds',
      'Duration of repository methods (one or more SQL round trips)',
      ['repository', 'method', 'status'],
    );
  }

  counter<L extends string>(name: string, help: string, labelNames: readonly L[]): Counter<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) {
      return existing as Counter<L>;
    }
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  histogram<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    buckets: number[] = FAST_BUCKETS,
  ): Histogram<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) {
      return existing as Histogram<L>;
    }
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  gauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect?: (this: Gauge<L>) => Promise<void> | void,
  ): Gauge<L> {
    const existing = this.registry.getSingleMetric(name);
    if (existing) {
      return existing as Gauge<L>;
    }
    return new Gauge({ name, help, labelNames, registers: [this.registry], ...(collect ? { collect } : {}) });
  }

  /** Times a repository method into engram_db_query_duration_seconds. */
  timeQuery<T>(repository: string, method: string, run: () => Promise<T>): Promise<T> {
    return timed(this.dbDuration, { repository, method }, run, { statusLabel: 'status' });
  }

  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
