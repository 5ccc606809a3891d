/**
 * The one memo cache of the code base: a Map with a ceiling on its entries. Compiled programs,
 * schemas, patterns and parsed texts are cached by content so that a hot path (the webhook, the
 * reconciler, a fleet `check`) compiles each once; the ceiling keeps a stream of distinct inputs
 * (one tenant's generated names, a fuzzer) from growing memory without end. At the ceiling the
 * oldest entry goes (insertion order): cheap, and for these caches as good as LRU, since a hot
 * entry that is evicted is simply compiled again.
 */
export class BoundedCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(readonly maxEntries: number) {
    if (!(maxEntries >= 1))
      throw new RangeError(`BoundedCache: maxEntries must be at least 1, got ${maxEntries}`);
  }

  get size(): number {
    return this.map.size;
  }

  get(key: K): V | undefined {
    return this.map.get(key);
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  set(key: K, value: V): void {
    if (!this.map.has(key) && this.map.size >= this.maxEntries) {
      this.map.delete(this.map.keys().next().value as K);
    }
    this.map.set(key, value);
  }

  delete(key: K): void {
    this.map.delete(key);
  }

  /** The cached value, or `make()`'s, cached. A `make` that throws caches nothing. */
  getOrCreate(key: K, make: () => V): V {
    const hit = this.map.get(key);
    if (hit !== undefined || this.map.has(key)) return hit as V;
    const value = make();
    this.set(key, value);
    return value;
  }

  clear(): void {
    this.map.clear();
  }
}
