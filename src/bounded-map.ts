/**
 * A Map holding at most `capacity` entries: a key set becomes the newest, and past the capacity
 * the oldest goes. For what one process keeps per respondent (caches of display state).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.capacity) super.delete(this.keys().next().value!);
    return this;
  }
}
