/**
 * A read-only map whose entries are looked up one at a time (`lookup`), and listed only when
 * iterated (`keys`, called then): a view of the account the risk checks read a symbol or two of
 * per order, and all of only when they compute exposures afresh.
 */
export class LookupMap<V> implements ReadonlyMap<string, V> {
  readonly #lookup: (key: string) => V | undefined;
  readonly #keys: () => readonly string[];

  constructor(lookup: (key: string) => V | undefined, keys: () => readonly string[]) {
    this.#lookup = lookup;
    this.#keys = keys;
  }

  get(key: string): V | undefined {
    return this.#lookup(key);
  }

  has(key: string): boolean {
    return this.#lookup(key) !== undefined;
  }

  get size(): number {
    return this.#keys().length;
  }

  *entries(): MapIterator<[string, V]> {
    for (const k of this.#keys()) yield [k, this.#lookup(k) as V];
  }

  *keys(): MapIterator<string> {
    yield* this.#keys();
  }

  *values(): MapIterator<V> {
    for (const k of this.#keys()) yield this.#lookup(k) as V;
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }

  forEach(f: (value: V, key: string, map: ReadonlyMap<string, V>) => void): void {
    for (const [k, v] of this.entries()) f(v, k, this);
  }
}
