import type { FlowStoreReader, TalkerMetric } from '../../store/types.js';
import type { StatsUpdate, TopTalkersUpdate } from './events.js';

const TOP_PORTS = 10;
/**
 * A summary may take at most this share of the main thread: one that took c ms is computed
 * again no sooner than c / MAX_SHARE ms later (windows shorter than the retention are scans of
 * every flow in the window; the retention window reads running totals and is cheap).
 */
const MAX_SHARE = 0.1;
/** Above this, a computation is expensive: at most one of those per period (each holds the loop). */
const CHEAP_MS = 5;

interface Entry<T> {
  value: T;
  /** performance.now() after which the value is computed again. */
  freshUntil: number;
  costMs: number;
}

/**
 * The `toptalkers` and `stats` payloads, computed once per summary period for each set of
 * parameters some connection asked for (at most 3 windows × 3 metrics × limits), whatever the
 * number of connections; an expensive one less often (see MAX_SHARE), and at most one of those
 * per period (the others keep their previous value meanwhile). The newest time series points are
 * computed every period.
 */
export class Summaries {
  private readonly talkerCache = new Map<string, Entry<TopTalkersUpdate>>();
  private readonly breakdownCache = new Map<
    number,
    Entry<Pick<StatsUpdate, 'windowMs' | 'protocols' | 'ports'>>
  >();
  private expensiveLeft = 1;
  /** The newest seconds of traffic (cheap: computed every period). */
  private recent: Pick<StatsUpdate, 't' | 'nowMs' | 'points'> | null = null;
  /** Store queries made (for tests). */
  queries = 0;

  constructor(
    private readonly store: FlowStoreReader,
    private readonly statsPoints: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Starts a new period. */
  refresh(): void {
    this.expensiveLeft = 1;
    this.recent = null;
  }

  private window(windowMs: number): number {
    return Math.min(windowMs, this.store.stats().retentionMs);
  }

  /** The cached value of `key`, computed again when it is due (and, if expensive, its turn). */
  private get<K, T>(cache: Map<K, Entry<T>>, key: K, fn: () => T): T {
    const e = cache.get(key);
    const now = this.now();
    if (e && now < e.freshUntil) return e.value;
    if (e && e.costMs > CHEAP_MS) {
      if (this.expensiveLeft <= 0) return e.value;
      this.expensiveLeft--;
    }
    this.queries++;
    const value = fn();
    const t1 = this.now();
    cache.set(key, { value, freshUntil: t1 + (t1 - now) / MAX_SHARE, costMs: t1 - now });
    return value;
  }

  talkers(p: { windowMs: number; by: TalkerMetric; limit: number }): TopTalkersUpdate {
    const windowMs = this.window(p.windowMs);
    return this.get(this.talkerCache, `${p.windowMs}:${p.by}:${p.limit}`, () => ({
      t: Date.now(),
      nowMs: this.store.nowMs(),
      windowMs,
      by: p.by,
      talkers: this.store.topTalkers({ windowMs, by: p.by, direction: 'any', limit: p.limit, filter: null }),
    }));
  }

  stats(windowMs: number): StatsUpdate {
    const w = this.window(windowMs);
    const breakdowns = this.get(this.breakdownCache, windowMs, () => ({
      windowMs: w,
      protocols: this.store.protocols(w),
      ports: this.store.ports(w, TOP_PORTS),
    }));
    if (this.recent === null) {
      this.queries++;
      this.recent = {
        t: Date.now(),
        nowMs: this.store.nowMs(),
        points: this.store.timeseries({ windowMs: this.statsPoints * 1000, stepMs: 1000, filter: null }),
      };
    }
    return { ...this.recent, stepMs: 1000, ...breakdowns };
  }
}
