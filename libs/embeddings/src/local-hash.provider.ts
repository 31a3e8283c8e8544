import { EmbeddingProvider, l2Normalise } from './embedding-provider';

export const LOCAL_HASH_MODEL = 'local-hash-384';
const DIMENSIONS = 384;

const STOPWORDS = new Set(
  (
    'a an and are as at be but by for from has have he her his i if in into is it its me my not of on or our she so ' +
    'than that the their them then there these they this to was we were what when which who will with you your'
  ).split(' '),
);

/** Weights per feature kind: whole words matter most, neighbours next, spelling fragments least. */
const UNIGRAM_WEIGHT = 1;
const BIGRAM_WEIGHT = 0.5;
const TRIGRAM_WEIGHT = 0.2;

/**
 * The built-in offline embedding: signed feature hashing of word unigrams, word bigrams and
 * character trigrams into 384 dimensions, L2-normalised. Nothing to download, ~µs per memory.
 *
 * It captures lexical overlap (shared words, word pairs, shared word stems via trigrams), not
 * meaning: "car" and "automobile" are unrelated to it. Configure a model server for semantics.
 */
export class LocalHashEmbeddingProvider implements EmbeddingProvider {
  readonly model = LOCAL_HASH_MODEL;
  readonly dimensions = DIMENSIONS;
  readonly inline = true;

  async embed(texts: string[]): Promise<number[][]> {
    return texts.map((text) => embedText(text));
  }
}

export function embedText(text: string): number[] {
  const vector = new Array<number>(DIMENSIONS).fill(0);
  const words = tokenize(text);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    addFeature(vector, `w:${word}`, UNIGRAM_WEIGHT);
    if (i + 1 < words.length) {
      addFeature(vector, `b:${word} ${words[i + 1]}`, BIGRAM_WEIGHT);
    }
    const padded = `^${word}$`;
    for (let j = 0; j + 3 <= padded.length; j++) {
      addFeature(vector, `c:${padded.slice(j, j + 3)}`, TRIGRAM_WEIGHT);
    }
  }
  return l2Normalise(vector);
}

export function tokenize(text: string): string[] {
  const words =
    text
      .toLowerCase()
      .normalize('NFKC')
      .match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.filter((word) => !STOPWORDS.has(word)).map(stem);
}

/** Folds the commonest English inflections so "memories" and "memory" share a feature. */
function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) {
    return `${word.slice(0, -3)}y`;
  }
  if (word.length > 5 && word.endsWith('ing')) {
    return word.slice(0, -3);
  }
  if (word.length > 4 && word.endsWith('ed')) {
    return word.slice(0, -2);
  }
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) {
    return word.slice(0, -1);
  }
  return word;
}

function addFeature(vector: number[], feature: string, weight: number): void {
  const hash = fnv1a(feature);
  // The sign bit comes from a different part of the hash than the bucket, so collisions cancel
  // out on average instead of piling up.
  const sign = hash & 0x80000000 ? -1 : 1;
  vector[(hash & 0x7fffffff) % DIMENSIONS] += sign * weight;
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
