import { hashingEmbedding, hashingTokens, HASHING_DIMENSIONS } from './hashing-embedding';

const cosine = (a: Float32Array, b: Float32Array): number => a.reduce((sum, value, i) => sum + value * b[i], 0);

describe('hashing embedding (offline)', () => {
  it('normalises tokens: case, stop words, plural folding', () => {
    expect(hashingTokens('The Cells of MICE are dividing')).toEqual(['cell', 'mice', 'dividing']);
  });

  it('is deterministic, 384-d and unit length', () => {
    const a = hashingEmbedding('Vitamin D lowers the risk of fractures');
    const b = hashingEmbedding('Vitamin D lowers the risk of fractures');
    expect(a).toHaveLength(HASHING_DIMENSIONS);
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(cosine(a, a)).toBeCloseTo(1, 5);
  });

  it('ranks a text sharing words above an unrelated one', () => {
    const query = hashingEmbedding('vitamin d deficiency and bone fractures');
    const related = hashingEmbedding('Fractures are more common in patients with vitamin D deficiency');
    const unrelated = hashingEmbedding('Transcription factors regulate stem cell pluripotency');
    expect(cosine(query, related)).toBeGreaterThan(cosine(query, unrelated) + 0.2);
  });

  it('gives the zero vector for a text with no content words', () => {
    expect(Math.hypot(...hashingEmbedding('the of and'))).toBe(0);
  });
});
