import { LOCAL_HASH_MODEL, MINILM_MODEL } from '@engram/embeddings';
import type { ScoreComponents } from './search.dto';

/**
 * How the lexical and vector lists become one relevance in [0, 1]: `rrf` by rank; `weighted`
 * from the cosine as is and BM25 over the pool's best; `minmax` from both scores scaled to
 * [0, 1] over the pool (a sentence model's cosines sit in a narrow band, which scaling opens up).
 */
export const FUSION_METHODS = ['rrf', 'weighted', 'minmax'] as const;
export type FusionMethod = (typeof FUSION_METHODS)[number];

export interface SearchWeights {
  /** Inside relevance: the vector list's share. */
  vector: number;
  /** Inside relevance: the lexical list's share. */
  lexical: number;
  /** The final score: relevance + recency + importance + access + relation, each in [0, 1]. */
  relevance: number;
  recency: number;
  importance: number;
  access: number;
  relation: number;
}

export const DEFAULT_WEIGHTS: SearchWeights = {
  vector: 1,
  lexical: 1,
  relevance: 0.7,
  recency: 0.1,
  importance: 0.1,
  access: 0.05,
  relation: 0.05,
};

export interface Ranking {
  method: FusionMethod;
  weights: SearchWeights;
}

/**
 * The ranking a search gets when it names none, by the namespace's embedding model, each chosen
 * on SciFact's 809 train claims through this search path (bench/README.md, "fusion"; the test
 * claims only reported):
 * - the offline hashing model: BM25-dominant weighting, lexical 0.8 / vector 0.2 (train nDCG@10
 *   0.6951; BM25 alone 0.6930, equal weights 0.6916, RRF 0.5883);
 * - the sentence model (int8, long memories scored by their best passage): both lists min-max
 *   scaled, vector 0.7 / lexical 0.3 (train 0.7428; 0.6: 0.7381, 0.8: 0.7332; before passages
 *   and int8 the best was 0.6 at 0.7356, the weighted sum 0.7324, RRF 0.7128).
 * A model not measured yet gets RRF with equal weights, which assumes nothing about its scores.
 */
const MEASURED_RANKINGS: Record<string, Ranking> = {
  [LOCAL_HASH_MODEL]: { method: 'weighted', weights: { ...DEFAULT_WEIGHTS, vector: 0.2, lexical: 0.8 } },
  [MINILM_MODEL]: { method: 'minmax', weights: { ...DEFAULT_WEIGHTS, vector: 0.7, lexical: 0.3 } },
};

export function defaultRanking(model: string): Ranking {
  return MEASURED_RANKINGS[model] ?? { method: 'rrf', weights: DEFAULT_WEIGHTS };
}

/**
 * The ranking of one request: its fusion method and weights over the model's default. A request
 * naming a method other than the default starts from equal list weights, so `fusion: 'rrf'`
 * alone really fuses both lists.
 */
export function requestRanking(defaults: Ranking, method?: FusionMethod, weights?: Partial<SearchWeights>): Ranking {
  const base = method === undefined || method === defaults.method ? defaults.weights : DEFAULT_WEIGHTS;
  return { method: method ?? defaults.method, weights: { ...base, ...weights } };
}

/** The usual RRF constant: ranks 1 and 10 differ by ~15%, so one list cannot swamp the other. */
export const RRF_K = 60;

export interface Candidate {
  id: string;
  lexicalScore: number | null;
  vectorScore: number | null;
  createdAt: Date;
  importance: number;
  accessCount: number;
  /** Depth from the related_to memory (1 = direct neighbour), null if not a neighbour. */
  relationDepth: number | null;
  relationWeight: number | null;
}

export interface Scored {
  id: string;
  score: number;
  components: ScoreComponents;
}

/**
 * Ranks a candidate pool. Relevance is either RRF over the two lists (normalised so that rank 1
 * in both lists is 1.0) or a weighted sum of the cosine similarity and the lexical score
 * divided by the pool's best. Recency halves every `halfLifeHours`; access saturates at 100
 * reads; relation is the path weight divided by depth.
 */
export function fuse(
  candidates: Candidate[],
  options: { method: FusionMethod; weights: SearchWeights; halfLifeHours: number; now: number },
): Scored[] {
  const { weights } = options;
  const vectorRanks = ranks(candidates, (c) => c.vectorScore);
  const lexicalRanks = ranks(candidates, (c) => c.lexicalScore);
  const bestLexical = Math.max(0, ...candidates.map((c) => c.lexicalScore ?? 0));
  const vectorRange = scoreRange(candidates, (c) => c.vectorScore);
  const lexicalRange = scoreRange(candidates, (c) => c.lexicalScore);
  const listWeight = weights.vector + weights.lexical || 1;

  return candidates
    .map((c) => {
      const vectorRank = vectorRanks.get(c.id) ?? null;
      const lexicalRank = lexicalRanks.get(c.id) ?? null;
      let relevance: number;
      if (options.method === 'rrf') {
        const raw =
          (vectorRank === null ? 0 : weights.vector / (RRF_K + vectorRank)) +
          (lexicalRank === null ? 0 : weights.lexical / (RRF_K + lexicalRank));
        relevance = raw / (listWeight / (RRF_K + 1));
      } else if (options.method === 'minmax') {
        relevance =
          (weights.vector * scaled(c.vectorScore, vectorRange) +
            weights.lexical * scaled(c.lexicalScore, lexicalRange)) /
          listWeight;
      } else {
        const vector = Math.max(0, c.vectorScore ?? 0);
        const lexical = bestLexical > 0 ? (c.lexicalScore ?? 0) / bestLexical : 0;
        relevance = (weights.vector * vector + weights.lexical * lexical) / listWeight;
      }
      const ageHours = Math.max(0, options.now - c.createdAt.getTime()) / 3_600_000;
      const recency = Math.pow(0.5, ageHours / options.halfLifeHours);
      const access = Math.min(1, Math.log10(1 + c.accessCount) / 2);
      const relation = c.relationDepth === null ? 0 : (c.relationWeight ?? 1) / c.relationDepth;
      const score =
        weights.relevance * relevance +
        weights.recency * recency +
        weights.importance * c.importance +
        weights.access * access +
        weights.relation * relation;
      return {
        id: c.id,
        score: Math.min(1, Math.max(0, score)),
        components: {
          relevance,
          vector: c.vectorScore,
          lexical: c.lexicalScore,
          vector_rank: vectorRank,
          lexical_rank: lexicalRank,
          recency,
          importance: c.importance,
          access,
          relation,
        },
      };
    })
    .sort((a, b) => b.score - a.score || byId(a.id, b.id));
}

interface ScoreRange {
  min: number;
  max: number;
}

function scoreRange(candidates: Candidate[], score: (c: Candidate) => number | null): ScoreRange | null {
  let range: ScoreRange | null = null;
  for (const candidate of candidates) {
    const value = score(candidate);
    if (value !== null) {
      range = range ? { min: Math.min(range.min, value), max: Math.max(range.max, value) } : { min: value, max: value };
    }
  }
  return range;
}

/** A score placed in its list's range: 0 when the candidate is not in that list, 1 for a list of one value. */
function scaled(value: number | null, range: ScoreRange | null): number {
  if (value === null || range === null) {
    return 0;
  }
  return range.max > range.min ? (value - range.min) / (range.max - range.min) : 1;
}

function ranks(candidates: Candidate[], score: (c: Candidate) => number | null): Map<string, number> {
  const scored = candidates.filter((c) => score(c) !== null).sort((a, b) => score(b)! - score(a)! || byId(a.id, b.id));
  return new Map(scored.map((c, i) => [c.id, i + 1]));
}

/**
 * Ties break by id in code-point order, never localeCompare: collation follows the process's
 * locale and ICU data, which replicas need not share, and a tie must break the same everywhere.
 */
function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
