import { z } from 'zod';
import {
  asOfSchema,
  memoryFiltersSchema,
  memoryIdSchema,
  namespaceNameSchema,
  relationNameSchema,
  memoryViewSchema,
} from '@engram/memories';
import { apiSchema, tenantIdSchema } from '@engram/common';
import { FUSION_METHODS } from './fusion';

export const MAX_K = 200;

const weightsSchema = z.strictObject({
  vector: z.number().min(0).max(10).optional(),
  lexical: z.number().min(0).max(10).optional(),
  relevance: z.number().min(0).max(1).optional(),
  recency: z.number().min(0).max(1).optional(),
  importance: z.number().min(0).max(1).optional(),
  access: z.number().min(0).max(1).optional(),
  relation: z.number().min(0).max(1).optional(),
});

/** Shared with context assembly. Off by default: docs/conversations.md "Relative time" has the measurement. */
export const relativeTimeSchema = z
  .boolean()
  .default(false)
  .describe(
    'true: a relative-time phrase in the query ("yesterday", "last week", "in May", "3 days ago") restricts results to memories whose occurred_at falls in that window (UTC)',
  );

export const timeWindowViewSchema = z.object({
  phrase: z.string().describe('the phrase found in the query'),
  after: z.string().describe('inclusive start (ISO 8601)'),
  before: z.string().describe('exclusive end (ISO 8601)'),
});
export type TimeWindowView = z.infer<typeof timeWindowViewSchema>;

export const searchSchema = z
  .strictObject({
    tenant_id: tenantIdSchema.optional(),
    query: z.string().min(1).max(4096),
    namespace: namespaceNameSchema.optional(),
    namespaces: z.array(namespaceNameSchema).min(1).max(20).optional(),
    k: z.number().int().min(1).max(MAX_K).default(10),
    filters: memoryFiltersSchema.optional(),
    min_score: z.number().min(0).max(1).optional(),
    explain: z.boolean().default(false),
    related_to: memoryIdSchema.optional(),
    related_mode: z.enum(['boost', 'restrict']).default('boost'),
    related_depth: z.number().int().min(1).max(3).default(2),
    related_relations: z.array(relationNameSchema).max(20).optional(),
    fusion: z.enum(FUSION_METHODS).optional(),
    weights: weightsSchema.optional(),
    relative_time: relativeTimeSchema,
    include_superseded: z.boolean().default(false).describe('true: superseded memories are candidates too'),
    as_of: asOfSchema.optional(),
  })
  .refine((input) => (input.namespace === undefined) !== (input.namespaces === undefined), {
    message: 'give exactly one of namespace and namespaces',
    path: ['namespace'],
  });
export type SearchInput = z.infer<typeof searchSchema>;

const rank = () => z.number().int().nullable();

export const scoreComponentsSchema = apiSchema(
  'ScoreComponents',
  z.object({
    relevance: z.number().describe('the fused text and vector relevance'),
    vector: z.number().nullable().describe('cosine similarity; null when the memory was not a vector hit'),
    lexical: z.number().nullable().describe('BM25; null when the memory was not a text hit'),
    vector_rank: rank(),
    lexical_rank: rank(),
    recency: z.number(),
    importance: z.number(),
    access: z.number(),
    relation: z.number(),
  }),
);
export type ScoreComponents = z.infer<typeof scoreComponentsSchema>;

export const searchResultViewSchema = apiSchema(
  'SearchResult',
  z.object({
    memory: memoryViewSchema,
    score: z.number(),
    components: scoreComponentsSchema.optional().describe('with explain: true'),
  }),
);
export type SearchResultView = z.infer<typeof searchResultViewSchema>;

export const searchViewSchema = apiSchema(
  'SearchResults',
  z.object({
    results: z.array(searchResultViewSchema).describe('best first'),
    fusion: z.string().describe('how text and vector relevance were combined'),
    lexical_only: z
      .boolean()
      .describe('the vector stage was skipped (query embedding failed or no namespace has vectors)'),
    time_window: timeWindowViewSchema
      .nullable()
      .describe('with relative_time: true, the occurred_at window the query named (null: none found or not asked)'),
  }),
);
export type SearchView = z.infer<typeof searchViewSchema>;
