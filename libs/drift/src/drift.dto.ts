import { z } from 'zod';
import { apiSchema, cursorPageFields, jsonValueSchema, tenantIdSchema, timestampSchema } from '@engram/common';
import { CHANGE_KINDS, SEVERITIES } from './drift-score';

/** Workflow ids: letters, digits and `:_-./`, 1..128 characters (also DRIFT_METRIC_WORKFLOWS). */
export const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9:_\-./]{1,128}$/;
export const MAX_LIST_LIMIT = 200;
/** Largest `metadata` of a side (its JSON bytes): it is stored as sent. */
export const MAX_METADATA_BYTES = 16 * 1024;

export const workflowIdSchema = z
  .string()
  .regex(WORKFLOW_ID_PATTERN, 'must be 1..128 characters of A-Z a-z 0-9 : _ - . /');
export const runIdSchema = z.string().min(1).max(256);
export const comparisonIdSchema = z.uuid();

const jsonObjectSchema = z.record(z.string(), jsonValueSchema);

const sideSchema = z.strictObject({
  output: jsonObjectSchema.describe('the run’s output: a JSON object'),
  run_id: runIdSchema.optional().describe('the run that produced it'),
  metadata: jsonObjectSchema.optional().describe(`stored as sent, at most ${MAX_METADATA_BYTES} bytes of JSON`),
});
export type DriftSideInput = z.infer<typeof sideSchema>;

export const compareSchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  workflow_id: workflowIdSchema,
  run_id: runIdSchema.optional().describe('the run this comparison is about (e.g. the augmented run)'),
  baseline: sideSchema.describe('the run without memory'),
  augmented: sideSchema.describe('the run with memory, on the same input'),
});
export type CompareInput = z.infer<typeof compareSchema>;

export const listComparisonsQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  workflow_id: workflowIdSchema,
  severity: z.enum(SEVERITIES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_LIST_LIMIT).default(50),
  cursor: z.string().max(1024).optional(),
});
export type ListComparisonsQuery = z.infer<typeof listComparisonsQuerySchema>;

export const summaryQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  workflow_id: workflowIdSchema,
});
export type SummaryQuery = z.infer<typeof summaryQuerySchema>;

const jsonTypeSchema = z.enum(['object', 'array', 'string', 'number', 'boolean', 'null']);
const scalarSchema = z.union([z.number(), z.boolean(), z.null()]);

export const diffEntrySchema = apiSchema(
  'DriftDiffEntry',
  z.object({
    path: z.string().describe('$.a.b[0]; keys that are not identifiers as $["a b"]'),
    change: z.enum(CHANGE_KINDS),
    baseline_type: jsonTypeSchema.optional(),
    augmented_type: jsonTypeSchema.optional(),
    baseline: scalarSchema.optional().describe('numbers, booleans and null only'),
    augmented: scalarSchema.optional().describe('numbers, booleans and null only'),
    distance: z.number().optional().describe('text_changed: 1 − cosine similarity'),
  }),
);

const sideViewSchema = z.object({
  run_id: z.string().nullable(),
  hash: z.string().describe('SHA-256 of the output as canonical JSON (keys sorted)'),
  metadata: jsonObjectSchema.nullable(),
});

export const comparisonViewSchema = apiSchema(
  'DriftComparison',
  z.object({
    id: z.uuid(),
    tenant_id: z.string(),
    workflow_id: z.string(),
    run_id: z.string().nullable(),
    score: z.number().describe('0 (same) … 1 (nothing alike); docs/drift.md'),
    severity: z.enum(SEVERITIES),
    components: z.object({
      structural: z.number().describe('changed paths / all paths'),
      text: z.number().nullable().describe('mean 1 − cosine over shared text fields; null without any'),
    }),
    weights: z.object({ structural: z.number(), text: z.number() }),
    thresholds: z.object({ low: z.number(), medium: z.number(), high: z.number() }),
    embedding_model: z.string().nullable().describe('null when no text field changed'),
    paths: z.object({
      total: z.number().int(),
      added: z.number().int(),
      removed: z.number().int(),
      type_changed: z.number().int(),
      value_changed: z.number().int(),
      text: z.number().int(),
      text_changed: z.number().int(),
    }),
    diff: z.array(diffEntrySchema).describe('changed paths in path order, at most DRIFT_MAX_DIFF_ENTRIES'),
    diff_truncated: z.boolean(),
    baseline: sideViewSchema,
    augmented: sideViewSchema,
    created_at: timestampSchema(),
  }),
);
export type ComparisonView = z.infer<typeof comparisonViewSchema>;

export const comparisonListViewSchema = apiSchema(
  'DriftComparisonList',
  z.object({
    comparisons: z.array(comparisonViewSchema).describe('newest first'),
    ...cursorPageFields,
  }),
);
export type ComparisonListView = z.infer<typeof comparisonListViewSchema>;

export const summaryViewSchema = apiSchema(
  'DriftSummary',
  z.object({
    workflow_id: z.string(),
    comparisons: z.number().int(),
    by_severity: z.object({
      none: z.number().int(),
      low: z.number().int(),
      medium: z.number().int(),
      high: z.number().int(),
    }),
    mean_score: z.number().nullable().describe('null without comparisons'),
    max_score: z.number().nullable(),
    latest: z
      .object({ id: z.uuid(), score: z.number(), severity: z.enum(SEVERITIES), created_at: timestampSchema() })
      .nullable(),
  }),
);
export type SummaryView = z.infer<typeof summaryViewSchema>;
