import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { z } from 'zod';
import { decodeCursor, encodeCursor, tenantIdSchema } from '@engram/common';
import { AuditService } from '@engram/audit';
import { MemoryCache } from '@engram/cache';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { JobQueue } from '@engram/jobs';
import { ApiKeysRepository } from './api-keys.repository';
import { InvalidationBus } from './invalidation.bus';
import {
  CreateTenantInput,
  ListTenantsQuery,
  PLAN_QUOTAS,
  QUOTA_NAMES,
  Quotas,
  TenantListView,
  TenantView,
  UpdateTenantInput,
  UsageView,
} from './tenants.dto';
import {
  TenantExistsError,
  TenantNotFoundError,
  TenantProtectedError,
  TenantStateError,
  TenantSuspendedError,
} from './tenants.errors';
import { TenantRow, TenantsRepository } from './tenants.repository';

export const GLOBAL_TENANT = 'global';

/** What the request path needs to know about a tenant, cached per replica. */
export interface TenantInfo {
  id: string;
  status: TenantRow['status'];
  plan: TenantRow['plan'];
  quotas: Quotas;
}

export function effectiveQuotas(row: Pick<TenantRow, 'plan' | 'quotas'>): Quotas {
  const quotas = { ...PLAN_QUOTAS[row.plan] };
  for (const name of QUOTA_NAMES) {
    const override = row.quotas[name];
    if (typeof override === 'number') {
      quotas[name] = override;
    }
  }
  return quotas;
}

function toView(row: TenantRow): TenantView {
  return {
    id: row.id,
    name: row.name,
    plan: row.plan,
    status: row.status,
    quotas: effectiveQuotas(row),
    quota_overrides: row.quotas as Partial<Quotas>,
    created_at: row.created_at.toISOString(),
    updated_at: row.updated_at.toISOString(),
  };
}

/** A tenant list cursor: the last tenant id seen. */
const tenantCursorSchema = z.strictObject({ i: tenantIdSchema });

/**
 * Tenant lifecycle (create, suspend, delete → erase) and the cached view of each tenant that
 * every data request consults. Cache entries live AUTH_CACHE_TTL_SECONDS and are dropped on
 * every replica when a tenant changes.
 */
@Injectable()
export class TenantsService implements OnModuleInit {
  private readonly logger = new Logger('TenantsService');
  private readonly cache = new Map<string, { info: TenantInfo | null; until: number }>();
  private readonly ttlMs: number;

  constructor(
    private readonly repository: TenantsRepository,
    private readonly keys: ApiKeysRepository,
    private readonly db: Database,
    private readonly bus: InvalidationBus,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    private readonly memoryCache: MemoryCache,
    config: ConfigService,
  ) {
    this.ttlMs = config.get('AUTH_CACHE_TTL_SECONDS') * 1000;
  }

  onModuleInit(): void {
    this.bus.subscribe((message) => {
      if (message.kind === 'tenant') {
        this.cache.delete(message.id);
      } else if (message.kind === 'all') {
        this.cache.clear();
      }
    });
  }

  async create(input: CreateTenantInput): Promise<TenantView> {
    const row = await this.repository.create({
      id: input.id,
      name: input.name,
      plan: input.plan,
      quotas: input.quotas ?? {},
    });
    if (!row) {
      throw new TenantExistsError(`tenant ${input.id} already exists`, {
        id: input.id,
      });
    }
    await this.db.transaction((tx) => this.bus.publish(tx, { kind: 'tenant', id: row.id }));
    return toView(row);
  }

  async get(id: string): Promise<TenantView> {
    return toView(await this.require(id));
  }

  /** `onlyId` restricts the listing to one tenant (for a caller bound to it). */
  async list(query: ListTenantsQuery, onlyId: string | null = null): Promise<TenantListView> {
    const afterId = query.cursor === undefined ? '' : decodeCursor(query.cursor, tenantCursorSchema).i;
    const rows = await this.repository.list({
      status: query.status,
      plan: query.plan,
      afterId,
      limit: query.limit,
      onlyId,
    });
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return {
      tenants: page.map(toView),
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor({ i: page[page.length - 1].id }, tenantCursorSchema) : null,
    };
  }

  async update(id: string, input: UpdateTenantInput): Promise<TenantView> {
    const row = await this.repository.update(id, input);
    if (!row) {
      throw new TenantNotFoundError(`no tenant ${id}`, { tenant_id: id });
    }
    await this.db.transaction((tx) => this.bus.publish(tx, { kind: 'tenant', id }));
    return toView(row);
  }

  suspend(id: string): Promise<TenantView> {
    if (id === GLOBAL_TENANT) {
      throw new TenantProtectedError('the global tenant cannot be suspended', {
        tenant_id: id,
      });
    }
    return this.transition(id, ['active', 'suspended'], 'suspended');
  }

  activate(id: string): Promise<TenantView> {
    return this.transition(id, ['active', 'suspended'], 'active');
  }

  /**
   * Marks the tenant pending_deletion and revokes its keys in one transaction (so no request
   * authenticates with them after this returns, on any replica), then queues the erasure. The
   * committed state is the record: if the job cannot be queued (Redis away), the answer is still
   * 202 and the workers' erase sweep (TENANT_ERASE_SWEEP_INTERVAL_SECONDS) does the erasure.
   */
  async delete(id: string): Promise<TenantView> {
    if (id === GLOBAL_TENANT) {
      throw new TenantProtectedError('the global tenant cannot be deleted', {
        tenant_id: id,
      });
    }
    const row = await this.db.withTenant(id, async (tx) => {
      const updated = await this.repository.setStatus(
        id,
        ['active', 'suspended', 'pending_deletion'],
        'pending_deletion',
        tx,
      );
      if (updated) {
        await this.keys.revokeAll(id, tx);
        await this.bus.publish(tx, { kind: 'tenant', id });
        // Revoked keys may sit in every replica's key cache under their hashes: drop them all.
        await this.bus.publish(tx, { kind: 'all' });
      }
      return updated;
    });
    if (!row) {
      throw new TenantNotFoundError(`no tenant ${id}`, { tenant_id: id });
    }
    // Its reads are refused from now on; a tenant created again under the id must find nothing cached.
    await this.memoryCache.invalidate(id, ['pins', 'memories']);
    try {
      await this.queue.add(
        'tenants.erase',
        { tenant_id: id },
        { jobId: `tenants-erase-${id}-${row.created_at.getTime()}` },
      );
    } catch (error) {
      this.logger.warn(
        `erase job for tenant ${id} not queued, the erase sweep will do it: ${(error as Error).message}`,
      );
    }
    this.audit.record({
      tenant_id: GLOBAL_TENANT,
      operation: 'tenant_delete',
      key: id,
      success: true,
      latency_ms: 0,
    });
    return toView(row);
  }

  async usage(id: string): Promise<UsageView> {
    const row = await this.require(id);
    const usage = await this.repository.usage(id);
    return {
      tenant_id: id,
      plan: row.plan,
      usage,
      quotas: effectiveQuotas(row),
    };
  }

  /** The cached tenant, or null if it does not exist. */
  async lookup(id: string): Promise<TenantInfo | null> {
    const now = Date.now();
    const cached = this.cache.get(id);
    if (cached && cached.until > now) {
      return cached.info;
    }
    const row = await this.repository.get(id);
    const info = row
      ? {
          id: row.id,
          status: row.status,
          plan: row.plan,
          quotas: effectiveQuotas(row),
        }
      : null;
    this.cache.set(id, { info, until: now + this.ttlMs });
    return info;
  }

  /**
   * The gate of every data route: the tenant must exist (404 tenant_not_found; a tenant being
   * deleted counts as gone) and be active (403 tenant_suspended).
   */
  async requireActive(id: string): Promise<TenantInfo> {
    const info = await this.lookup(id);
    if (!info || info.status === 'pending_deletion') {
      throw new TenantNotFoundError(`no tenant ${id}`, { tenant_id: id });
    }
    if (info.status === 'suspended') {
      throw new TenantSuspendedError(`tenant ${id} is suspended`, {
        tenant_id: id,
      });
    }
    return info;
  }

  private async require(id: string): Promise<TenantRow> {
    const row = await this.repository.get(id);
    if (!row) {
      throw new TenantNotFoundError(`no tenant ${id}`, { tenant_id: id });
    }
    return row;
  }

  private async transition(id: string, from: TenantRow['status'][], to: TenantRow['status']): Promise<TenantView> {
    const row = await this.db.transaction(async (tx) => {
      const updated = await this.repository.setStatus(id, from, to, tx);
      if (updated) {
        await this.bus.publish(tx, { kind: 'tenant', id });
      }
      return updated;
    });
    if (!row) {
      const existing = await this.require(id);
      throw new TenantStateError(`tenant ${id} is ${existing.status}`, {
        tenant_id: id,
        status: existing.status,
      });
    }
    return toView(row);
  }
}
