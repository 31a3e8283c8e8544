/** One in-process entry: the generations it was computed under, its JSON, when it dies. */
export interface LruEntry {
  stamp: string;
  json: string;
  bytes: number;
  expiresAt: number;
}

/**
 * A least-recently-used map bounded by entry count and by bytes (the JSON's UTF-16 length
 * times two, what V8 holds). Map keeps insertion order: a hit re-inserts, the first key is the
 * eviction candidate.
 */
export class ByteBoundedLru {
  private readonly entries = new Map<string, LruEntry>();
  private total = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.total;
  }

  get(key: string, now: number): LruEntry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) {
      return undefined;
    }
    this.entries.delete(key);
    if (entry.expiresAt <= now) {
      this.total -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry;
  }

  set(key: string, entry: LruEntry): void {
    this.delete(key);
    if (entry.bytes > this.maxBytes) {
      return;
    }
    this.entries.set(key, entry);
    this.total += entry.bytes;
    while (this.entries.size > this.maxEntries || this.total > this.maxBytes) {
      const oldest = this.entries.keys().next().value as string;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      this.entries.delete(key);
      this.total -= entry.bytes;
    }
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }
}
