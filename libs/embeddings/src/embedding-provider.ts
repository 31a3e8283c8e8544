/** Turns texts into vectors of a fixed dimension; one provider per model name. */
export interface EmbeddingProvider {
  /** The name stored next to every vector it produced. */
  readonly model: string;
  readonly dimensions: number;
  /** Cheap enough to run on the request path (no network): memories are embedded inline. */
  readonly inline: boolean;
  /** One vector per text, in order. Vectors are L2-normalised so cosine distance is meaningful. */
  embed(texts: string[]): Promise<number[][]>;
  /**
   * For stored memories: each text's vectors, the first being embed()'s; a model with a short
   * input window adds vectors for the later windows of a long text (search takes a memory's best).
   * Absent: one vector per text.
   */
  embedPassages?(texts: string[]): Promise<number[][][]>;
}

/** The vectors to store for each text: its passages' where the provider has them, else its one vector. */
export async function embedForStorage(provider: EmbeddingProvider, texts: string[]): Promise<number[][][]> {
  if (provider.embedPassages) {
    return provider.embedPassages(texts);
  }
  return (await provider.embed(texts)).map((vector) => [vector]);
}

/** pgvector's text form, bound as a parameter and cast with ::vector. */
export function toVectorLiteral(vector: readonly number[]): string {
  return `[${vector.join(',')}]`;
}

/** A vector as stored: rounded to 6 decimals (a third of the bytes, far below the models' precision). */
export function vectorText(vector: readonly number[]): string {
  return toVectorLiteral(vector.map((value) => Math.round(value * 1e6) / 1e6));
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
