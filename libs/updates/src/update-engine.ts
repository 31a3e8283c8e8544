import { z } from 'zod';
import type { JsonValue } from '@engram/common';
import { CreateMemoryInput, MemoryType, createMemorySchema, namespaceNameSchema } from '@engram/memories';
import { UpsertPinInput, upsertPinSchema } from '@engram/pins';
import { RuleApplicationError } from './runs.errors';
import { RunFacts } from './runs.dto';
import { Condition, PLACEHOLDER, RuleFilter, UpdateRule } from './update-rules.schema';

/**
 * Rule evaluation without side effects: conditions over a run, templates filled in from it, and
 * each action turned into a concrete, validated change. The post-update job and the dry run both
 * plan through here, so a dry run shows exactly what the job would do.
 */

/** A filter with its templates filled in: which memories a filter action selects. */
export interface PlannedSelection {
  namespace: string;
  types?: MemoryType[];
  tags?: string[];
  metadata?: Record<string, JsonValue>;
  limit: number;
}

export type PlannedAction =
  | { type: 'upsert_pin'; pin: UpsertPinInput }
  | { type: 'write_memory'; memory: CreateMemoryInput }
  | { type: 'supersede_memory'; memory: CreateMemoryInput; supersedes: PlannedSelection }
  | { type: 'adjust_importance'; selection: PlannedSelection; delta?: number; set?: number }
  | { type: 'expire_memories'; selection: PlannedSelection; ttlSeconds: number };

export interface RulePlan {
  matched: boolean;
  actions: PlannedAction[];
}

const MISSING = Symbol('missing');
type Resolved = unknown;

/**
 * The value of a field of the run, or MISSING: an absent key, a path through something that is
 * not an object or array, and a null all count as missing.
 */
export function resolveField(facts: RunFacts, ruleId: string, field: string): Resolved | typeof MISSING {
  const [root, ...path] = field.split('.');
  let value: unknown = root === 'rule_id' ? ruleId : (facts as unknown as Record<string, unknown>)[root];
  for (const segment of path) {
    if (Array.isArray(value) && /^\d+$/.test(segment)) {
      value = value[Number(segment)];
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      value = Object.prototype.hasOwnProperty.call(value, segment)
        ? (value as Record<string, unknown>)[segment]
        : undefined;
    } else {
      return MISSING;
    }
  }
  return value === undefined || value === null ? MISSING : value;
}

/**
 * True when the condition holds. A comparison over a missing field is false (never an error),
 * and comparisons are strict about types: `gt` on a string, `eq` of "1" and 1, `matches` on a
 * number are all false.
 */
export function evaluate(condition: Condition, facts: RunFacts, ruleId: string): boolean {
  if ('all' in condition) {
    return condition.all.every((c) => evaluate(c, facts, ruleId));
  }
  if ('any' in condition) {
    return condition.any.some((c) => evaluate(c, facts, ruleId));
  }
  if ('not' in condition) {
    return !evaluate(condition.not, facts, ruleId);
  }
  const value = resolveField(facts, ruleId, condition.field);
  if (value === MISSING) {
    return false;
  }
  switch (condition.op) {
    case 'exists':
      return true;
    case 'eq':
      return value === condition.value;
    case 'ne':
      return isScalar(value) && value !== condition.value;
    case 'in':
      return condition.value.some((v) => v === value);
    case 'not_in':
      return isScalar(value) && !condition.value.some((v) => v === value);
    case 'gt':
      return typeof value === 'number' && value > condition.value;
    case 'gte':
      return typeof value === 'number' && value >= condition.value;
    case 'lt':
      return typeof value === 'number' && value < condition.value;
    case 'lte':
      return typeof value === 'number' && value <= condition.value;
    case 'contains':
      if (typeof value === 'string') {
        return typeof condition.value === 'string' && value.includes(condition.value);
      }
      return Array.isArray(value) && value.some((item) => item === condition.value);
    case 'matches':
      return typeof value === 'string' && new RegExp(condition.value, 'u').test(value);
  }
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * Fills in a template. A string that is exactly one placeholder takes the field's value as it
 * is (an object stays an object, a number a number); placeholders inside other text are
 * replaced by the value as text (objects and arrays as JSON). A placeholder whose field is
 * missing takes its fallback (`{{ outputs.x | none }}`) or fails the rule: `template_unresolved`.
 */
export function render(template: unknown, facts: RunFacts, ruleId: string, where: string): JsonValue {
  if (typeof template === 'string') {
    return renderString(template, facts, ruleId, where);
  }
  if (Array.isArray(template)) {
    return template.map((item, index) => render(item, facts, ruleId, `${where}.${index}`));
  }
  if (template !== null && typeof template === 'object') {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, render(value, facts, ruleId, `${where}.${key}`)]),
    );
  }
  return template as JsonValue;
}

function renderString(template: string, facts: RunFacts, ruleId: string, where: string): JsonValue {
  const matches = [...template.matchAll(PLACEHOLDER)];
  if (matches.length === 0) {
    return template;
  }
  const valueOf = (match: RegExpMatchArray): JsonValue => {
    const value = resolveField(facts, ruleId, match[1]);
    if (value !== MISSING) {
      return value as JsonValue;
    }
    if (match[2] !== undefined) {
      return match[2];
    }
    throw new RuleApplicationError(
      'template_unresolved',
      `${where}: {{${match[1]}}} has no value in this run and no fallback`,
      { field: match[1], where },
    );
  };
  if (matches.length === 1 && matches[0][0] === template) {
    return valueOf(matches[0]);
  }
  return template.replace(PLACEHOLDER, (...args: unknown[]) => {
    const value = valueOf(args as unknown as RegExpMatchArray);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
}

function checked<S extends z.ZodType>(schema: S, input: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) {
    return parsed.data;
  }
  const issue = parsed.error.issues[0];
  const path = issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : '';
  throw new RuleApplicationError('invalid_rule_action', `${where}${path}: ${issue.message}`, {
    where: `${where}${path}`,
  });
}

const selectionSchema = z.strictObject({
  namespace: namespaceNameSchema,
  types: z.array(z.string()).optional(),
  tags: z.array(z.string().min(1).max(64)).max(64).optional(),
  metadata: z.record(z.string().max(128), z.json()).optional(),
  limit: z.number().int(),
});

function selection(filter: RuleFilter, facts: RunFacts, ruleId: string, where: string): PlannedSelection {
  const rendered = render(filter as unknown as JsonValue, facts, ruleId, where);
  return checked(selectionSchema, rendered, where) as PlannedSelection;
}

/** The rule's actions for this run, filled in and validated; `matched` false plans nothing. */
export function planRule(rule: UpdateRule, facts: RunFacts): RulePlan {
  if (rule.when !== undefined && !evaluate(rule.when, facts, rule.id)) {
    return { matched: false, actions: [] };
  }
  const source = `post-update:${rule.id}`;
  const actions = rule.actions.map((action, index): PlannedAction => {
    const where = `actions.${index}`;
    switch (action.type) {
      case 'upsert_pin':
        return {
          type: 'upsert_pin',
          pin: checked(
            upsertPinSchema,
            {
              key: render(action.key, facts, rule.id, `${where}.key`),
              value: render(action.value, facts, rule.id, `${where}.value`),
              ttl_seconds: action.ttl_seconds ?? null,
              source,
            },
            where,
          ),
        };
      case 'write_memory':
      case 'supersede_memory': {
        const memory = checked(
          createMemorySchema,
          {
            namespace: render(action.namespace, facts, rule.id, `${where}.namespace`),
            create_namespace: action.create_namespace,
            content: render(action.content, facts, rule.id, `${where}.content`),
            type: action.memory_type,
            ...(action.tags === undefined ? {} : { tags: render(action.tags, facts, rule.id, `${where}.tags`) }),
            ...(action.metadata === undefined
              ? {}
              : { metadata: render(action.metadata, facts, rule.id, `${where}.metadata`) }),
            ...(action.importance === undefined ? {} : { importance: action.importance }),
            ...(action.ttl_seconds === undefined ? {} : { ttl_seconds: action.ttl_seconds }),
            source,
          },
          where,
        );
        return action.type === 'write_memory'
          ? { type: 'write_memory', memory }
          : {
              type: 'supersede_memory',
              memory,
              supersedes: selection(action.supersedes, facts, rule.id, `${where}.supersedes`),
            };
      }
      case 'adjust_importance':
        return {
          type: 'adjust_importance',
          selection: selection(action.filter, facts, rule.id, `${where}.filter`),
          ...(action.delta === undefined ? {} : { delta: action.delta }),
          ...(action.set === undefined ? {} : { set: action.set }),
        };
      case 'expire_memories':
        return {
          type: 'expire_memories',
          selection: selection(action.filter, facts, rule.id, `${where}.filter`),
          ttlSeconds: action.ttl_seconds,
        };
    }
  });
  return { matched: true, actions };
}
