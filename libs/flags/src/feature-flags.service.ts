import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { ConfigService, EngramConfig } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { HotReloadedFile, LoadOutcome, ReloadAnnouncement, ReloadBroadcast } from '@engram/reload';
import { FEATURE_FLAGS, FeatureFlag, isFeatureFlag } from './feature-flags';
import { FileFlags, parseFlagsFile } from './flags-file';
import { EnvFlags, Resolved, envFlags, resolveFlag } from './flags-precedence';
import { FLAGS_FILE_BROADCAST, FLAG_OVERRIDES_BROADCAST } from './flags.constants';
import { EffectiveFlagView, FeatureFlagsView, FlagsFileInfo, FlagsReloadResult } from './flags.dto';
import { FeatureDisabledError, FeatureFlagNotFoundError, FlagsFileInvalidError } from './flags.errors';
import { FlagsRepository, TenantFlagRow } from './flags.repository';

interface Override {
  enabled: boolean;
  updatedAt: Date;
  updatedBy: string;
}

type TenantOverrides = Map<FeatureFlag, Override>;

/** With polling off, how often a start that could not read the overrides tries again. */
const BOOT_RETRY_MS = 1000;

/**
 * Answers whether a feature is on, for the platform or for one tenant. Reads are synchronous
 * map lookups (request paths ask on every call): the flags file is held by a HotReloadedFile,
 * environment overrides are read once at boot, and every tenant's overrides are kept in memory,
 * refreshed on a change here, on another replica's announcement, and by polling the table.
 * Precedence: tenant override > environment > file > default.
 */
@Injectable()
export class FeatureFlagsService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('FeatureFlags');
  private readonly instanceId = randomUUID();
  private readonly env: EnvFlags;
  private readonly file: HotReloadedFile<FileFlags>;
  private readonly pollIntervalMs: number;
  private overrides = new Map<string, TenantOverrides>();
  private poll: NodeJS.Timeout | undefined;
  /** One refresh of the in-memory overrides at a time, so an older read never lands last. */
  private refreshing: Promise<unknown> = Promise.resolve();
  private readonly enabledGauge;
  private readonly reloads;
  private readonly overrideGauge;

  constructor(
    config: ConfigService,
    metrics: MetricsService,
    private readonly repository: FlagsRepository,
    @Inject(FLAGS_FILE_BROADCAST) fileBroadcast: ReloadBroadcast,
    @Inject(FLAG_OVERRIDES_BROADCAST) private readonly overrideBroadcast: ReloadBroadcast,
  ) {
    this.env = envFlags((name) => config.get(name as keyof EngramConfig));
    this.pollIntervalMs = config.get('FLAGS_POLL_INTERVAL_MS');
    this.enabledGauge = metrics.gauge(
      'feature_flag_enabled',
      'A feature flag’s platform value (environment > file > default; tenant overrides not applied): 1 on, 0 off',
      ['flag'],
    );
    this.reloads = metrics.counter(
      'feature_flag_reloads_total',
      'Loads of the feature flags file by outcome (success, invalid, unchanged) and trigger',
      ['status', 'trigger'],
    );
    this.overrideGauge = metrics.gauge(
      'feature_flag_tenant_overrides',
      'Per-tenant overrides held in memory, per flag',
      ['flag'],
    );
    this.file = new HotReloadedFile<FileFlags>({
      name: 'feature flags',
      file: resolve(process.cwd(), config.get('FEATURE_FLAGS_FILE')),
      parse: parseFlagsFile,
      unreadable: (file, reason) => new FlagsFileInvalidError(file, [{ path: '(file)', message: reason }]),
      watch: {
        watch: config.get('FLAGS_WATCH'),
        debounceMs: config.get('FLAGS_WATCH_DEBOUNCE_MS'),
        pollIntervalMs: this.pollIntervalMs,
      },
      broadcast: fileBroadcast,
      onLoad: (outcome) => this.onFileLoad(outcome),
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.file.start();
    } catch (error) {
      if (error instanceof FlagsFileInvalidError) {
        // Fatal at boot: with no earlier file to fall back on, flags would silently flip to defaults.
        throw new Error(`Feature flags not loaded. ${error.message}`);
      }
      throw error;
    }
    await this.overrideBroadcast.start((announcement) => void this.onOverrideAnnouncement(announcement));
    // The service starts without the database (it answers from it when it is back): until the
    // overrides are read, tenants see the platform values, and reading is retried.
    const loaded = await this.refreshAll().then(
      () => true,
      (error: Error) => {
        this.logger.warn(`cannot read tenant overrides at start: ${error.message}; retrying`);
        return false;
      },
    );
    const every = this.pollIntervalMs > 0 ? this.pollIntervalMs : loaded ? 0 : BOOT_RETRY_MS;
    if (every > 0) {
      this.poll = setInterval(() => {
        this.refreshAll().then(
          () => {
            if (this.pollIntervalMs === 0) {
              clearInterval(this.poll);
            }
          },
          (error: Error) => this.logger.warn(`cannot refresh tenant overrides: ${error.message}`),
        );
      }, every);
      this.poll.unref();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.poll);
    await this.file.stop();
    await this.overrideBroadcast.close();
  }

  /** The flag's effective value for `tenantId` (its override applies), or for the platform. */
  isEnabled(flag: FeatureFlag, tenantId?: string): boolean {
    return this.resolve(flag, tenantId).enabled;
  }

  /** Throws FeatureDisabledError (403 feature_disabled, details.flag) when the flag is off. */
  requireEnabled(flag: FeatureFlag, tenantId?: string): void {
    if (!this.isEnabled(flag, tenantId)) {
      throw new FeatureDisabledError(flag);
    }
  }

  /** Every flag's effective value and source, for one tenant or (null) for the platform. */
  effective(tenantId: string | null): FeatureFlagsView {
    const overrides = tenantId === null ? undefined : this.overrides.get(tenantId);
    const flags = {} as Record<FeatureFlag, EffectiveFlagView>;
    for (const flag of FEATURE_FLAGS) {
      const override = overrides?.get(flag);
      flags[flag] = {
        ...this.resolve(flag, tenantId ?? undefined),
        tenant_override: override
          ? { enabled: override.enabled, updated_at: override.updatedAt.toISOString(), updated_by: override.updatedBy }
          : null,
      };
    }
    return { tenant_id: tenantId, flags, file: this.fileInfo() };
  }

  fileInfo(): FlagsFileInfo {
    const loaded = this.file.current();
    return {
      path: this.file.file,
      version: loaded.version,
      hash: loaded.hash,
      loaded_at: loaded.loadedAt.toISOString(),
      broadcast: this.file.transport,
    };
  }

  /** Loads the file now and announces it; throws FlagsFileInvalidError (422), keeping the last good one. */
  async reload(): Promise<FlagsReloadResult> {
    const { changed } = await this.file.reload();
    return { changed, file: this.fileInfo() };
  }

  /** Sets a tenant's override; seen at once here, and on other replicas when they hear of it or poll. */
  async setTenantOverride(
    tenantId: string,
    flag: FeatureFlag,
    enabled: boolean,
    updatedBy: string,
  ): Promise<TenantFlagRow | null> {
    const row = await this.repository.upsert(tenantId, this.flagNamed(flag), enabled, updatedBy);
    if (row) {
      await this.changed(tenantId);
    }
    return row;
  }

  /** Removes a tenant's override (if it had one): the flag falls back to env, file, default. */
  async clearTenantOverride(tenantId: string, flag: FeatureFlag): Promise<boolean> {
    const removed = await this.repository.delete(tenantId, this.flagNamed(flag));
    await this.changed(tenantId);
    return removed;
  }

  /** `flag` as a FeatureFlag; 404 feature_flag_not_found for a name that is none. */
  flagNamed(flag: string): FeatureFlag {
    if (!isFeatureFlag(flag)) {
      throw new FeatureFlagNotFoundError(flag);
    }
    return flag;
  }

  private resolve(flag: FeatureFlag, tenantId: string | undefined): Resolved {
    const tenant = tenantId === undefined ? undefined : this.overrides.get(tenantId)?.get(flag)?.enabled;
    return resolveFlag(flag, { tenant, env: this.env, file: this.fileFlags() });
  }

  /** Before the file is loaded (boot order), the file layer is empty: env and defaults answer. */
  private fileFlags(): FileFlags {
    try {
      return this.file.current().value;
    } catch {
      return {};
    }
  }

  private onFileLoad(outcome: LoadOutcome<FileFlags>): void {
    this.reloads.inc({ status: outcome.status, trigger: outcome.trigger });
    if (outcome.status === 'success') {
      for (const flag of FEATURE_FLAGS) {
        const resolved = resolveFlag(flag, { env: this.env, file: outcome.loaded.value });
        this.enabledGauge.set({ flag }, resolved.enabled ? 1 : 0);
      }
    }
  }

  private async changed(tenantId: string): Promise<void> {
    await this.refreshTenant(tenantId);
    this.overrideBroadcast
      .publish({ origin: this.instanceId, version: tenantId, hash: randomBytes(8).toString('hex') })
      .catch((error: Error) =>
        this.logger.warn(`could not announce the overrides of ${tenantId}: ${error.message}; replicas will poll`),
      );
  }

  private async onOverrideAnnouncement(announcement: ReloadAnnouncement): Promise<void> {
    if (announcement.origin === this.instanceId) {
      return;
    }
    try {
      await this.refreshTenant(announcement.version);
    } catch (error) {
      this.logger.warn(`cannot refresh the overrides of ${announcement.version}: ${(error as Error).message}`);
    }
  }

  private refreshAll(): Promise<void> {
    return this.serialised(async () => {
      const next = new Map<string, TenantOverrides>();
      for (const row of await this.repository.listAll()) {
        this.addRow(next, row);
      }
      this.overrides = next;
      this.countOverrides();
    });
  }

  private refreshTenant(tenantId: string): Promise<void> {
    return this.serialised(async () => {
      const next = new Map<string, TenantOverrides>();
      for (const row of await this.repository.list(tenantId)) {
        this.addRow(next, row);
      }
      const copy = new Map(this.overrides);
      const tenant = next.get(tenantId);
      if (tenant) {
        copy.set(tenantId, tenant);
      } else {
        copy.delete(tenantId);
      }
      this.overrides = copy;
      this.countOverrides();
    });
  }

  private addRow(into: Map<string, TenantOverrides>, row: TenantFlagRow): void {
    if (!isFeatureFlag(row.flag)) {
      // A row written by a newer release; this one has no such flag.
      return;
    }
    let tenant = into.get(row.tenant_id);
    if (!tenant) {
      tenant = new Map();
      into.set(row.tenant_id, tenant);
    }
    tenant.set(row.flag, { enabled: row.enabled, updatedAt: row.updated_at, updatedBy: row.updated_by });
  }

  private countOverrides(): void {
    for (const flag of FEATURE_FLAGS) {
      let count = 0;
      for (const tenant of this.overrides.values()) {
        count += tenant.has(flag) ? 1 : 0;
      }
      this.overrideGauge.set({ flag }, count);
    }
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.refreshing.then(work, work);
    this.refreshing = next.catch(() => undefined);
    return next;
  }
}
