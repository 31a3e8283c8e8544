/** Turns texts into vectors of a fixed dimension; one provider per model name. */
export interface EmbeddingProvider {
  /** The name stored next to every vector it produced. */
  readonly model: string;
  readonly dimensions: number;
  /** Cheap enough to run on the request path (no network): memories are embedded inline. */
  readonly inline: boolean;
  /** One vector per text, in order. Vectors are L2-normalised so cosine distance is meaningful. */
  embed(texts: string[]): Promise<number[][]>;
}

/** pgvector's text form, bound as a parameter and cast with ::vector. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

export function l2Normalise(vector: number[]): number[] {
  let norm = 0;
  for (const value of vector) {
    norm += value * value;
  }
  if (norm === 0) {
    return vector;
  }
  const scale = 1 / Math.sqrt(norm);
  return vector.map((value) => value * scale);
}
