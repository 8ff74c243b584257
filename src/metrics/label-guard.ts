/**
 * Bounds the label values that callers pass to the hook metrics (routes, event names, reasons):
 * after `maxValues` distinct values of one label, new ones are reported as `other`, so a caller
 * passing a raw URL cannot grow the registry without bound. Overflows are counted.
 */
export class LabelGuard {
  private readonly seen = new Map<string, Set<string>>();
  overflows = 0;

  constructor(private readonly maxValues: number) {}

  value(label: string, raw: unknown): string {
    const v = String(raw ?? '');
    let set = this.seen.get(label);
    if (!set) {
      set = new Set();
      this.seen.set(label, set);
    }
    if (set.has(v)) return v;
    if (set.size >= this.maxValues) {
      this.overflows++;
      return 'other';
    }
    set.add(v);
    return v;
  }
}
