/**
 * Fixed-capacity ring of samples, oldest overwritten first: memory never grows past `capacity`
 * entries. Samples are pushed in time order.
 */
export class SampleRing<T extends { t: number }> {
  private readonly items: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(item: T): void {
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  latest(): T | null {
    if (this.count === 0) return null;
    return this.items[(this.next - 1 + this.capacity) % this.capacity] ?? null;
  }

  /** Samples with t > latest.t − windowMs, oldest first (all held samples for Infinity). */
  window(windowMs: number): T[] {
    const newest = this.latest();
    if (!newest || !(windowMs > 0)) return [];
    const since = newest.t - windowMs;
    return this.newest((item) => item.t > since);
  }

  /** The newest samples for which `keep` holds, walking back until it fails; oldest first. */
  newest(keep: (item: T) => boolean): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) {
      const item = this.items[(this.next - 1 - i + this.capacity) % this.capacity];
      if (!item || !keep(item)) break;
      out.push(item);
    }
    return out.reverse();
  }

  clear(): void {
    this.items.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
