import { z } from 'zod';
import { MEMORY_TYPES } from '@engram/memories';

/**
 * The update-rules file (MEMORY_UPDATE_RULES_FILE): rules that turn a recorded run into pin and
 * memory changes. docs/post-run-updates.md describes every field; this schema is the reference.
 */

/**
 * A field of the run: `run_id`, `workflow_id`, `status`, `started_at`, `finished_at`,
 * `duration_ms`, or a path into `inputs`, `outputs` or `metrics` (`outputs.summary`,
 * `metrics.latency_ms`, `outputs.items.0.name`: a number indexes an array).
 */
export const FIELD_PATTERN =
  /^(?:run_id|workflow_id|status|started_at|finished_at|duration_ms|rule_id|(?:inputs|outputs|metrics)(?:\.[A-Za-z0-9_-]{1,128}){1,16})$/;
const fieldSchema = z
  .string()
  .regex(
    FIELD_PATTERN,
    'must be run_id, workflow_id, status, started_at, finished_at, duration_ms, rule_id, or inputs./outputs./metrics. followed by a path',
  );

/** `{{ field }}` or `{{ field | fallback text }}`. */
export const PLACEHOLDER = /\{\{\s*([^}|]*?)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const MAX_TEMPLATE_LENGTH = 16_384;

/** A string whose placeholders all name fields; checked when the file loads. */
const templateSchema = z
  .string()
  .max(MAX_TEMPLATE_LENGTH)
  .superRefine((text, context) => {
    for (const match of text.matchAll(PLACEHOLDER)) {
      if (!FIELD_PATTERN.test(match[1])) {
        context.addIssue({ code: 'custom', message: `placeholder {{${match[1]}}} does not name a run field` });
      }
    }
    const rest = text.replace(PLACEHOLDER, '');
    if (rest.includes('{{') || rest.includes('}}')) {
      context.addIssue({ code: 'custom', message: 'has an unclosed or malformed {{ placeholder }}' });
    }
  });

/** Any JSON, its strings templates. */
type TemplateJson = string | number | boolean | null | TemplateJson[] | { [key: string]: TemplateJson };
const templateJsonSchema: z.ZodType<TemplateJson> = z.lazy(() =>
  z.union([
    templateSchema,
    z.number(),
    z.boolean(),
    z.null(),
    z.array(templateJsonSchema).max(1000),
    z.record(z.string().max(128), templateJsonSchema),
  ]),
);

const scalarSchema = z.union([z.string().max(4096), z.number(), z.boolean()]);

export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { field: string; op: 'eq' | 'ne'; value: string | number | boolean }
  | { field: string; op: 'in' | 'not_in'; value: (string | number | boolean)[] }
  | { field: string; op: 'gt' | 'gte' | 'lt' | 'lte'; value: number }
  | { field: string; op: 'exists' }
  | { field: string; op: 'contains'; value: string | number | boolean }
  | { field: string; op: 'matches'; value: string };

const regexSchema = z
  .string()
  .max(512)
  .superRefine((pattern, context) => {
    try {
      new RegExp(pattern, 'u');
    } catch (error) {
      context.addIssue({ code: 'custom', message: `is not a regular expression: ${(error as Error).message}` });
    }
  });

export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionSchema).min(1).max(50) }),
    z.strictObject({ any: z.array(conditionSchema).min(1).max(50) }),
    z.strictObject({ not: conditionSchema }),
    z.strictObject({ field: fieldSchema, op: z.enum(['eq', 'ne']), value: scalarSchema }),
    z.strictObject({ field: fieldSchema, op: z.enum(['in', 'not_in']), value: z.array(scalarSchema).min(1).max(100) }),
    z.strictObject({ field: fieldSchema, op: z.enum(['gt', 'gte', 'lt', 'lte']), value: z.number() }),
    z.strictObject({ field: fieldSchema, op: z.literal('exists') }),
    z.strictObject({ field: fieldSchema, op: z.literal('contains'), value: scalarSchema }),
    z.strictObject({ field: fieldSchema, op: z.literal('matches'), value: regexSchema }),
  ]),
);

export const MAX_FILTER_LIMIT = 1000;

/** Which memories a filter action touches: live ones of one namespace matching every filter given. */
const filterSchema = z.strictObject({
  namespace: templateSchema,
  types: z.array(z.enum(MEMORY_TYPES)).min(1).max(4).optional(),
  tags: z.array(templateSchema).max(64).optional(),
  metadata: z.record(z.string().max(128), templateJsonSchema).optional(),
  limit: z.number().int().min(1).max(MAX_FILTER_LIMIT).default(100),
});
export type RuleFilter = z.infer<typeof filterSchema>;

const memoryWriteFields = {
  namespace: templateSchema,
  create_namespace: z.boolean().default(false),
  content: templateSchema.pipe(z.string().min(1)),
  memory_type: z.enum(MEMORY_TYPES).default('episodic'),
  tags: z.array(templateSchema).max(64).optional(),
  metadata: z.record(z.string().max(128), templateJsonSchema).optional(),
  importance: z.number().min(0).max(1).optional(),
  ttl_seconds: z.number().int().min(0).optional(),
};

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('upsert_pin'),
    key: templateSchema,
    value: templateJsonSchema,
    ttl_seconds: z.number().int().min(0).nullable().optional(),
  }),
  z.strictObject({ type: z.literal('write_memory'), ...memoryWriteFields }),
  z.strictObject({
    type: z.literal('supersede_memory'),
    ...memoryWriteFields,
    supersedes: filterSchema,
  }),
  z
    .strictObject({
      type: z.literal('adjust_importance'),
      filter: filterSchema,
      delta: z.number().min(-1).max(1).optional(),
      set: z.number().min(0).max(1).optional(),
    })
    .refine((action) => (action.delta === undefined) !== (action.set === undefined), {
      message: 'needs exactly one of delta and set',
    }),
  z.strictObject({
    type: z.literal('expire_memories'),
    filter: filterSchema,
    ttl_seconds: z.number().int().min(0).default(0),
  }),
]);
export type RuleAction = z.infer<typeof actionSchema>;

export const RULE_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const ruleSchema = z.strictObject({
  id: z.string().regex(RULE_ID_PATTERN, 'must be 1..64 characters of a-z 0-9 _ . -, starting with a letter or digit'),
  description: z.string().max(1024).optional(),
  enabled: z.boolean().default(true),
  when: conditionSchema.optional(),
  actions: z.array(actionSchema).min(1).max(20),
  stop: z.boolean().default(false),
});
export type UpdateRule = z.infer<typeof ruleSchema>;

export const rulesFileSchema = z
  .strictObject({
    version: z.union([z.number().int().min(0), z.string().min(1).max(64)]),
    description: z.string().max(4096).optional(),
    rules: z.array(ruleSchema).max(500),
  })
  .superRefine((file, context) => {
    const seen = new Set<string>();
    file.rules.forEach((rule, index) => {
      if (seen.has(rule.id)) {
        context.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `rule id ${rule.id} is used twice` });
      }
      seen.add(rule.id);
    });
  });
export type RulesFile = z.infer<typeof rulesFileSchema>;
