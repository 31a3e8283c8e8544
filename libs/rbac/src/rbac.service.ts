import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { AuthorizationDecision, Authorizer, Permission, Principal, requestContext } from '@engram/common';
import { ConfigService } from '@engram/config';
import { MetricsService } from '@engram/metrics';
import { FileTrigger, FileWatcher, ReloadAnnouncement, ReloadBroadcast } from '@engram/reload';
import { RbacAuditService } from './rbac-audit.service';
import { CompiledPolicy, Matrix, PolicySource, compilePolicy, readPolicySource } from './rbac-policy';
import { POLICY_BROADCAST, ROLES } from './rbac.constants';
import { PolicyInfo, ReloadResult } from './rbac.dto';
import { PolicyInvalidError } from './rbac.errors';
import { scopesPermit } from './rbac-scopes';

/** Why a decision came out as it did; a short fixed set, safe as a metrics label. */
export type DecisionReason = 'role' | 'no_rule' | 'scope' | 'unknown_role';
type LoadTrigger = 'boot' | 'http' | FileTrigger | 'remote';

const KNOWN_ROLES = new Set<string>(ROLES);
/** Stands for "the file could not be read" where a rejected hash is remembered. */
const UNREADABLE = 'unreadable';
/** Decisions are map lookups once warm: microseconds, not the milliseconds of FAST_BUCKETS. */
const DECISION_BUCKETS = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025];

/**
 * The policy-backed Authorizer. Holds the current compiled policy and replaces it whole when
 * the file changes (watched, polled, on demand, or announced by another replica); a file that
 * does not load never replaces it. In shadow mode (RBAC_ENFORCE=false) every decision is still
 * made, counted, logged and audited, but the caller is let through.
 */
@Injectable()
export class RbacService extends Authorizer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RbacService');
  private readonly file: string;
  private readonly enforce: boolean;
  private readonly instanceId = randomUUID();
  private readonly watcher: FileWatcher;
  private policy: CompiledPolicy | null = null;
  /** Hash of the last file that failed to load, so watch and poll do not retry it in a loop. */
  private rejectedHash: string | null = null;
  private loading: Promise<unknown> = Promise.resolve();
  private readonly decisions;
  private readonly engineDecisions;
  private readonly latency;
  private readonly loads;
  private readonly versionInfo;

  constructor(
    config: ConfigService,
    metrics: MetricsService,
    private readonly audit: RbacAuditService,
    @Inject(POLICY_BROADCAST) private readonly broadcast: ReloadBroadcast,
  ) {
    super();
    this.file = resolve(process.cwd(), config.get('RBAC_POLICY_FILE'));
    this.enforce = config.get('RBAC_ENFORCE');
    this.watcher = new FileWatcher(
      this.file,
      {
        watch: config.get('RBAC_WATCH'),
        debounceMs: config.get('RBAC_WATCH_DEBOUNCE_MS'),
        pollIntervalMs: config.get('RBAC_POLL_INTERVAL_MS'),
      },
      (trigger) => void this.reloadIfChanged(trigger),
    );
    this.decisions = metrics.counter(
      'rbac_decisions_total',
      'RBAC decisions; decision is allow, deny, or would_deny (denied by policy, let through in shadow mode)',
      ['resource', 'action', 'decision', 'reason'],
    );
    this.engineDecisions = metrics.counter(
      'rbac_engine_decisions_total',
      "The policy engine's own verdicts on role, resource and action (before scopes and shadow mode)",
      ['decision'],
    );
    this.latency = metrics.histogram('rbac_latency_seconds', 'Time to reach an RBAC decision', [], DECISION_BUCKETS);
    this.loads = metrics.counter('rbac_policy_loads_total', 'Policy file loads by outcome', ['status']);
    this.versionInfo = metrics.gauge('rbac_policy_version_info', 'The loaded policy (always 1)', ['version', 'hash']);
  }

  async onModuleInit(): Promise<void> {
    try {
      this.install(await compilePolicy(await readPolicySource(this.file)), 'boot');
    } catch (error) {
      if (error instanceof PolicyInvalidError) {
        this.loads.inc({ status: 'invalid' });
        // Fatal at boot: there is no earlier policy to fall back on, and running open is not an option.
        throw new Error(`RBAC policy not loaded. ${error.message}`);
      }
      throw error;
    }
    await this.broadcast.start((announcement) => void this.onAnnouncement(announcement));
    this.watcher.start();
  }

  async onApplicationShutdown(): Promise<void> {
    this.watcher.stop();
    await this.broadcast.close();
  }

  authorize(principal: Principal, permission: Permission): AuthorizationDecision {
    const started = performance.now();
    const reason = this.evaluate(principal, permission);
    const policyAllows = reason === 'role';
    const allowed = policyAllows || !this.enforce;
    this.latency.observe((performance.now() - started) / 1000);
    this.decisions.inc({
      resource: permission.resource,
      action: permission.action,
      decision: policyAllows ? 'allow' : this.enforce ? 'deny' : 'would_deny',
      reason,
    });
    if (!policyAllows) {
      this.logger.log(
        `${this.enforce ? 'denied' : 'would deny (shadow mode)'}: ${principal.actor} as ${principal.role} ` +
          `on ${permission.resource}:${permission.action} (${reason})`,
      );
    }
    const context = requestContext.current();
    this.audit.record({
      tenant_id: principal.tenantId ?? context?.tenantId ?? 'global',
      actor: principal.actor,
      role: principal.role,
      resource: permission.resource,
      action: permission.action,
      decision: policyAllows ? 'allow' : 'deny',
      reason,
      enforced: this.enforce,
      request_id: context?.requestId ?? null,
    });
    return { allowed, policyAllows, enforced: this.enforce, reason };
  }

  info(): PolicyInfo {
    const policy = this.current();
    return {
      version: policy.version,
      hash: policy.hash,
      enforce_mode: this.enforce ? 'enforce' : 'shadow',
      loaded_at: policy.loadedAt.toISOString(),
      rule_count: policy.ruleCount,
      inheritance_count: policy.inheritanceCount,
      file: this.file,
      broadcast: this.broadcast.transport,
    };
  }

  matrix(): Matrix {
    return this.current().matrix();
  }

  /**
   * Loads the file now, whatever happened to it before. Throws PolicyInvalidError (422) when it
   * does not load; the current policy stays either way.
   */
  reload(): Promise<ReloadResult> {
    return this.serialised(async () => {
      let source: PolicySource | undefined;
      try {
        source = await readPolicySource(this.file);
        if (source.hash === this.current().hash) {
          this.loads.inc({ status: 'unchanged' });
          return { changed: false, info: this.info() };
        }
        this.install(await compilePolicy(source), 'http');
        return { changed: true, info: this.info() };
      } catch (error) {
        this.reject(error, 'http', source?.hash ?? UNREADABLE);
        throw error;
      }
    });
  }

  private evaluate(principal: Principal, permission: Permission): DecisionReason {
    if (!KNOWN_ROLES.has(principal.role)) {
      return 'unknown_role';
    }
    const allowed = this.current().allows(principal.role, permission.resource, permission.action);
    this.engineDecisions.inc({ decision: allowed ? 'allow' : 'deny' });
    if (!allowed) {
      return 'no_rule';
    }
    return scopesPermit(principal.scopes, permission) ? 'role' : 'scope';
  }

  /** Watch, poll and announcements: loads only a file not seen before, and never throws. */
  private reloadIfChanged(trigger: Exclude<LoadTrigger, 'boot' | 'http'>): Promise<unknown> {
    return this.serialised(async () => {
      let source: PolicySource;
      try {
        source = await readPolicySource(this.file);
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
        this.install(await compilePolicy(source), trigger);
      } catch (error) {
        this.reject(error, trigger, source.hash);
      }
    });
  }

  private async onAnnouncement(announcement: ReloadAnnouncement): Promise<void> {
    if (announcement.origin === this.instanceId || announcement.hash === this.policy?.hash) {
      return;
    }
    await this.reloadIfChanged('remote');
    if (this.policy?.hash !== announcement.hash) {
      this.logger.warn(
        `another replica loaded policy ${announcement.version} (${announcement.hash}); this replica's file gives ${this.policy?.hash}`,
      );
    }
  }

  private install(policy: CompiledPolicy, trigger: LoadTrigger): void {
    this.policy = policy;
    this.rejectedHash = null;
    this.loads.inc({ status: 'success' });
    this.versionInfo.reset();
    this.versionInfo.set({ version: policy.version, hash: policy.hash }, 1);
    this.logger.log(
      `policy ${policy.version} (${policy.hash}) loaded from ${this.file} on ${trigger}: ${policy.ruleCount} rules, ` +
        `${this.enforce ? 'enforced' : 'shadow mode'}`,
    );
    if (trigger !== 'boot' && trigger !== 'remote') {
      this.broadcast
        .publish({ origin: this.instanceId, version: policy.version, hash: policy.hash })
        .catch((error: Error) =>
          this.logger.warn(`could not announce policy ${policy.hash}: ${error.message}; replicas will poll`),
        );
    }
  }

  private reject(error: unknown, trigger: LoadTrigger, hash: string): void {
    this.loads.inc({ status: 'invalid' });
    this.rejectedHash = hash;
    if (error instanceof PolicyInvalidError) {
      this.logger.error(
        `${error.message} (on ${trigger}); keeping policy ${this.policy?.version} (${this.policy?.hash})`,
      );
    } else {
      this.logger.error(`policy reload failed on ${trigger}: ${(error as Error).message}`);
    }
  }

  private current(): CompiledPolicy {
    if (!this.policy) {
      throw new Error('RBAC policy used before it was loaded');
    }
    return this.policy;
  }

  /** One load at a time: two loads racing could install the older file last. */
  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const next = this.loading.then(work, work);
    this.loading = next.catch(() => undefined);
    return next;
  }
}
