/**
 * Keeps Prometheus counters that mirror cumulative numbers from elsewhere monotonic. Each series
 * (a key built from its labels) remembers the last value seen and the total exported: growth is
 * added; a value lower than the last one means the source restarted from zero, so the new value
 * is added whole (as Prometheus' own reset handling reads it). The exported total never goes
 * down, and a series that stops being reported keeps its last total.
 */
export class CounterMirror<L extends Record<string, string>> {
  private readonly series = new Map<string, { labels: L; last: number; total: number }>();

  observe(labels: L, value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const key = seriesKey(labels);
    const s = this.series.get(key);
    if (!s) {
      this.series.set(key, { labels, last: value, total: value });
      return;
    }
    s.total += value >= s.last ? value - s.last : value;
    s.last = value;
  }

  /** Every series seen, with its exported total. */
  *entries(): IterableIterator<[L, number]> {
    for (const s of this.series.values()) yield [s.labels, s.total];
  }

  get size(): number {
    return this.series.size;
  }
}

export function seriesKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join('\u0000');
}
