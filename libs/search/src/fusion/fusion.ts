/**
 * Rank fusion of candidate lists (lexical, vector, …) into one ranking. Pure functions over
 * already-ranked lists so the same code serves the product and the retrieval bench.
 */

export interface Candidate {
  id: string;
  score: number;
}

export interface RankedList {
  /** Best first. */
  candidates: readonly Candidate[];
  weight: number;
}

export interface FusedCandidate {
  id: string;
  score: number;
  /** Per input list: its normalised contribution before weighting (0 when absent from that list). */
  components: number[];
}

function byScoreThenId(a: FusedCandidate, b: FusedCandidate): number {
  return b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function fuse(lists: readonly RankedList[], contribution: (list: RankedList, rank: number) => number): FusedCandidate[] {
  const fused = new Map<string, FusedCandidate>();
  lists.forEach((list, listIndex) => {
    list.candidates.forEach((candidate, rank) => {
      let entry = fused.get(candidate.id);
      if (entry === undefined) {
        entry = { id: candidate.id, score: 0, components: lists.map(() => 0) };
        fused.set(candidate.id, entry);
      }
      // A list repeating an id counts it once, at its best rank.
      if (entry.components[listIndex] === 0) {
        const value = contribution(list, rank);
        entry.components[listIndex] = value;
        entry.score += list.weight * value;
      }
    });
  });
  return [...fused.values()].sort(byScoreThenId);
}

/** Reciprocal rank fusion: Σ weight / (k + rank), rank from 1. Scale-free: needs no score calibration. */
export function reciprocalRankFusion(lists: readonly RankedList[], k = 60): FusedCandidate[] {
  return fuse(lists, (_list, rank) => 1 / (k + rank + 1));
}

/**
 * Normalised weighted sum: each list's scores min-max scaled to [0, 1] over the list as given
 * (so callers pass the same depth for every list), then Σ weight · scaled. A doc absent from a
 * list gets 0 from it. A list whose scores are all equal scales to 1.
 */
export function weightedScoreFusion(lists: readonly RankedList[]): FusedCandidate[] {
  const ranges = lists.map((list) => {
    const scores = list.candidates.map((candidate) => candidate.score);
    return { min: Math.min(...scores), max: Math.max(...scores) };
  });
  return fuse(lists, (list, rank) => {
    const { min, max } = ranges[lists.indexOf(list)];
    return max > min ? (list.candidates[rank].score - min) / (max - min) : 1;
  });
}
