import {
  monitorEventLoopDelay,
  performance,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import type { EventLoopStats } from './types.js';

const NS_PER_MS = 1e6;
const round3 = (v: number): number => Math.round(v * 1000) / 1000;

/**
 * Event-loop delay (perf_hooks histogram less its resolution, reset at each reading) and utilization (ELU deltas
 * between readings). Created idle: `enable()` starts the delay monitor, `disable()` stops it.
 */
export class EventLoopProbe {
  private histogram: IntervalHistogram | null = null;
  private lastElu: EventLoopUtilization | null = null;

  constructor(private readonly resolutionMs: number) {}

  enable(): void {
    if (this.histogram) return;
    this.histogram = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.histogram.enable();
    this.lastElu = performance.eventLoopUtilization();
  }

  disable(): void {
    this.histogram?.disable();
    this.histogram = null;
    this.lastElu = null;
  }

  /** Stats since the previous reading; zero delays while disabled or before any measurement. */
  read(): EventLoopStats {
    const h = this.histogram;
    let p50 = 0;
    let p99 = 0;
    let max = 0;
    if (h && h.count > 0) {
      // the histogram records the time between the monitor's own timer ticks, so an idle loop
      // reads as the resolution: the delay is what exceeds it
      const delay = (ns: number): number => Math.max(0, ns / NS_PER_MS - this.resolutionMs);
      p50 = delay(h.percentile(50));
      p99 = delay(h.percentile(99));
      max = delay(h.max);
      h.reset();
    }
    let utilization: number | null = null;
    const now = performance.eventLoopUtilization();
    if (this.lastElu) {
      const u = performance.eventLoopUtilization(now, this.lastElu).utilization;
      utilization = Number.isFinite(u) ? round3(u) : null;
    }
    if (h) this.lastElu = now;
    return { delayP50Ms: round3(p50), delayP99Ms: round3(p99), delayMaxMs: round3(max), utilization };
  }
}
