import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AuditService } from '@engram/audit';
import { decodeCursor, encodeCursor } from '@engram/common';
import { ConfigService } from '@engram/config';
import { FeatureFlagsService } from '@engram/flags';
import { JobQueue } from '@engram/jobs';
import {
  ListRunsQuery,
  RecordRunInput,
  RecordedRunView,
  RuleApplicationView,
  RunDetailView,
  RunFacts,
  RunListView,
  RunView,
} from './runs.dto';
import { RunConflictError, RunNotFoundError, RunTooLargeError } from './runs.errors';
import { ApplicationRow, RunRow, RunsRepository } from './runs.repository';
import './post-update.job-types';

/** A run list cursor: the seq of the last run seen. */
const runCursorSchema = z.strictObject({ s: z.string().regex(/^[1-9][0-9]{0,18}$/) });

/** Object keys sorted at every level, so equal JSON documents hash equal whatever their key order. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(canonical);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

export function toRunView(row: RunRow): RunView {
  return {
    tenant_id: row.tenant_id,
    run_id: row.run_id,
    workflow_id: row.workflow_id,
    status: row.status,
    inputs: row.inputs as RunView['inputs'],
    outputs: row.outputs as RunView['outputs'],
    metrics: row.metrics,
    started_at: row.started_at.toISOString(),
    finished_at: row.finished_at.toISOString(),
    duration_ms: row.finished_at.getTime() - row.started_at.getTime(),
    recorded_at: row.recorded_at.toISOString(),
  };
}

export function toApplicationView(row: ApplicationRow): RuleApplicationView {
  return {
    rule_id: row.rule_id,
    status: row.status,
    rules_version: row.rules_version,
    rules_hash: row.rules_hash,
    changes: row.changes as RuleApplicationView['changes'],
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    applied_at: row.applied_at.toISOString(),
  };
}

/** What rules see of a run: the recorded fields, UTC timestamps, and duration_ms. */
export function runFacts(run: Omit<RecordRunInput, 'tenant_id'>): RunFacts {
  const started = new Date(run.started_at);
  const finished = new Date(run.finished_at);
  return {
    run_id: run.run_id,
    workflow_id: run.workflow_id,
    status: run.status,
    inputs: run.inputs ?? null,
    outputs: run.outputs ?? null,
    metrics: run.metrics ?? null,
    started_at: started.toISOString(),
    finished_at: finished.toISOString(),
    duration_ms: finished.getTime() - started.getTime(),
  };
}

export function rowFacts(row: RunRow): RunFacts {
  const view = toRunView(row);
  return {
    run_id: view.run_id,
    workflow_id: view.workflow_id,
    status: view.status,
    inputs: view.inputs,
    outputs: view.outputs,
    metrics: view.metrics,
    started_at: view.started_at,
    finished_at: view.finished_at,
    duration_ms: view.duration_ms,
  };
}

/** The post-update job's id for a run: at most one queued or recently done per (tenant, run). */
export function postUpdateJobId(tenantId: string, runId: string): string {
  return `post-update-${createHash('sha256').update(`${tenantId}\u0000${runId}`).digest('hex').slice(0, 32)}`;
}

/**
 * Recorded workflow runs: immutable once recorded (the same body again is the same answer, a
 * different one a conflict). Recording queues the post-run update job when the tenant has the
 * memory_post_update flag on.
 */
@Injectable()
export class RunsService {
  private readonly logger = new Logger('RunsService');
  private readonly maxBytes: number;

  constructor(
    private readonly repository: RunsRepository,
    private readonly flags: FeatureFlagsService,
    private readonly queue: JobQueue,
    private readonly audit: AuditService,
    config: ConfigService,
  ) {
    this.maxBytes = config.get('RUN_MAX_BYTES');
  }

  /** Refuses a run whose inputs, outputs and metrics together are over RUN_MAX_BYTES as JSON. */
  checkSize(input: Pick<RecordRunInput, 'inputs' | 'outputs' | 'metrics'>): void {
    const bytes = Buffer.byteLength(
      JSON.stringify({ inputs: input.inputs, outputs: input.outputs, metrics: input.metrics }),
      'utf8',
    );
    if (bytes > this.maxBytes) {
      throw new RunTooLargeError(
        `the run's inputs, outputs and metrics are ${bytes} bytes; the limit is ${this.maxBytes}`,
        {
          bytes,
          limit: this.maxBytes,
        },
      );
    }
  }

  async record(tenantId: string, input: RecordRunInput): Promise<{ run: RecordedRunView; created: boolean }> {
    const started = performance.now();
    this.checkSize(input);
    const { tenant_id: _tenant, ...body } = input;
    const facts = runFacts(body);
    const bodyHash = createHash('sha256')
      .update(JSON.stringify(canonical({ ...body, started_at: facts.started_at, finished_at: facts.finished_at })))
      .digest('hex')
      .slice(0, 32);
    const { row, created } = await this.repository.insert(tenantId, {
      runId: input.run_id,
      workflowId: input.workflow_id,
      status: input.status,
      inputs: input.inputs,
      outputs: input.outputs,
      metrics: input.metrics,
      startedAt: facts.started_at,
      finishedAt: facts.finished_at,
      bodyHash,
    });
    if (!created && row.body_hash !== bodyHash) {
      throw new RunConflictError(`run ${input.run_id} was recorded with a different body; runs cannot change`, {
        run_id: input.run_id,
      });
    }
    let postUpdate: RecordedRunView['post_update'] = 'disabled';
    if (this.flags.isEnabled('memory_post_update', tenantId)) {
      // Queued again on a replay too: a first queueing lost to a Redis outage is made good by
      // sending the same run again, and the job applies each (run, rule) once however often it runs.
      try {
        await this.queue.add(
          'memory.post-update',
          { tenant_id: tenantId, run_id: input.run_id },
          { jobId: postUpdateJobId(tenantId, input.run_id) },
        );
        postUpdate = 'queued';
      } catch (error) {
        this.logger.warn(
          `post-update job for run ${input.run_id} of ${tenantId} not queued: ${(error as Error).message}`,
        );
        postUpdate = 'not_queued';
      }
    }
    if (created) {
      this.audit.record({
        tenant_id: tenantId,
        operation: 'run_record',
        key: input.run_id,
        success: true,
        latency_ms: performance.now() - started,
        value_hash: bodyHash.slice(0, 16),
      });
    }
    return { run: { ...toRunView(row), post_update: postUpdate }, created };
  }

  async get(tenantId: string, runId: string): Promise<RunDetailView> {
    const row = await this.require(tenantId, runId);
    const applications = await this.repository.applications(tenantId, runId);
    return { ...toRunView(row), applications: applications.map(toApplicationView) };
  }

  async require(tenantId: string, runId: string): Promise<RunRow> {
    const row = await this.repository.get(tenantId, runId);
    if (!row) {
      throw new RunNotFoundError(`no run ${runId}`, { run_id: runId });
    }
    return row;
  }

  async list(tenantId: string, query: ListRunsQuery): Promise<RunListView> {
    const beforeSeq = query.cursor === undefined ? null : decodeCursor(query.cursor, runCursorSchema).s;
    const rows = await this.repository.list(tenantId, {
      workflowId: query.workflow_id,
      status: query.status,
      beforeSeq,
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return {
      runs: page.map(toRunView),
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor({ s: String(page[page.length - 1].seq) }, runCursorSchema) : null,
    };
  }

  /** Rule ids already applied to a recorded run (for the dry run of a recorded run). */
  async appliedRuleIds(tenantId: string, runId: string): Promise<Set<string>> {
    const rows = await this.repository.applications(tenantId, runId);
    return new Set(rows.filter((row) => row.status === 'applied').map((row) => row.rule_id));
  }
}
