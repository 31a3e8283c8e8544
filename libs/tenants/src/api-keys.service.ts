import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '@engram/common';
import { ConfigService } from '@engram/config';
import { Database } from '@engram/db';
import { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import { InvalidationBus } from './invalidation.bus';
import { ApiKeyView, CROSS_TENANT_ROLES, CreateApiKeyInput, CreatedApiKeyView } from './tenants.dto';
import { ApiKeyNotFoundError, TenantNotFoundError } from './tenants.errors';
import { GLOBAL_TENANT, TenantsService } from './tenants.service';

/** `eng_` and 32 random bytes in hex: recognisable in leaks (secret scanners), 256 bits of entropy. */
export const API_KEY_PATTERN = /^eng_[0-9a-f]{64}$/;
const PREFIX_LENGTH = 12;
/** Past this many cached lookups the cache starts over, so unknown keys cannot grow it forever. */
const MAX_CACHED_KEYS = 50_000;

export interface ApiKeyPrincipal {
  id: string;
  tenantId: string;
  role: string;
  scopes: string[] | null;
  boundUserId: string | null;
  boundAgentId: string | null;
}

export type ApiKeyCheck = { status: 'ok'; key: ApiKeyPrincipal } | { status: 'unknown' | 'revoked' | 'expired' };

interface CachedKey {
  row: ApiKeyRow | null;
  until: number;
}

export function hashApiKey(raw: string): Buffer {
  return createHash('sha256').update(raw).digest();
}

function toView(row: ApiKeyRow): ApiKeyView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    name: row.name,
    role: row.role,
    scopes: row.scopes,
    key_prefix: row.key_prefix,
    created_at: row.created_at.toISOString(),
    expires_at: row.expires_at?.toISOString() ?? null,
    revoked_at: row.revoked_at?.toISOString() ?? null,
    last_used_at: row.last_used_at?.toISOString() ?? null,
    user_id: row.bound_user_id,
    agent_id: row.bound_agent_id,
  };
}

/**
 * API keys: creation (the raw key is returned once), listing, revocation, and the lookup every
 * request makes. Lookups are cached per replica by key hash; a revocation drops the entry on
 * every replica through the invalidation bus at commit, and the cache's TTL bounds staleness
 * if a notification is ever missed. last_used_at is collected in memory and written in batches.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('ApiKeysService');
  private readonly cache = new Map<string, CachedKey>();
  private readonly ttlMs: number;
  private readonly touchIntervalMs: number;
  private pendingUses = new Map<string, { tenant_id: string; id: string; at: string }>();
  private timer: NodeJS.Timeout | undefined;
  /** Once true, stays true: keys existing is what ends open local mode, for good. */
  private keysExist = false;
  private keysExistCheckedUntil = 0;

  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly tenants: TenantsService,
    private readonly db: Database,
    private readonly bus: InvalidationBus,
    config: ConfigService,
  ) {
    this.ttlMs = config.get('AUTH_CACHE_TTL_SECONDS') * 1000;
    this.touchIntervalMs = config.get('API_KEY_TOUCH_INTERVAL_SECONDS') * 1000;
  }

  onModuleInit(): void {
    this.bus.subscribe((message) => {
      if (message.kind === 'key') {
        this.cache.delete(message.hash);
      } else if (message.kind === 'all') {
        this.cache.clear();
        this.keysExistCheckedUntil = 0;
      } else if (message.kind === 'keys_exist') {
        this.keysExist = true;
      }
    });
    this.timer = setInterval(() => void this.flushUses(), this.touchIntervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.flushUses();
  }

  async create(tenantId: string, input: CreateApiKeyInput): Promise<CreatedApiKeyView> {
    if (CROSS_TENANT_ROLES.includes(input.role) && tenantId !== GLOBAL_TENANT) {
      throw new ValidationError(
        'invalid_role',
        `role ${input.role} acts across tenants: create it under ${GLOBAL_TENANT}`,
        {
          field: 'role',
        },
      );
    }
    const tenant = await this.tenants.lookup(tenantId);
    if (!tenant || tenant.status === 'pending_deletion') {
      throw new TenantNotFoundError(`no tenant ${tenantId}`, {
        tenant_id: tenantId,
      });
    }
    const raw = `eng_${randomBytes(32).toString('hex')}`;
    const row = await this.db.withTenant(tenantId, async (tx) => {
      const inserted = await this.repository.insert(
        tenantId,
        {
          name: input.name,
          role: input.role,
          scopes: input.scopes ?? null,
          hash: hashApiKey(raw),
          prefix: raw.slice(0, PREFIX_LENGTH),
          expiresAt: input.expires_at ?? null,
          boundUserId: input.user_id ?? null,
          boundAgentId: input.agent_id ?? null,
        },
        tx,
      );
      await this.repository.markKeyCreated(tx);
      await this.bus.publish(tx, { kind: 'keys_exist' });
      return inserted;
    });
    return { ...toView(row), key: raw };
  }

  async list(tenantId: string): Promise<ApiKeyView[]> {
    return (await this.repository.list(tenantId)).map(toView);
  }

  async revoke(tenantId: string, keyId: string): Promise<void> {
    const revoked = await this.db.withTenant(tenantId, async (tx) => {
      const row = await this.repository.revoke(tenantId, keyId, tx);
      if (row) {
        await this.bus.publish(tx, {
          kind: 'key',
          hash: row.key_hash.toString('hex'),
        });
      }
      return row;
    });
    if (!revoked) {
      throw new ApiKeyNotFoundError(`no API key ${keyId}`, { key_id: keyId });
    }
  }

  /**
   * Finds the key a request presents. The key is matched by its SHA-256 through an index and a
   * map, so no comparison of secret bytes happens whose timing could leak them.
   */
  async check(raw: string, now = Date.now()): Promise<ApiKeyCheck> {
    const hash = hashApiKey(raw);
    const hashHex = hash.toString('hex');
    let cached = this.cache.get(hashHex);
    if (!cached || cached.until <= now) {
      const row = await this.repository.findByHash(hash);
      if (this.cache.size >= MAX_CACHED_KEYS) {
        this.cache.clear();
      }
      cached = { row, until: now + this.ttlMs };
      this.cache.set(hashHex, cached);
    }
    const row = cached.row;
    if (!row) {
      return { status: 'unknown' };
    }
    if (row.revoked_at !== null) {
      return { status: 'revoked' };
    }
    if (row.expires_at !== null && row.expires_at.getTime() <= now) {
      return { status: 'expired' };
    }
    this.pendingUses.set(row.id, {
      tenant_id: row.tenant_id,
      id: row.id,
      at: new Date(now).toISOString(),
    });
    return {
      status: 'ok',
      key: {
        id: row.id,
        tenantId: row.tenant_id,
        role: row.role,
        scopes: row.scopes,
        boundUserId: row.bound_user_id,
        boundAgentId: row.bound_agent_id,
      },
    };
  }

  /**
   * Whether an API key was ever created in this database (cached; a creation anywhere is heard
   * at once). Read from a fact recorded with the first key, not from the keys themselves, which
   * tenant erasure deletes.
   */
  async keyEverCreated(): Promise<boolean> {
    if (this.keysExist || this.keysExistCheckedUntil > Date.now()) {
      return this.keysExist;
    }
    this.keysExist = await this.repository.keyEverCreated();
    this.keysExistCheckedUntil = Date.now() + this.ttlMs;
    return this.keysExist;
  }

  /** Writes the collected last uses in one statement; on failure they wait for the next flush. */
  async flushUses(): Promise<void> {
    if (this.pendingUses.size === 0) {
      return;
    }
    const uses = this.pendingUses;
    this.pendingUses = new Map();
    try {
      await this.repository.touch([...uses.values()]);
    } catch (error) {
      for (const [id, use] of uses) {
        if (!this.pendingUses.has(id)) {
          this.pendingUses.set(id, use);
        }
      }
      this.logger.warn(`last_used_at not written, will retry: ${(error as Error).message}`);
    }
  }
}
