/**
 * Per-second rates of cumulative counters, by key. Each key remembers its own last value and
 * time, so a source that was missing for a few samples still gets a correct rate when it comes
 * back. A counter that went down was reset (a restarted pipeline, a new capture): its rate is
 * the new value over the interval, as Prometheus' rate() takes it, never negative.
 */
export class RateTracker {
  private readonly last = new Map<string, { value: number; atMs: number }>();

  /**
   * Rate since this key's previous value; null for a key seen for the first time. With
   * `decreaseIsReset` false a decrease reads as no change (for derived totals that may wobble).
   */
  update(key: string, value: number, atMs: number, decreaseIsReset = true): number | null {
    if (!Number.isFinite(value)) return null;
    const prev = this.last.get(key);
    this.last.set(key, { value, atMs });
    if (!prev) return null;
    const dt = (atMs - prev.atMs) / 1000;
    if (!(dt > 0)) return null;
    const delta = value >= prev.value ? value - prev.value : decreaseIsReset ? value : 0;
    return delta / dt;
  }

  /** Keys tracked (bounded by the sources' key sets). */
  get size(): number {
    return this.last.size;
  }
}
