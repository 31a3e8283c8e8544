import { ExtractedFact } from './extraction.dto';

/** A stored memory near a candidate fact, as found by vector and text search. */
export interface NearbyMemory {
  id: string;
  content: string;
  /** The slot it fills (from its extraction), or null. */
  key: string | null;
  /** Cosine similarity of the two contents' vectors, 0..1. */
  similarity: number;
}

export interface DecisionThresholds {
  /** At or above: the same statement (nothing to store). */
  duplicate: number;
  /** At or above, with the old text inside the new: the new one refines the old (update). */
  refines: number;
}

export const DEFAULT_DECISION_THRESHOLDS: DecisionThresholds = { duplicate: 0.95, refines: 0.8 };

export type FactDecision =
  | { action: 'add' }
  | { action: 'none'; memoryId: string; reason: 'duplicate' }
  | { action: 'update'; memoryId: string }
  | { action: 'supersede'; memoryId: string };

/** Case, spacing and final punctuation do not make two statements different. */
export function normaliseStatement(text: string): string {
  return text
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .replace(/[\s.!;,]+$/, '')
    .trim();
}

/**
 * What to do with one extracted fact, given the memories near it. Deterministic: the same fact
 * and neighbours always give the same decision (neighbours are ranked by similarity, then id).
 *  1. the same text → none;
 *  2. a fact with a slot (key) that a memory already fills → supersede the closest such memory
 *     (a slot holds one value: vectors of "lives in Paris" and "lives in Lyon" are close, and
 *     still one replaces the other);
 *  3. a memory without a slot at or above `duplicate` → none;
 *  4. no slot, close (`refines`) and the old text contained in the new → update the old one;
 *  5. otherwise → add.
 */
export function decideFact(
  fact: Pick<ExtractedFact, 'content' | 'key'>,
  nearby: NearbyMemory[],
  thresholds: DecisionThresholds = DEFAULT_DECISION_THRESHOLDS,
): FactDecision {
  const ranked = [...nearby].sort((a, b) => b.similarity - a.similarity || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const statement = normaliseStatement(fact.content);
  const same = ranked.find((memory) => normaliseStatement(memory.content) === statement);
  if (same) {
    return { action: 'none', memoryId: same.id, reason: 'duplicate' };
  }
  const holder = fact.key === null ? undefined : ranked.find((memory) => memory.key === fact.key);
  if (holder) {
    return { action: 'supersede', memoryId: holder.id };
  }
  const unslotted = ranked.filter((memory) => memory.key === null);
  const duplicate = unslotted.find((memory) => memory.similarity >= thresholds.duplicate);
  if (duplicate) {
    return { action: 'none', memoryId: duplicate.id, reason: 'duplicate' };
  }
  if (fact.key !== null) {
    return { action: 'add' };
  }
  const refined = unslotted.find(
    (memory) => memory.similarity >= thresholds.refines && statement.includes(normaliseStatement(memory.content)),
  );
  return refined ? { action: 'update', memoryId: refined.id } : { action: 'add' };
}
