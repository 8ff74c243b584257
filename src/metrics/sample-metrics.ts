import { Counter, Gauge, type Registry } from 'prom-client';
import { CounterMirror } from './monotonic.js';
import { SAMPLE_METRICS, type Labels, type SampleMetricSpec } from './prom-specs.js';
import type { SystemSample } from './types.js';

/** Hands out samples (the SystemMetricsCollector). */
export interface SampleProvider {
  latest(): SystemSample | null;
  /** Samples with a sequence number above `seq`, oldest first. */
  since(seq: number): SystemSample[];
}

/**
 * Registers the sample-fed metrics of SAMPLE_METRICS. Each metric's collect() (run at scrape
 * time) first feeds every sample taken since the previous scrape to the counters' monotonic
 * mirrors, so a counter never goes backwards, even when a source restarts from zero or is
 * missing from a sample, and a reset between two scrapes loses nothing. Gauges are set from the
 * newest sample.
 */
export function registerSampleMetrics(registry: Registry, prefix: string, provider: SampleProvider): void {
  const mirrors = new Map<SampleMetricSpec, CounterMirror<Labels>>();
  for (const spec of SAMPLE_METRICS) if (spec.type === 'counter') mirrors.set(spec, new CounterMirror());
  let seenSeq = 0;

  const refresh = (): SystemSample | null => {
    const newest = provider.latest();
    if (newest && newest.seq > seenSeq) {
      for (const s of provider.since(seenSeq)) {
        for (const [spec, mirror] of mirrors) {
          for (const series of spec.read(s) ?? []) mirror.observe(series.labels, series.value);
        }
      }
      seenSeq = newest.seq;
    }
    return newest;
  };

  for (const spec of SAMPLE_METRICS) {
    const common = {
      name: prefix + spec.name,
      help: spec.help,
      labelNames: spec.labelNames,
      registers: [registry],
    };
    const mirror = mirrors.get(spec);
    if (mirror) {
      new Counter({
        ...common,
        collect(this: Counter) {
          refresh();
          this.reset();
          if (spec.labelNames.length === 0) this.remove();
          for (const [labels, total] of mirror.entries()) this.inc(labels, total);
        },
      });
    } else {
      new Gauge({
        ...common,
        collect(this: Gauge) {
          const s = refresh();
          this.reset();
          if (spec.labelNames.length === 0) this.remove();
          if (!s) return;
          for (const series of spec.read(s) ?? []) {
            if (Number.isFinite(series.value)) this.set(series.labels, series.value);
          }
        },
      });
    }
  }
}
