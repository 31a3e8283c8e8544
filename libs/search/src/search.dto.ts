import { z } from 'zod';
import { tenantIdSchema } from '@engram/common';
import {
  memoryFiltersSchema,
  memoryIdSchema,
  namespaceNameSchema,
  relationNameSchema,
  MemoryView,
} from '@engram/memories';
import { ScoreComponents } from './fusion';

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
    fusion: z.enum(['rrf', 'weighted']).optional(),
    weights: weightsSchema.optional(),
  })
  .refine((input) => (input.namespace === undefined) !== (input.namespaces === undefined), {
    message: 'give exactly one of namespace and namespaces',
    path: ['namespace'],
  });
export type SearchInput = z.infer<typeof searchSchema>;

export interface SearchResultView {
  memory: MemoryView;
  score: number;
  components?: ScoreComponents;
}

export interface SearchView {
  results: SearchResultView[];
  fusion: string;
  /** The vector stage was skipped (query embedding failed or no namespace has vectors). */
  lexical_only: boolean;
}
