import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { resolve } from 'node:path';
import { AuthorizationDecision, Authorizer, Permission, Principal, requestContext } from '@engram/common';
import { ConfigService } from '@engram/config';
import { FeatureFlagsService } from '@engram/flags';
import { MetricsService } from '@engram/metrics';
import { HotReloadedFile, LoadOutcome, ReloadBroadcast } from '@engram/reload';
import { RbacAuditService } from './rbac-audit.service';
import { CompiledPolicy, Matrix, compilePolicy } from './rbac-policy';
import { POLICY_BROADCAST, ROLES } from './rbac.constants';
import { PolicyInfo, ReloadResult } from './rbac.dto';
import { PolicyInvalidError } from './rbac.errors';
import { scopesPermit } from './rbac-scopes';

/** Why a decision came out as it did; a short fixed set, safe as a metrics label. */
export type DecisionReason = 'role' | 'no_rule' | 'scope' | 'unknown_role';

const KNOWN_ROLES = new Set<string>(ROLES);
/** Decisions are map lookups once warm: microseconds, not the milliseconds of FAST_BUCKETS. */
const DECISION_BUCKETS = [0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025];

/**
 * The policy-backed Authorizer. Holds the current compiled policy and replaces it whole when
 * the file changes (watched, polled, on demand, or announced by another replica); a file that
 * does not load never replaces it. In shadow mode (the `rbac_enforce` feature flag off, for the
 * platform or for the request's tenant) every decision is still made, counted, logged and
 * audited, but the caller is let through.
 */
@Injectable()
export class RbacService extends Authorizer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('RbacService');
  /** Watch, poll, reload on demand, replica announcements, last good policy kept. */
  private readonly policyFile: HotReloadedFile<CompiledPolicy>;
  private readonly decisions;
  private readonly engineDecisions;
  private readonly latency;
  private readonly loads;
  private readonly versionInfo;

  constructor(
    config: ConfigService,
    metrics: MetricsService,
    private readonly audit: RbacAuditService,
    @Inject(POLICY_BROADCAST) broadcast: ReloadBroadcast,
    private readonly flags: FeatureFlagsService,
  ) {
    super();
    this.policyFile = new HotReloadedFile<CompiledPolicy>({
      name: 'RBAC policy',
      file: resolve(process.cwd(), config.get('RBAC_POLICY_FILE')),
      parse: async (source) => {
        const policy = await compilePolicy(source);
        return { value: policy, version: policy.version };
      },
      unreadable: (file, reason) => new PolicyInvalidError(file, [{ path: '(file)', message: reason }]),
      watch: {
        watch: config.get('RBAC_WATCH'),
        debounceMs: config.get('RBAC_WATCH_DEBOUNCE_MS'),
        pollIntervalMs: config.get('RBAC_POLL_INTERVAL_MS'),
      },
      broadcast,
      onLoad: (outcome) => this.onLoad(outcome),
    });
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
      await this.policyFile.start();
    } catch (error) {
      if (error instanceof PolicyInvalidError) {
        // Fatal at boot: there is no earlier policy to fall back on, and running open is not an option.
        throw new Error(`RBAC policy not loaded. ${error.message}`);
      }
      throw error;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.policyFile.stop();
  }

  authorize(principal: Principal, permission: Permission): AuthorizationDecision {
    const started = performance.now();
    const reason = this.evaluate(principal, permission);
    const policyAllows = reason === 'role';
    const context = requestContext.current();
    const tenantId = principal.tenantId ?? context?.tenantId ?? undefined;
    const enforce = this.flags.isEnabled('rbac_enforce', tenantId);
    const allowed = policyAllows || !enforce;
    this.latency.observe((performance.now() - started) / 1000);
    this.decisions.inc({
      resource: permission.resource,
      action: permission.action,
      decision: policyAllows ? 'allow' : enforce ? 'deny' : 'would_deny',
      reason,
    });
    if (!policyAllows) {
      this.logger.log(
        `${enforce ? 'denied' : 'would deny (shadow mode)'}: ${principal.actor} as ${principal.role} ` +
          `on ${permission.resource}:${permission.action} (${reason})`,
      );
    }
    this.audit.record({
      tenant_id: tenantId ?? 'global',
      actor: principal.actor,
      role: principal.role,
      resource: permission.resource,
      action: permission.action,
      decision: policyAllows ? 'allow' : 'deny',
      reason,
      enforced: enforce,
      request_id: context?.requestId ?? null,
    });
    return { allowed, policyAllows, enforced: enforce, reason };
  }

  info(): PolicyInfo {
    const policy = this.current();
    return {
      version: policy.version,
      hash: policy.hash,
      enforce_mode: this.flags.isEnabled('rbac_enforce') ? 'enforce' : 'shadow',
      loaded_at: policy.loadedAt.toISOString(),
      rule_count: policy.ruleCount,
      inheritance_count: policy.inheritanceCount,
      file: this.policyFile.file,
      broadcast: this.policyFile.transport,
    };
  }

  matrix(): Matrix {
    return this.current().matrix();
  }

  /**
   * Loads the file now, whatever happened to it before. Throws PolicyInvalidError (422) when it
   * does not load; the current policy stays either way.
   */
  async reload(): Promise<ReloadResult> {
    const { changed } = await this.policyFile.reload();
    return { changed, info: this.info() };
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

  private onLoad(outcome: LoadOutcome<CompiledPolicy>): void {
    this.loads.inc({ status: outcome.status });
    if (outcome.status === 'success') {
      const policy = outcome.loaded.value;
      this.versionInfo.reset();
      this.versionInfo.set({ version: policy.version, hash: policy.hash }, 1);
      this.logger.log(`policy ${policy.version} (${policy.hash}): ${policy.ruleCount} rules`);
    }
  }

  private current(): CompiledPolicy {
    return this.policyFile.current().value;
  }
}
