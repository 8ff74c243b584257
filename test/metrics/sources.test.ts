import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import t from 'tap';
import type { CaptureSourceStatus } from '../../src/capture/status.js';
import {
  pipelineSource,
  piscinaSource,
  type PiscinaLike,
  type PipelineLike,
} from '../../src/metrics/sources.js';
import type { CaptureSourceCounters, StoreCounters } from '../../src/metrics/types.js';
import type { StoreStats } from '../../src/store/types.js';
import type { FlowPipeline } from '../../src/workers/pipeline.js';
import { SystemMetricsCollector } from '../../src/metrics/collector.js';

// the project's own types fit the sources as they are (checked by tsc)
export type Fits = [
  FlowPipeline extends PipelineLike ? true : never,
  Piscina extends PiscinaLike ? true : never,
  CaptureSourceStatus extends CaptureSourceCounters ? true : never,
  StoreStats extends StoreCounters ? true : never,
];

t.test('pipelineSource: levels leave the totals for the gauges', async (t) => {
  const fake: PipelineLike = {
    counters: () => ({
      totals: { packets: 10, flowsCreated: 2, activeFlows: 2, flowTableHighWater: 3, ringDropsFull: 0 },
      decode: { truncated: 1 },
      ended: { fin: 1 },
    }),
    ringOccupancy: () => [0.1, 0.2],
  };
  t.same(pipelineSource(fake)(), {
    totals: { packets: 10, flowsCreated: 2, ringDropsFull: 0 },
    gauges: { activeFlows: 2, flowTableHighWater: 3 },
    decodeErrors: { truncated: 1 },
    ended: { fin: 1 },
    ringOccupancy: [0.1, 0.2],
  });
});

t.test('piscinaSource on a real pool', async (t) => {
  const pool = new Piscina({
    filename: fileURLToPath(new URL('./helpers/busy-worker.mjs', import.meta.url)),
    minThreads: 2,
    maxThreads: 2,
  });
  t.teardown(() => pool.destroy());
  const read = piscinaSource(pool);
  const c = new SystemMetricsCollector({ sources: { workers: read }, historyMs: 60_000 });
  c.sample();
  await Promise.all(Array.from({ length: 8 }, () => pool.run(20)));
  const w = read();
  t.equal(w.threads, 2);
  t.equal(w.maxThreads, 2);
  t.equal(w.completed, 8);
  t.equal(w.queueSize, 0);
  t.ok(w.utilization >= 0 && w.utilization <= 1, `utilization ${w.utilization}`);
  t.ok(
    w.runTimeMs && w.runTimeMs.p50 >= 15 && w.runTimeMs.p50 < 1000,
    `run time in ms (${w.runTimeMs?.p50})`,
  );
  const s = c.sample();
  t.equal(s.workers?.completed, 8);
  t.ok((s.workers?.completedPerSec ?? 0) > 0, 'completed per second');
  t.ok(
    s.workers?.intervalUtilization !== null && (s.workers?.intervalUtilization ?? -1) >= 0,
    `interval utilization ${s.workers?.intervalUtilization}`,
  );
});
