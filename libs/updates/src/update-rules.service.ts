import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { resolve } from 'node:path';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { HotReloadedFile, ReloadBroadcast } from '@engram/reload';
import { RulesInfoView, RulesReloadView } from './runs.dto';
import { UpdateRulesInvalidError } from './runs.errors';
import { RULES_BROADCAST } from './update-rules.constants';
import { CompiledRules, compileRules } from './update-rules';

const WATCH_DEBOUNCE_MS = 200;

/**
 * The update rules in force, hot-reloaded like the RBAC policy (libs/reload HotReloadedFile):
 * watched, polled, reloaded on demand, announced to the other replicas. A file that does not load
 * never replaces the rules in force; at boot it stops the process.
 */
@Injectable()
export class UpdateRulesService implements OnModuleInit, OnApplicationShutdown {
  private readonly file: HotReloadedFile<CompiledRules>;

  constructor(config: ConfigService, metrics: MetricsService, @Inject(RULES_BROADCAST) broadcast: ReloadBroadcast) {
    const loads = metrics.counter(
      'memory_post_update_rule_loads_total',
      'Update-rules file loads by outcome (success, invalid, unchanged)',
      ['status'],
    );
    const versionInfo = metrics.gauge('memory_post_update_rules_version_info', 'The loaded update rules (always 1)', [
      'version',
      'hash',
    ]);
    this.file = new HotReloadedFile<CompiledRules>({
      name: 'update rules',
      file: resolve(process.cwd(), config.get('MEMORY_UPDATE_RULES_FILE')),
      parse: (source) => {
        const rules = compileRules(source);
        return { value: rules, version: rules.version };
      },
      unreadable: (file, reason) =>
        new UpdateRulesInvalidError(`update rules ${file} ${reason}`, [{ path: '(file)', message: reason }]),
      watch: {
        watch: config.get('MEMORY_UPDATE_RULES_WATCH'),
        debounceMs: WATCH_DEBOUNCE_MS,
        pollIntervalMs: config.get('MEMORY_UPDATE_RULES_POLL_INTERVAL_MS'),
      },
      broadcast,
      onLoad: (outcome) => {
        loads.inc({ status: outcome.status });
        if (outcome.status === 'success') {
          versionInfo.reset();
          versionInfo.set({ version: outcome.loaded.version, hash: outcome.loaded.hash }, 1);
        }
      },
    });
  }

  async onModuleInit(): Promise<void> {
    try {
      await this.file.start();
    } catch (error) {
      if (error instanceof UpdateRulesInvalidError) {
        // Fatal at boot, like the RBAC policy: there are no earlier rules to fall back on.
        throw new Error(`update rules not loaded. ${error.message}`);
      }
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.file.stop();
  }

  current(): CompiledRules {
    return this.file.current().value;
  }

  info(): RulesInfoView {
    const loaded = this.file.current();
    return {
      version: loaded.version,
      hash: loaded.hash,
      loaded_at: loaded.loadedAt.toISOString(),
      file: this.file.file,
      rule_count: loaded.value.rules.length,
      rule_ids: loaded.value.rules.map((rule) => rule.id),
    };
  }

  /** Loads the file now. Throws UpdateRulesInvalidError (422) when it does not load; the rules in force stay. */
  async reload(): Promise<RulesReloadView> {
    const { changed } = await this.file.reload();
    return { changed, info: this.info() };
  }
}
