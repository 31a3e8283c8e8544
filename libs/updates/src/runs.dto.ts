import { z } from 'zod';
import {
  apiSchema,
  cursorPageFields,
  isoDateTime,
  jsonValueSchema,
  tenantIdSchema,
  timestampSchema,
} from '@engram/common';

export const RUN_STATUSES = ['succeeded', 'failed', 'cancelled', 'timed_out'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const MAX_RUN_LIST_LIMIT = 200;

/** Run and workflow ids: 1..128 of A-Z a-z 0-9 _ . - (no ":", so they can ride in a job id). */
const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const ID_MESSAGE = 'must be 1..128 characters of A-Z a-z 0-9 _ . -, starting with a letter or digit';
export const runIdSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);
export const workflowIdSchema = z.string().regex(ID_PATTERN, ID_MESSAGE);

/** Metric names as Prometheus spells them; values must be finite numbers. */
const metricsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,127}$/), z.number());

export const recordRunSchema = z
  .strictObject({
    tenant_id: tenantIdSchema.optional(),
    run_id: runIdSchema,
    workflow_id: workflowIdSchema,
    status: z.enum(RUN_STATUSES),
    inputs: z.record(z.string(), jsonValueSchema).optional(),
    outputs: z.record(z.string(), jsonValueSchema).optional(),
    metrics: metricsSchema.optional(),
    started_at: isoDateTime(),
    finished_at: isoDateTime(),
  })
  .refine((run) => Date.parse(run.finished_at) >= Date.parse(run.started_at), {
    message: 'must not be before started_at',
    path: ['finished_at'],
  });
export type RecordRunInput = z.infer<typeof recordRunSchema>;

/** The run as rules see it: what was recorded, timestamps normalised to UTC ISO 8601. */
export interface RunFacts {
  run_id: string;
  workflow_id: string;
  status: RunStatus;
  inputs: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  metrics: Record<string, number> | null;
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

export const listRunsQuerySchema = z.strictObject({
  tenant_id: tenantIdSchema.optional(),
  workflow_id: workflowIdSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_RUN_LIST_LIMIT).default(50),
  cursor: z.string().max(1024).optional(),
});
export type ListRunsQuery = z.infer<typeof listRunsQuerySchema>;

export const ruleApplicationViewSchema = apiSchema(
  'RuleApplication',
  z.object({
    rule_id: z.string(),
    status: z.enum(['applied', 'failed']),
    rules_version: z.string(),
    rules_hash: z.string(),
    changes: z
      .array(z.record(z.string(), jsonValueSchema))
      .describe('what the rule wrote: pin keys and ids, memory ids'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    applied_at: timestampSchema(),
  }),
);
export type RuleApplicationView = z.infer<typeof ruleApplicationViewSchema>;

export const runViewSchema = apiSchema(
  'Run',
  z.object({
    tenant_id: z.string(),
    run_id: z.string(),
    workflow_id: z.string(),
    status: z.enum(RUN_STATUSES),
    inputs: z.record(z.string(), jsonValueSchema).nullable(),
    outputs: z.record(z.string(), jsonValueSchema).nullable(),
    metrics: z.record(z.string(), z.number()).nullable(),
    started_at: timestampSchema(),
    finished_at: timestampSchema(),
    duration_ms: z.number().int(),
    recorded_at: timestampSchema(),
  }),
);
export type RunView = z.infer<typeof runViewSchema>;

export const runDetailViewSchema = apiSchema(
  'RunDetail',
  runViewSchema.extend({
    applications: z
      .array(ruleApplicationViewSchema)
      .describe('update rules applied to this run (or failed), by rule id'),
  }),
);
export type RunDetailView = z.infer<typeof runDetailViewSchema>;

export const recordedRunViewSchema = apiSchema(
  'RecordedRun',
  runViewSchema.extend({
    post_update: z
      .enum(['queued', 'disabled', 'not_queued'])
      .describe(
        'queued: the memory.post-update job was queued; disabled: the memory_post_update flag is off; not_queued: the queue could not be reached (send the same run again)',
      ),
  }),
);
export type RecordedRunView = z.infer<typeof recordedRunViewSchema>;

export const runListViewSchema = apiSchema(
  'RunList',
  z.object({ runs: z.array(runViewSchema).describe('newest first'), ...cursorPageFields }),
);
export type RunListView = z.infer<typeof runListViewSchema>;

export const dryRunBodySchema = z.strictObject({ tenant_id: tenantIdSchema.optional() });

export const plannedActionViewSchema = apiSchema(
  'PlannedAction',
  z.object({
    type: z.string(),
    detail: z.record(z.string(), jsonValueSchema).describe('the action with its templates filled in'),
    memory_ids: z.array(z.string()).optional().describe('memories the action would change (filter actions)'),
  }),
);

export const dryRunRuleViewSchema = apiSchema(
  'DryRunRule',
  z.object({
    rule_id: z.string(),
    matched: z.boolean(),
    already_applied: z.boolean().describe('the rule was applied to this recorded run before: it would not apply again'),
    actions: z.array(plannedActionViewSchema),
    error: z
      .object({ code: z.string(), message: z.string() })
      .nullable()
      .describe('why the rule would fail as a whole (nothing of it applied)'),
  }),
);
export type DryRunRuleView = z.infer<typeof dryRunRuleViewSchema>;

export const dryRunViewSchema = apiSchema(
  'RunDryRun',
  z.object({
    run_id: z.string(),
    rules_version: z.string(),
    rules_hash: z.string(),
    flag_enabled: z.boolean().describe('memory_post_update for this tenant: off, recording a run changes nothing'),
    rules: z.array(dryRunRuleViewSchema).describe('in the order they apply; rules a stop rule cuts off are left out'),
  }),
);
export type DryRunView = z.infer<typeof dryRunViewSchema>;

export const rulesInfoViewSchema = apiSchema(
  'UpdateRulesInfo',
  z.object({
    version: z.string(),
    hash: z.string(),
    loaded_at: timestampSchema(),
    file: z.string(),
    rule_count: z.number().int(),
    rule_ids: z.array(z.string()).describe('in the order they apply'),
  }),
);
export type RulesInfoView = z.infer<typeof rulesInfoViewSchema>;

export const rulesReloadViewSchema = apiSchema(
  'UpdateRulesReload',
  z.object({ changed: z.boolean(), info: rulesInfoViewSchema }),
);
export type RulesReloadView = z.infer<typeof rulesReloadViewSchema>;
