/** What a conditional GET remembers about a URL: its validator and the body it validated. */
export interface EtagEntry {
  etag: string;
  data: unknown;
}

export interface EtagCache {
  get(key: string): EtagEntry | undefined;
  set(key: string, entry: EtagEntry): void;
}

/** An in-memory cache that forgets the least recently used URL beyond `maxEntries`. */
export class MemoryEtagCache implements EtagCache {
  private readonly entries = new Map<string, EtagEntry>();

  constructor(private readonly maxEntries = 500) {}

  get(key: string): EtagEntry | undefined {
    const entry = this.entries.get(key);
    if (entry !== undefined) {
      // Re-insert to mark as recently used; Map keeps insertion order.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: EtagEntry): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
