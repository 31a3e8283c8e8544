import { Injectable, Logger } from '@nestjs/common';
import { z } from 'zod';
import { AuditService } from '@engram/audit';
import { ServiceUnavailableError, decodeCursor, encodeCursor, isStorableTimestamp } from '@engram/common';
import { ConfigService } from '@engram/config';
import { EmbeddingModels } from '@engram/embeddings';
import { FeatureDisabledError, FeatureFlagsService } from '@engram/flags';
import { MetricsService, outcomeOf, timed } from '@engram/metrics';
import {
  DiffEntry,
  Severity,
  Thresholds,
  Weights,
  combine,
  nestingDepth,
  outputHash,
  round6,
  severityOf,
  structuralDiff,
  textDistance,
} from './drift-score';
import {
  CompareInput,
  ComparisonListView,
  ComparisonView,
  DriftSideInput,
  ListComparisonsQuery,
  MAX_METADATA_BYTES,
  SummaryView,
  comparisonIdSchema,
} from './drift.dto';
import {
  DriftComparisonNotFoundError,
  OutputTooDeepError,
  OutputTooLargeError,
  TooManyTextFieldsError,
} from './drift.errors';
import { ComparisonRow, DriftRepository } from './drift.repository';

const FLAG = 'drift_detection_enabled';

/** A comparison list cursor: created_at as Postgres printed it, and the id. Both go into SQL casts. */
const comparisonCursorSchema = z.strictObject({ c: z.string().refine(isStorableTimestamp), i: comparisonIdSchema });

function toView(row: ComparisonRow): ComparisonView {
  return {
    id: row.id,
    tenant_id: row.tenant_id,
    workflow_id: row.workflow_id,
    run_id: row.run_id,
    score: row.score,
    severity: row.severity,
    components: { structural: row.structural, text: row.text_score },
    weights: row.settings.weights,
    thresholds: row.settings.thresholds,
    embedding_model: row.embedding_model,
    paths: row.paths,
    diff: row.diff,
    diff_truncated: row.diff_truncated,
    baseline: row.baseline,
    augmented: row.augmented,
    created_at: row.created_at.toISOString(),
  };
}

/**
 * Drift detection: compares a run without memory (baseline) with one with memory (augmented) on
 * the same input, scores how far the outputs diverge (drift-score.ts, docs/drift.md), and keeps
 * each comparison. Everything is behind the drift_detection_enabled flag: with it off, every
 * route answers 403 feature_disabled and nothing is counted or stored.
 */
@Injectable()
export class DriftService {
  private readonly logger = new Logger('DriftService');
  private readonly thresholds: Thresholds;
  private readonly weights: Weights;
  private readonly embeddingModel: string | undefined;
  private readonly maxOutputBytes: number;
  private readonly maxDepth: number;
  private readonly maxTextFields: number;
  private readonly maxDiffEntries: number;
  private readonly scoreWorkflows: ReadonlySet<string>;
  private readonly comparisons;
  private readonly detected;
  private readonly latency;
  private readonly current;

  constructor(
    private readonly repository: DriftRepository,
    private readonly flags: FeatureFlagsService,
    private readonly models: EmbeddingModels,
    private readonly audit: AuditService,
    config: ConfigService,
    metrics: MetricsService,
  ) {
    this.thresholds = {
      low: config.get('DRIFT_THRESHOLD_LOW'),
      medium: config.get('DRIFT_THRESHOLD_MEDIUM'),
      high: config.get('DRIFT_THRESHOLD_HIGH'),
    };
    this.weights = { structural: config.get('DRIFT_WEIGHT_STRUCTURAL'), text: config.get('DRIFT_WEIGHT_TEXT') };
    this.embeddingModel = config.get('DRIFT_EMBEDDING_MODEL');
    if (this.embeddingModel !== undefined) {
      // An unknown model fails the boot, not the first comparison.
      models.get(this.embeddingModel);
    }
    this.maxOutputBytes = config.get('DRIFT_MAX_OUTPUT_BYTES');
    this.maxDepth = config.get('DRIFT_MAX_DEPTH');
    this.maxTextFields = config.get('DRIFT_MAX_TEXT_FIELDS');
    this.maxDiffEntries = config.get('DRIFT_MAX_DIFF_ENTRIES');
    this.scoreWorkflows = new Set(config.get('DRIFT_METRIC_WORKFLOWS'));
    this.comparisons = metrics.counter('drift_comparisons_total', 'Drift comparisons by outcome', ['status']);
    this.detected = metrics.counter(
      'drift_detected_total',
      'Stored comparisons whose score (component overall) or a component (structural, text) reached a severity',
      ['severity', 'component'],
    );
    this.latency = metrics.histogram('drift_comparison_latency_seconds', 'Drift comparison latency', []);
    this.current = metrics.gauge(
      'drift_score_current',
      'Latest drift score this process computed, for the workflows in DRIFT_METRIC_WORKFLOWS',
      ['workflow_id'],
    );
  }

  async compare(tenantId: string, input: CompareInput): Promise<ComparisonView> {
    this.requireEnabled(tenantId);
    const started = performance.now();
    return timed(this.latency, {}, () => this.run(tenantId, input, started), {
      success: 'success',
      classify: outcomeOf,
      settled: (status) => this.comparisons.inc({ status }),
    });
  }

  async get(tenantId: string, id: string): Promise<ComparisonView> {
    this.requireEnabled(tenantId);
    const row = await this.repository.get(tenantId, id);
    if (!row) {
      throw new DriftComparisonNotFoundError(`no drift comparison ${id}`, { id });
    }
    return toView(row);
  }

  async list(tenantId: string, query: ListComparisonsQuery): Promise<ComparisonListView> {
    this.requireEnabled(tenantId);
    const after = query.cursor === undefined ? null : decodeCursor(query.cursor, comparisonCursorSchema);
    const rows = await this.repository.list(tenantId, {
      workflowId: query.workflow_id,
      severity: query.severity ?? null,
      after: after === null ? null : { createdAt: after.c, id: after.i },
      limit: query.limit,
    });
    const page = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    const last = page[page.length - 1];
    return {
      comparisons: page.map(toView),
      has_more: hasMore,
      next_cursor: hasMore ? encodeCursor({ c: last.created_at_text, i: last.id }, comparisonCursorSchema) : null,
    };
  }

  async summary(tenantId: string, workflowId: string): Promise<SummaryView> {
    this.requireEnabled(tenantId);
    const { totals, latest } = await this.repository.summary(tenantId, workflowId);
    return {
      workflow_id: workflowId,
      comparisons: totals.comparisons,
      by_severity: { none: totals.none, low: totals.low, medium: totals.medium, high: totals.high },
      mean_score: totals.mean_score === null ? null : round6(totals.mean_score),
      max_score: totals.max_score,
      latest: latest && {
        id: latest.id,
        score: latest.score,
        severity: latest.severity,
        created_at: latest.created_at.toISOString(),
      },
    };
  }

  private requireEnabled(tenantId: string): void {
    if (!this.flags.isEnabled(FLAG, tenantId)) {
      throw new FeatureDisabledError(FLAG);
    }
  }

  private async run(tenantId: string, input: CompareInput, started: number): Promise<ComparisonView> {
    // Every check comes before the one write: a refused comparison leaves nothing behind.
    this.checkSide('baseline', input.baseline);
    this.checkSide('augmented', input.augmented);
    const diff = structuralDiff(input.baseline.output, input.augmented.output);
    if (diff.textPairs.length > this.maxTextFields) {
      throw new TooManyTextFieldsError(
        `${diff.textPairs.length} text fields changed; at most ${this.maxTextFields} are compared by meaning`,
        { count: diff.textPairs.length, limit: this.maxTextFields },
      );
    }
    const { model, distances } = await this.textDistances(diff.textPairs);
    const scored = combine(diff.counts, [...distances.values()], this.weights, this.thresholds);
    const entries: DiffEntry[] = diff.changes.map((entry) =>
      entry.change === 'text_changed' ? { ...entry, distance: round6(distances.get(entry.path)!) } : entry,
    );
    const row = await this.repository.insert(tenantId, {
      workflow_id: input.workflow_id,
      run_id: input.run_id ?? null,
      score: scored.score,
      severity: scored.severity,
      structural: scored.structural,
      text_score: scored.text,
      embedding_model: model,
      paths: diff.counts,
      diff: entries.slice(0, this.maxDiffEntries),
      diff_truncated: entries.length > this.maxDiffEntries,
      settings: { weights: this.weights, thresholds: this.thresholds },
      baseline: sideRecord(input.baseline),
      augmented: sideRecord(input.augmented),
    });
    this.countDetected('overall', scored.severity);
    this.countDetected('structural', severityOf(scored.structural, this.thresholds));
    if (scored.text !== null) {
      this.countDetected('text', severityOf(scored.text, this.thresholds));
    }
    if (this.scoreWorkflows.has(input.workflow_id)) {
      this.current.set({ workflow_id: input.workflow_id }, scored.score);
    }
    this.audit.record({
      tenant_id: tenantId,
      operation: 'drift_compare',
      key: input.workflow_id,
      success: true,
      latency_ms: performance.now() - started,
      value_hash: row.augmented.hash.slice(0, 16),
    });
    return toView(row);
  }

  private checkSide(side: 'baseline' | 'augmented', input: DriftSideInput): void {
    const bytes = Buffer.byteLength(JSON.stringify(input.output), 'utf8');
    if (bytes > this.maxOutputBytes) {
      throw new OutputTooLargeError(`${side}.output is ${bytes} bytes; the limit is ${this.maxOutputBytes}`, {
        field: `${side}.output`,
        bytes,
        limit: this.maxOutputBytes,
      });
    }
    if (input.metadata !== undefined) {
      const metadataBytes = Buffer.byteLength(JSON.stringify(input.metadata), 'utf8');
      if (metadataBytes > MAX_METADATA_BYTES) {
        throw new OutputTooLargeError(
          `${side}.metadata is ${metadataBytes} bytes; the limit is ${MAX_METADATA_BYTES}`,
          {
            field: `${side}.metadata`,
            bytes: metadataBytes,
            limit: MAX_METADATA_BYTES,
          },
        );
      }
    }
    const depth = nestingDepth(input.output);
    if (depth > this.maxDepth) {
      throw new OutputTooDeepError(`${side}.output nests ${depth} levels deep; the limit is ${this.maxDepth}`, {
        field: `${side}.output`,
        depth,
        limit: this.maxDepth,
      });
    }
  }

  /**
   * Each changed text field's distance, by path. Every distinct non-blank text is embedded once,
   * in one call. A model that fails is a 503 (nothing stored): a score without its text
   * component would look like less drift than there is.
   */
  private async textDistances(
    pairs: { path: string; baseline: string; augmented: string }[],
  ): Promise<{ model: string | null; distances: Map<string, number> }> {
    const distances = new Map<string, number>();
    if (pairs.length === 0) {
      return { model: null, distances };
    }
    const model = this.embeddingModel ?? this.models.defaultModel;
    const texts = [...new Set(pairs.flatMap((p) => [p.baseline, p.augmented]).filter((t) => t.trim() !== ''))];
    const vectors = new Map<string, number[]>();
    if (texts.length > 0) {
      let embedded: number[][];
      try {
        embedded = await this.models.get(model).embed(texts);
      } catch (error) {
        this.logger.warn(`drift: embedding with ${model} failed: ${(error as Error).message}`);
        throw new ServiceUnavailableError(`the embedding model ${model} is unavailable; retry later`, { model });
      }
      texts.forEach((text, index) => vectors.set(text, embedded[index]));
    }
    for (const pair of pairs) {
      distances.set(
        pair.path,
        textDistance(
          pair.baseline,
          pair.augmented,
          vectors.get(pair.baseline) ?? null,
          vectors.get(pair.augmented) ?? null,
        ),
      );
    }
    return { model, distances };
  }

  private countDetected(component: 'overall' | 'structural' | 'text', severity: Severity): void {
    if (severity !== 'none') {
      this.detected.inc({ severity, component });
    }
  }
}

function sideRecord(side: DriftSideInput): ComparisonRow['baseline'] {
  return { run_id: side.run_id ?? null, hash: outputHash(side.output), metadata: side.metadata ?? null };
}
