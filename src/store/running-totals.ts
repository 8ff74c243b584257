/**
 * Bytes, packets and flows per key (a host, a protocol/port pair), added to as flows are
 * ingested and subtracted when they leave the store, so that the retention window's totals are
 * always ready: no per-minute maps to merge, O(1) per flow on both ends. Values live in
 * typed-array columns indexed through one Map; keys whose flow count drops to zero are freed.
 */
export class RunningTotals<K extends string | number> {
  private readonly index = new Map<K, number>();
  private keys: K[] = [];
  private bytes = new Float64Array(1024);
  private packets = new Float64Array(1024);
  private flows = new Float64Array(1024);
  private readonly free: number[] = [];

  get size(): number {
    return this.index.size;
  }

  /** Approximate bytes held (Map entry + three columns + key slot). */
  get memoryBytes(): number {
    return this.index.size * 64 + this.bytes.length * 24;
  }

  add(key: K, bytes: number, packets: number, flows: number): void {
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.free.length > 0 ? (this.free.pop() as number) : this.keys.length;
      if (i >= this.bytes.length) this.grow();
      this.index.set(key, i);
      this.keys[i] = key;
      this.bytes[i] = 0;
      this.packets[i] = 0;
      this.flows[i] = 0;
    }
    this.bytes[i] += bytes;
    this.packets[i] += packets;
    this.flows[i] += flows;
  }

  subtract(key: K, bytes: number, packets: number, flows: number): void {
    const i = this.index.get(key);
    if (i === undefined) return;
    this.bytes[i] -= bytes;
    this.packets[i] -= packets;
    this.flows[i] -= flows;
    if (this.flows[i] <= 0) {
      this.index.delete(key);
      this.free.push(i);
    }
  }

  get(key: K): { bytes: number; packets: number; flows: number } | null {
    const i = this.index.get(key);
    return i === undefined ? null : { bytes: this.bytes[i], packets: this.packets[i], flows: this.flows[i] };
  }

  /** The `n` keys with the largest `by`, largest first (ties: smaller key first). */
  top(
    n: number,
    by: 'bytes' | 'packets' | 'flows',
  ): { key: K; bytes: number; packets: number; flows: number }[] {
    const col = by === 'bytes' ? this.bytes : by === 'packets' ? this.packets : this.flows;
    // A bounded min-heap of slot indexes: O(size · log n).
    const heap: number[] = [];
    const keys = this.keys;
    // Ties go to the smaller key; numbers (IPv4 hosts) before strings (IPv6 hosts).
    const keyAfter = (x: K, y: K): boolean => (typeof x === typeof y ? x > y : typeof x === 'string');
    const less = (a: number, b: number): boolean =>
      col[a] < col[b] || (col[a] === col[b] && keyAfter(keys[a], keys[b]));
    for (const i of this.index.values()) {
      if (heap.length < n) {
        heap.push(i);
        for (let c = heap.length - 1; c > 0;) {
          const p = (c - 1) >> 1;
          if (!less(heap[c], heap[p])) break;
          [heap[c], heap[p]] = [heap[p], heap[c]];
          c = p;
        }
      } else if (n > 0 && less(heap[0], i)) {
        heap[0] = i;
        for (let p = 0; ;) {
          const l = 2 * p + 1;
          const r = l + 1;
          let m = p;
          if (l < heap.length && less(heap[l], heap[m])) m = l;
          if (r < heap.length && less(heap[r], heap[m])) m = r;
          if (m === p) break;
          [heap[m], heap[p]] = [heap[p], heap[m]];
          p = m;
        }
      }
    }
    return heap
      .sort((a, b) => (less(a, b) ? 1 : less(b, a) ? -1 : 0))
      .map((i) => ({
        key: this.keys[i],
        bytes: this.bytes[i],
        packets: this.packets[i],
        flows: this.flows[i],
      }));
  }

  *entries(): Generator<{ key: K; bytes: number; packets: number; flows: number }> {
    for (const [key, i] of this.index)
      yield { key, bytes: this.bytes[i], packets: this.packets[i], flows: this.flows[i] };
  }

  clear(): void {
    this.index.clear();
    this.keys = [];
    this.free.length = 0;
  }

  private grow(): void {
    const n = this.bytes.length * 2;
    const b = new Float64Array(n);
    b.set(this.bytes);
    this.bytes = b;
    const p = new Float64Array(n);
    p.set(this.packets);
    this.packets = p;
    const f = new Float64Array(n);
    f.set(this.flows);
    this.flows = f;
  }
}
