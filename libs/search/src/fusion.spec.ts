import { Candidate, DEFAULT_WEIGHTS, defaultRanking, fuse } from './fusion';

const RELEVANCE_ONLY = { ...DEFAULT_WEIGHTS, relevance: 1, recency: 0, importance: 0, access: 0, relation: 0 };

function candidate(id: string, lexicalScore: number | null, vectorScore: number | null): Candidate {
  return {
    id,
    lexicalScore,
    vectorScore,
    createdAt: new Date(0),
    importance: 0,
    accessCount: 0,
    relationDepth: null,
    relationWeight: null,
  };
}

describe('fuse, minmax', () => {
  const options = (vector: number) => ({
    method: 'minmax' as const,
    weights: { ...RELEVANCE_ONLY, vector, lexical: 1 - vector },
    halfLifeHours: 1,
    now: 0,
  });

  it('scales each list to [0, 1] over the pool, so a narrow band of cosines still decides', () => {
    // Cosines 0.50–0.56 and BM25 2–20: as is, the lexical list would swamp the vector one.
    const pool = [candidate('a', 20, 0.5), candidate('b', 2, 0.56), candidate('c', 11, 0.53)];
    const fused = fuse(pool, options(0.5));
    const relevance = Object.fromEntries(fused.map((s) => [s.id, s.components.relevance]));
    expect(relevance.a).toBeCloseTo(0.5);
    expect(relevance.b).toBeCloseTo(0.5);
    expect(relevance.c).toBeCloseTo(0.5);
    const vectorLed = fuse(pool, options(0.8)).map((s) => s.id);
    expect(vectorLed).toEqual(['b', 'c', 'a']);
    expect(fuse(pool, options(0.2)).map((s) => s.id)).toEqual(['a', 'c', 'b']);
  });

  it('gives a candidate missing from a list 0 for that list, and a one-value list 1', () => {
    const fused = fuse([candidate('text-only', 5, null), candidate('both', 5, 0.4)], options(0.5));
    const relevance = Object.fromEntries(fused.map((s) => [s.id, s.components.relevance]));
    expect(relevance.both).toBeCloseTo(1);
    expect(relevance['text-only']).toBeCloseTo(0.5);
    expect(fused.map((s) => s.id)).toEqual(['both', 'text-only']);
  });

  it('keeps every relevance in [0, 1] whatever the scores', () => {
    const pool = [candidate('x', 0, -0.2), candidate('y', 1e9, 1), candidate('z', null, null)];
    for (const s of fuse(pool, options(0.6))) {
      expect(s.components.relevance).toBeGreaterThanOrEqual(0);
      expect(s.components.relevance).toBeLessThanOrEqual(1);
    }
  });
});

describe('defaultRanking', () => {
  it('gives each measured model its chosen ranking, and any other model RRF', () => {
    expect(defaultRanking('minilm-l6-v2')).toMatchObject({ method: 'minmax', weights: { vector: 0.7, lexical: 0.3 } });
    expect(defaultRanking('local-hash-384')).toMatchObject({
      method: 'weighted',
      weights: { vector: 0.2, lexical: 0.8 },
    });
    expect(defaultRanking('openai:text-embedding-3-small')).toEqual({ method: 'rrf', weights: DEFAULT_WEIGHTS });
  });
});
