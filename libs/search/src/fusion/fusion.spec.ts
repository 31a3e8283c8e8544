import { reciprocalRankFusion, weightedScoreFusion } from './fusion';

const list = (weight: number, ...entries: [string, number][]) => ({
  weight,
  candidates: entries.map(([id, score]) => ({ id, score })),
});

describe('rank fusion', () => {
  it('RRF sums weight/(k + rank) and breaks ties by id', () => {
    const fused = reciprocalRankFusion([list(1, ['a', 9], ['b', 8]), list(1, ['b', 0.9], ['a', 0.8], ['c', 0.1])], 60);
    expect(fused.map((c) => c.id)).toEqual(['a', 'b', 'c']);
    expect(fused[0].score).toBeCloseTo(1 / 61 + 1 / 62, 12);
    expect(fused[0].components).toEqual([1 / 61, 1 / 62]);
    expect(fused[2].score).toBeCloseTo(1 / 63, 12);
  });

  it('weighted sum min-max scales each list and counts a missing doc as 0', () => {
    const fused = weightedScoreFusion([list(0.7, ['a', 10], ['b', 5], ['c', 0]), list(0.3, ['c', 0.9], ['d', 0.5], ['b', 0.1])]);
    const score = Object.fromEntries(fused.map((c) => [c.id, c.score]));
    expect(score.a).toBeCloseTo(0.7, 12);
    expect(score.b).toBeCloseTo(0.35, 12);
    expect(score.c).toBeCloseTo(0.3, 12);
    expect(score.d).toBeCloseTo(0.3 * 0.5, 12);
    expect(fused.map((c) => c.id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('counts an id repeated within one list once', () => {
    const fused = reciprocalRankFusion([list(1, ['a', 2], ['a', 1])]);
    expect(fused).toHaveLength(1);
    expect(fused[0].score).toBeCloseTo(1 / 61, 12);
  });
});
