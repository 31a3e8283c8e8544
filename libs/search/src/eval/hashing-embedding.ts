/**
 * Offline text embedding by signed feature hashing (study version for the retrieval bench; the
 * product's local embedding provider implements the same idea and should be deduplicated with
 * this one). Nothing to download: the vector of a text is the sum of ±1 contributions of its
 * normalised word unigrams and bigrams hashed into `dimensions` buckets, L2-normalised, so cosine
 * similarity approximates weighted n-gram overlap. It knows no synonyms: quality is lexical.
 */

export const HASHING_DIMENSIONS = 384;

/** Function words carry no topic; left in, they dominate a 384-bucket vector and blur every text together. */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have he her his how i if in into is it its ' +
    'may might more most must no not of on or our she should so such than that the their them then there these they this ' +
    'those to was we were what when where which while who whom why will with would you your'
  ).split(' '),
);

/** Lowercased, NFKC-normalised word tokens (letters and digits), stop words removed. */
export function hashingTokens(text: string): string[] {
  const words = text.normalize('NFKC').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => !STOP_WORDS.has(word)).map(lightStem);
}

/** Folds the commonest English inflections (plural -s/-es, -ies) so "cells" meets "cell". */
function lightStem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) {
    return `${word.slice(0, -3)}y`;
  }
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) {
    return word.slice(0, -1);
  }
  return word;
}

/** FNV-1a, 32 bit: fast, stable across platforms and versions, good enough spread for hashing features. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export interface HashingEmbeddingOptions {
  dimensions?: number;
  /** Weight of a bigram relative to a unigram. */
  bigramWeight?: number;
}

/**
 * Embeds `text`: each feature adds ±weight·(1 + ln tf) to bucket hash mod d, the sign from an
 * independent bit of the hash so that colliding features cancel on average instead of piling up.
 * An empty text gives the zero vector (cosine with it is undefined: callers skip it).
 */
export function hashingEmbedding(text: string, options: HashingEmbeddingOptions = {}): Float32Array {
  const dimensions = options.dimensions ?? HASHING_DIMENSIONS;
  const bigramWeight = options.bigramWeight ?? 0.5;
  const tokens = hashingTokens(text);
  const features = new Map<string, number>();
  const add = (feature: string, weight: number): void => {
    features.set(feature, (features.get(feature) ?? 0) + weight);
  };
  tokens.forEach((token, index) => {
    add(`u:${token}`, 1);
    if (index > 0) {
      add(`b:${tokens[index - 1]} ${token}`, 1);
    }
  });
  const vector = new Float32Array(dimensions);
  for (const [feature, count] of features) {
    const hash = fnv1a(feature);
    const weight = (feature.startsWith('b:') ? bigramWeight : 1) * (1 + Math.log(count));
    vector[hash % dimensions] += hash & 0x80000000 ? -weight : weight;
  }
  const norm = Math.hypot(...vector);
  if (norm > 0) {
    for (let i = 0; i < dimensions; i++) {
      vector[i] /= norm;
    }
  }
  return vector;
}

/** pgvector's text input form, e.g. `[0.1,-0.2]`. */
export function toPgVector(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}
