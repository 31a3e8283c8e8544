import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AuditService } from '@engram/audit';
import { AppError, JsonValue } from '@engram/common';
import { Database } from '@engram/db';
import { FeatureFlagsService } from '@engram/flags';
import { MemoriesService } from '@engram/memories';
import { MetricsService } from '@engram/metrics';
import { PinsService } from '@engram/pins';
import { DryRunRuleView, DryRunView, RunFacts } from './runs.dto';
import { RunsRepository } from './runs.repository';
import { rowFacts } from './runs.service';
import { supersedeMemories } from './supersede.adapter';
import { PlannedAction, PlannedSelection, RulePlan, planRule } from './update-engine';
import { CompiledRules } from './update-rules';
import { UpdateRule } from './update-rules.schema';
import { UpdateRulesService } from './update-rules.service';

export type ApplicationStatus = 'applied' | 'failed' | 'duplicate';
type Change = Record<string, JsonValue>;

export interface ApplicationOutcome {
  rule_id: string;
  status: ApplicationStatus;
  changes: Change[];
  error?: { code: string; message: string };
}

/**
 * Applies the update rules to a recorded run, rule by rule in file order: each rule's actions
 * run in one transaction of the tenant with the claim on (run, rule), so a rule applies all its
 * actions or none, and a retried job applies nothing twice. The actions go through PinsService
 * and MemoriesService, never their tables.
 */
@Injectable()
export class PostUpdateService {
  private readonly logger = new Logger('PostUpdateService');
  private readonly applications;

  constructor(
    private readonly repository: RunsRepository,
    private readonly rules: UpdateRulesService,
    private readonly pins: PinsService,
    private readonly memories: MemoriesService,
    private readonly flags: FeatureFlagsService,
    private readonly audit: AuditService,
    private readonly db: Database,
    metrics: MetricsService,
  ) {
    this.applications = metrics.counter(
      'memory_post_update_applications_total',
      'Update-rule applications to runs: applied, failed (rolled back, recorded), duplicate (applied before)',
      ['status'],
    );
  }

  /**
   * Applies every matching rule to the run. A rule that cannot apply (a template with no value,
   * an action its service refuses) is rolled back, recorded as failed and audited; the next
   * rules still apply. Anything else (the database away) throws, for the job to retry.
   */
  async apply(tenantId: string, runId: string): Promise<ApplicationOutcome[]> {
    if (!this.flags.isEnabled('memory_post_update', tenantId)) {
      return [];
    }
    const row = await this.repository.get(tenantId, runId);
    if (!row) {
      this.logger.warn(`post-update: run ${runId} of ${tenantId} does not exist (tenant erased?); nothing to do`);
      return [];
    }
    const facts = rowFacts(row);
    const rules = this.rules.current();
    const outcomes: ApplicationOutcome[] = [];
    for (const rule of rules.rules) {
      const started = performance.now();
      let plan: RulePlan;
      try {
        plan = planRule(rule, facts);
      } catch (error) {
        outcomes.push(await this.failed(tenantId, runId, rule, rules, error, started));
        if (rule.stop) {
          break;
        }
        continue;
      }
      if (!plan.matched) {
        continue;
      }
      try {
        outcomes.push(await this.applyRule(tenantId, runId, rule, rules, plan.actions, started));
      } catch (error) {
        if (!(error instanceof AppError)) {
          throw error;
        }
        outcomes.push(await this.failed(tenantId, runId, rule, rules, error, started));
      }
      if (rule.stop) {
        break;
      }
    }
    return outcomes;
  }

  /** What the rules would do with `facts`, without writing anything. */
  async dryRun(tenantId: string, facts: RunFacts, applied: Set<string>): Promise<DryRunView> {
    const rules = this.rules.current();
    const views: DryRunRuleView[] = [];
    for (const rule of rules.rules) {
      const view: DryRunRuleView = {
        rule_id: rule.id,
        matched: false,
        already_applied: applied.has(rule.id),
        actions: [],
        error: null,
      };
      views.push(view);
      try {
        const plan = planRule(rule, facts);
        view.matched = plan.matched;
        for (const action of plan.actions) {
          view.actions.push(await this.preview(tenantId, action));
        }
      } catch (error) {
        if (!(error instanceof AppError)) {
          throw error;
        }
        view.matched = true;
        view.actions = [];
        view.error = { code: error.code, message: error.message };
      }
      if (view.matched && rule.stop) {
        break;
      }
    }
    return {
      run_id: facts.run_id,
      rules_version: rules.version,
      rules_hash: rules.hash,
      flag_enabled: this.flags.isEnabled('memory_post_update', tenantId),
      rules: views,
    };
  }

  private async applyRule(
    tenantId: string,
    runId: string,
    rule: UpdateRule,
    rules: CompiledRules,
    actions: PlannedAction[],
    started: number,
  ): Promise<ApplicationOutcome> {
    const claimed = await this.db.withTenant(tenantId, async (tx) => {
      if (!(await this.repository.claim(tenantId, runId, rule.id, rules, tx))) {
        return null;
      }
      const changes: Change[] = [];
      // The services' statements join this transaction (same tenant): one commit for all of them.
      for (const action of actions) {
        changes.push(await this.execute(tenantId, action));
      }
      await this.repository.recordChanges(tenantId, runId, rule.id, changes, tx);
      return changes;
    });
    if (claimed === null) {
      this.applications.inc({ status: 'duplicate' });
      return { rule_id: rule.id, status: 'duplicate', changes: [] };
    }
    this.applications.inc({ status: 'applied' });
    this.audited(tenantId, runId, rule.id, true, started, claimed);
    return { rule_id: rule.id, status: 'applied', changes: claimed };
  }

  private async failed(
    tenantId: string,
    runId: string,
    rule: UpdateRule,
    rules: CompiledRules,
    error: unknown,
    started: number,
  ): Promise<ApplicationOutcome> {
    if (!(error instanceof AppError)) {
      throw error;
    }
    const problem = { code: error.code, message: error.message };
    await this.repository.recordFailure(tenantId, runId, rule.id, rules, problem);
    this.applications.inc({ status: 'failed' });
    this.audited(tenantId, runId, rule.id, false, started, []);
    this.logger.warn(
      `update rule ${rule.id} not applied to run ${runId} of ${tenantId}: ${problem.code}: ${problem.message}`,
    );
    return { rule_id: rule.id, status: 'failed', changes: [], error: problem };
  }

  private async execute(tenantId: string, action: PlannedAction): Promise<Change> {
    switch (action.type) {
      case 'upsert_pin': {
        const { pin, created } = await this.pins.upsert(tenantId, action.pin);
        return { action: action.type, pin_key: pin.key, pin_id: pin.id, created };
      }
      case 'write_memory': {
        const memory = await this.memories.create(tenantId, action.memory);
        return { action: action.type, memory_id: memory.id, duplicate: memory.duplicate };
      }
      case 'supersede_memory': {
        const old = await this.memories.updateMatching(tenantId, action.supersedes, null);
        const result = await supersedeMemories(
          this.memories,
          tenantId,
          action.memory,
          old.map((memory) => memory.id),
        );
        return {
          action: action.type,
          memory_id: result.id,
          duplicate: result.duplicate,
          superseded_ids: result.superseded,
        };
      }
      case 'adjust_importance': {
        const changed = await this.memories.updateMatching(
          tenantId,
          action.selection,
          action.set === undefined ? { importanceDelta: action.delta } : { importanceSet: action.set },
        );
        return { action: action.type, memory_ids: changed.map((memory) => memory.id) };
      }
      case 'expire_memories': {
        const changed = await this.memories.updateMatching(tenantId, action.selection, {
          ttlSeconds: action.ttlSeconds,
        });
        return { action: action.type, memory_ids: changed.map((memory) => memory.id) };
      }
    }
  }

  /** The planned action as the dry run shows it; filter actions list the memories they would change. */
  private async preview(
    tenantId: string,
    action: PlannedAction,
  ): Promise<{ type: string; detail: Record<string, JsonValue>; memory_ids?: string[] }> {
    const matching = async (selection: PlannedSelection) =>
      (await this.memories.updateMatching(tenantId, selection, null)).map((memory) => memory.id);
    switch (action.type) {
      case 'upsert_pin':
        return { type: action.type, detail: { ...action.pin } as Record<string, JsonValue> };
      case 'write_memory':
        return { type: action.type, detail: { ...action.memory } as Record<string, JsonValue> };
      case 'supersede_memory':
        return {
          type: action.type,
          detail: { ...action.memory, supersedes: { ...action.supersedes } } as Record<string, JsonValue>,
          memory_ids: await matching(action.supersedes),
        };
      case 'adjust_importance':
        return {
          type: action.type,
          detail: {
            filter: { ...action.selection },
            ...(action.delta === undefined ? {} : { delta: action.delta }),
            ...(action.set === undefined ? {} : { set: action.set }),
          } as Record<string, JsonValue>,
          memory_ids: await matching(action.selection),
        };
      case 'expire_memories':
        return {
          type: action.type,
          detail: { filter: { ...action.selection }, ttl_seconds: action.ttlSeconds } as Record<string, JsonValue>,
          memory_ids: await matching(action.selection),
        };
    }
  }

  /** One audit event per application: key `<run_id>/<rule_id>`, value_hash of its changes. */
  private audited(
    tenantId: string,
    runId: string,
    ruleId: string,
    success: boolean,
    started: number,
    changes: Change[],
  ): void {
    this.audit.record({
      tenant_id: tenantId,
      operation: 'post_update_apply',
      key: `${runId}/${ruleId}`,
      success,
      latency_ms: performance.now() - started,
      affected: changes.length,
      value_hash: createHash('sha256').update(JSON.stringify(changes)).digest('hex').slice(0, 16),
    });
  }
}
