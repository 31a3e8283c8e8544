import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { FileTrigger, FileWatcher, ReloadAnnouncement, ReloadBroadcast } from '@engram/reload';
import { RulesInfoView, RulesReloadView } from './runs.dto';
import { UpdateRulesInvalidError } from './runs.errors';
import { RULES_BROADCAST } from './update-rules.constants';
import { CompiledRules, RulesSource, compileRules, noRules, readRulesSource } from './update-rules';

type LoadTrigger = 'boot' | 'http' | FileTrigger | 'remote';
const UNREADABLE = 'unreadable';
const WATCH_DEBOUNCE_MS = 200;

/**
 * The update rules in force, hot-reloaded the way the RBAC policy is: the file is watched and
 * polled, reloaded on demand, and a load is announced to the other replicas. A file that does
 * not load never replaces the rules in force. Kept small on purpose, to fold into a shared
 * hot-reloaded-file helper in libs/reload.
 */
@Injectable()
export class UpdateRulesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('UpdateRulesService');
  private readonly file: string;
  private readonly instanceId = randomUUID();
  private readonly watcher: FileWatcher;
  private rules: CompiledRules | null = null;
  private rejectedHash: string | null = null;
  private loading: Promise<unknown> = Promise.resolve();
  private readonly loads;
  private readonly versionInfo;

  constructor(
    config: ConfigService,
    metrics: MetricsService,
    @Inject(RULES_BROADCAST) private readonly broadcast: ReloadBroadcast,
  ) {
    this.file = resolve(process.cwd(), config.get('MEMORY_UPDATE_RULES_FILE'));
    this.watcher = new FileWatcher(
      this.file,
      {
        watch: config.get('MEMORY_UPDATE_RULES_WATCH'),
        debounceMs: WATCH_DEBOUNCE_MS,
        pollIntervalMs: config.get('MEMORY_UPDATE_RULES_POLL_INTERVAL_MS'),
      },
      (trigger) => void this.reloadIfChanged(trigger),
    );
    this.loads = metrics.counter(
      'memory_post_update_rule_loads_total',
      'Update-rules file loads by outcome (success, invalid, unchanged)',
      ['status'],
    );
    this.versionInfo = metrics.gauge('memory_post_update_rules_version_info', 'The loaded update rules (always 1)', [
      'version',
      'hash',
    ]);
  }

  async onModuleInit(): Promise<void> {
    if (!existsSync(this.file)) {
      // Nothing to apply until a file appears (the watcher and the poll pick it up).
      this.logger.warn(`no update rules file at ${this.file}; no post-run rules apply until one is added`);
      this.install(noRules(), 'boot');
    } else {
      try {
        this.install(compileRules(await readRulesSource(this.file)), 'boot');
      } catch (error) {
        if (error instanceof UpdateRulesInvalidError) {
          this.loads.inc({ status: 'invalid' });
          // Fatal at boot, like the RBAC policy: there are no earlier rules to fall back on.
          throw new Error(`update rules not loaded. ${error.message}`);
        }
        throw error;
      }
    }
    await this.broadcast.start((announcement) => void this.onAnnouncement(announcement));
    this.watcher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.watcher.stop();
    await this.broadcast.close();
  }

  current(): CompiledRules {
    if (!this.rules) {
      throw new Error('update rules used before they were loaded');
    }
    return this.rules;
  }

  info(): RulesInfoView {
    const rules = this.current();
    return {
      version: rules.version,
      hash: rules.hash,
      loaded_at: rules.loadedAt.toISOString(),
      file: this.file,
      rule_count: rules.rules.length,
      rule_ids: rules.rules.map((rule) => rule.id),
    };
  }

  /** Loads the file now. Throws UpdateRulesInvalidError (422) when it does not load; the rules in force stay. */
  reload(): Promise<RulesReloadView> {
    return this.serialised(async () => {
      let source: RulesSource | undefined;
      try {
        source = await readRulesSource(this.file);
        if (source.hash === this.current().hash) {
          this.loads.inc({ status: 'unchanged' });
          return { changed: false, info: this.info() };
        }
        this.install(compileRules(source), 'http');
        return { changed: true, info: this.info() };
      } catch (error) {
        this.reject(error, 'http', source?.hash ?? UNREADABLE);
        throw error;
      }
    });
  }

  /** Watch, poll and announcements: loads only a file not seen before, and never throws. */
  private reloadIfChanged(trigger: Exclude<LoadTrigger, 'boot' | 'http'>): Promise<unknown> {
    return this.serialised(async () => {
      let source: RulesSource;
      try {
        source = await readRulesSource(this.file);
      } catch (error) {
        if (this.rejectedHash !== UNREADABLE) {
          this.reject(error, trigger, UNREADABLE);
        }
        return;
      }
      if (source.hash === this.current().hash || source.hash === this.rejectedHash) {
        return;
      }
      try {
        this.install(compileRules(source), trigger);
      } catch (error) {
        this.reject(error, trigger, source.hash);
      }
    });
  }

  private async onAnnouncement(announcement: ReloadAnnouncement): Promise<void> {
    if (announcement.origin === this.instanceId || announcement.hash === this.rules?.hash) {
      return;
    }
    await this.reloadIfChanged('remote');
  }

  private install(rules: CompiledRules, trigger: LoadTrigger): void {
    this.rules = rules;
    this.rejectedHash = null;
    this.loads.inc({ status: 'success' });
    this.versionInfo.reset();
    this.versionInfo.set({ version: rules.version, hash: rules.hash }, 1);
    this.logger.log(`update rules ${rules.version} (${rules.hash}) loaded on ${trigger}: ${rules.rules.length} rules`);
    if (trigger !== 'boot' && trigger !== 'remote') {
      this.broadcast
        .publish({ origin: this.instanceId, version: rules.version, hash: rules.hash })
        .catch((error: Error) =>
          this.logger.warn(`could not announce update rules ${rules.hash}: ${error.message}; replicas will poll`),
        );
    }
  }

  private reject(error: unknown, trigger: LoadTrigger, hash: string): void {
    this.loads.inc({ status: 'invalid' });
    this.rejectedHash = hash;
    this.logger.error(
      `${(error as Error).message} (on ${trigger}); keeping update rules ${this.rules?.version} (${this.rules?.hash})`,
    );
  }

  /** One load at a time: two loads racing could install the older file last. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.loading.then(work, work);
    this.loading = next.catch(() => undefined);
    return next;
  }
}
