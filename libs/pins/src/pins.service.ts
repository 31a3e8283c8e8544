import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@engram/audit';
import { MemoryCache } from '@engram/cache';
import { decodeCursor, encodeCursor } from '@engram/common';
import { ConfigService } from '@engram/config';
import { FeatureFlagsService } from '@engram/flags';
import { MetricsService, VALUE_SIZE_BUCKETS, outcomeOf, timed } from '@engram/metrics';
import { CleanupView, ListPinsQuery, PinListView, PinView, UpsertPinInput, pinKeySchema } from './pins.dto';
import { PinNotFoundError, PinValueTooLargeError } from './pins.errors';
import { PinRow, PinsRepository } from './pins.repository';

type PinOperation = 'upsert' | 'get' | 'list' | 'delete' | 'cleanup' | 'expire';

/** A cached pin read: the view and the hash its audit event records. */
interface CachedPin {
  pin: PinView;
  valueHash: string;
}

export interface UpsertResult {
  pin: PinView;
  created: boolean;
}

function toView(row: Omit<PinRow, 'value_hash'>): PinView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    key: row.key,
    value: row.value,
    source: row.source,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
  };
}

/** A pin list cursor: the last key seen. */
const pinCursorSchema = z.strictObject({ k: pinKeySchema });

/**
 * Pins: per-tenant JSON values under a key, optionally expiring. Every operation is timed,
 * counted and audited, whether it succeeds or not. With the `memory_pins_enabled` flag off (for
 * the platform or the tenant) reads and writes answer 403 feature_disabled.
 */
@Injectable()
export class PinsService {
  private readonly maxValueBytes: number;
  private readonly cleanupBatchSize: number;
  private readonly operations;
  private readonly latency;
  private readonly serviceOperations;
  private readonly serviceLatency;
  private readonly valueSize;

  constructor(
    private readonly repository: PinsRepository,
    private readonly audit: AuditService,
    private readonly cache: MemoryCache,
    config: ConfigService,
    metrics: MetricsService,
    private readonly flags: FeatureFlagsService,
  ) {
    this.maxValueBytes = config.get('PIN_VALUE_MAX_BYTES');
    this.cleanupBatchSize = config.get('PIN_CLEANUP_BATCH_SIZE');
    this.operations = metrics.counter('memory_pins_operations_total', 'Pin operations by outcome', [
      'operation',
      'status',
    ]);
    this.latency = metrics.histogram('memory_pins_latency_seconds', 'Pin operation latency', ['operation']);
    this.serviceOperations = metrics.counter(
      'memory_service_operations_total',
      'Memory service operations by outcome',
      ['operation', 'status'],
    );
    this.serviceLatency = metrics.histogram('memory_service_latency_seconds', 'Memory service operation latency', [
      'operation',
    ]);
    this.valueSize = metrics.histogram(
      'memory_value_size_bytes',
      'Size of each pin value (JSON) and memory content (UTF-8) written',
      ['kind'],
      VALUE_SIZE_BUCKETS,
    );
  }

  async upsert(tenantId: string, input: UpsertPinInput): Promise<UpsertResult> {
    return this.observe('upsert', tenantId, input.key, async () => {
      const valueJson = JSON.stringify(input.value);
      const bytes = Buffer.byteLength(valueJson, 'utf8');
      if (bytes > this.maxValueBytes) {
        throw new PinValueTooLargeError(`value is ${bytes} bytes; the limit is ${this.maxValueBytes}`, {
          field: 'value',
          bytes,
          limit: this.maxValueBytes,
        });
      }
      this.valueSize.observe({ kind: 'pin' }, bytes);
      const row = await this.written(tenantId, () =>
        this.repository.upsert(tenantId, {
          key: input.key,
          valueJson,
          source: input.source ?? null,
          ttlSeconds: input.ttl_seconds ?? null,
        }),
      );
      return { result: { pin: toView(row), created: row.created }, valueHash: row.value_hash };
    });
  }

  async get(tenantId: string, key: string): Promise<PinView> {
    return this.observe('get', tenantId, key, async () => {
      const { value } = await this.cache.read<CachedPin | null>(tenantId, 'pin', ['pins'], key, async () => {
        const row = await this.repository.get(tenantId, key);
        return {
          value: row ? { pin: toView(row), valueHash: row.value_hash } : null,
          // An absence is cached too: creating the pin is a write, and bumps the generation.
          expiresAt: row?.expires_at?.getTime() ?? null,
        };
      });
      if (!value) {
        throw new PinNotFoundError(`no pin ${key}`, { key });
      }
      return { result: value.pin, valueHash: value.valueHash };
    });
  }

  async list(tenantId: string, query: ListPinsQuery): Promise<PinListView> {
    return this.observe('list', tenantId, query.prefix ?? null, async () => {
      const afterKey = query.cursor === undefined ? '' : decodeCursor(query.cursor, pinCursorSchema).k;
      const { total, rows } = await this.repository.list(tenantId, {
        prefix: query.prefix ?? '',
        afterKey,
        limit: query.limit,
      });
      const page = rows.slice(0, query.limit);
      const hasMore = rows.length > query.limit;
      return {
        result: {
          pins: page.map(toView),
          total,
          has_more: hasMore,
          next_cursor: hasMore ? encodeCursor({ k: page[page.length - 1].key }, pinCursorSchema) : null,
        },
      };
    });
  }

  /** Live pins under any of the prefixes (context assembly's pinned entries), key order. */
  async listByPrefixes(tenantId: string, prefixes: string[], limit: number): Promise<PinView[]> {
    if (prefixes.length === 0) {
      return [];
    }
    return (await this.repository.listByPrefixes(tenantId, prefixes, limit)).map(toView);
  }

  async delete(tenantId: string, key: string): Promise<void> {
    await this.observe('delete', tenantId, key, async () => {
      const deleted = await this.written(tenantId, () => this.repository.delete(tenantId, key));
      if (!deleted) {
        throw new PinNotFoundError(`no pin ${key}`, { key });
      }
      return { result: undefined, valueHash: deleted.value_hash };
    });
  }

  /**
   * Deletes expired pins in batches (or counts them on a dry run). `tenantId` null covers
   * every tenant. Each affected tenant gets its own audit event.
   */
  async cleanup(
    tenantId: string | null,
    dryRun: boolean,
    operation: 'cleanup' | 'expire' = 'cleanup',
  ): Promise<CleanupView> {
    const started = performance.now();
    return timed(
      this.latency,
      { operation },
      async () => {
        const perTenant = dryRun ? await this.repository.countExpired(tenantId) : await this.deleteAllExpired(tenantId);
        if (!dryRun) {
          // Expired pins were already invisible to reads (and cached ones died at their expiry);
          // this only keeps the rule that every write bumps the generation.
          await Promise.all([...perTenant.keys()].map((tenant) => this.cache.invalidate(tenant, ['pins'])));
        }
        const latencyMs = performance.now() - started;
        for (const [tenant, count] of perTenant) {
          this.audit.record({
            tenant_id: tenant,
            operation: dryRun ? `${operation}_dry_run` : operation,
            success: true,
            latency_ms: latencyMs,
            affected: count,
          });
        }
        let total = 0;
        for (const count of perTenant.values()) {
          total += count;
        }
        return dryRun
          ? { deleted: 0, would_delete: total, dry_run: true, tenant_id: tenantId }
          : { deleted: total, dry_run: false, tenant_id: tenantId };
      },
      {
        success: 'success',
        settled: (status, seconds) => {
          this.operations.inc({ operation, status });
          this.serviceOperations.inc({ operation: `pin_${operation}`, status });
          this.serviceLatency.observe({ operation: `pin_${operation}` }, seconds);
          if (status !== 'success') {
            this.audit.record({
              tenant_id: tenantId ?? 'global',
              operation,
              success: false,
              latency_ms: seconds * 1000,
            });
          }
        },
      },
    );
  }

  private async deleteAllExpired(tenantId: string | null): Promise<Map<string, number>> {
    const totals = new Map<string, number>();
    for (;;) {
      const batch = await this.repository.deleteExpiredBatch(tenantId, this.cleanupBatchSize);
      let deleted = 0;
      for (const [tenant, count] of batch) {
        totals.set(tenant, (totals.get(tenant) ?? 0) + count);
        deleted += count;
      }
      if (deleted < this.cleanupBatchSize) {
        return totals;
      }
    }
  }

  /**
   * Runs a write, then invalidates the tenant's cached pins and contexts, whether the write
   * returned or threw (a commit may have happened before a later failure): before the response.
   */
  private async written<T>(tenantId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      await this.cache.invalidate(tenantId, ['pins']);
    }
  }

  /** Times, counts and audits one pin operation; `work` returns the value hash the audit records. */
  private async observe<T>(
    operation: PinOperation,
    tenantId: string,
    key: string | null,
    work: () => Promise<{ result: T; valueHash?: string }>,
  ): Promise<T> {
    let valueHash: string | null = null;
    return timed(
      this.latency,
      { operation },
      async () => {
        // Every door (REST, MCP, CLI) comes through here; cleanup and TTL expiry do not, on purpose.
        this.flags.requireEnabled('memory_pins_enabled', tenantId);
        const done = await work();
        valueHash = done.valueHash ?? null;
        return done.result;
      },
      {
        success: 'success',
        classify: outcomeOf,
        settled: (status, seconds) => {
          this.operations.inc({ operation, status });
          this.serviceOperations.inc({ operation: `pin_${operation}`, status });
          this.serviceLatency.observe({ operation: `pin_${operation}` }, seconds);
          this.audit.record({
            tenant_id: tenantId,
            operation,
            key,
            success: status === 'success',
            latency_ms: seconds * 1000,
            value_hash: valueHash,
          });
        },
      },
    );
  }
}
