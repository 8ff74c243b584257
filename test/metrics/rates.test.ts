import t from 'tap';
import { RateTracker } from '../../src/metrics/rates.js';
import { captureSection, headlineRates, pipelineSection, workerSection } from '../../src/metrics/sections.js';

t.test('rates from cumulative counters', async (t) => {
  const r = new RateTracker();
  t.equal(r.update('p', 100, 0), null, 'first value: unknown');
  t.equal(r.update('p', 600, 500), 1000, '500 in 0.5 s');
  t.equal(r.update('p', 600, 1500), 0);
  t.equal(r.update('p', 50, 2500), 50, 'reset: counts from zero, never negative');
  t.equal(r.update('p', 50, 2500), null, 'no time passed');
  t.equal(r.update('p', Number.NaN, 3000), null);
});

t.test('a key missing for a while gets its rate over its own interval', async (t) => {
  const r = new RateTracker();
  r.update('a', 0, 0);
  r.update('b', 0, 0);
  r.update('b', 10, 1000);
  t.equal(r.update('a', 300, 3000), 100, 'a skipped two samples');
});

t.test('decrease as no change for derived totals', async (t) => {
  const r = new RateTracker();
  r.update('x', 100, 0, false);
  t.equal(r.update('x', 90, 1000, false), 0);
});

t.test('capture section: totals and rates, bad numbers read as 0', async (t) => {
  const r = new RateTracker();
  const raw = [
    { name: 'eth0', packets: 1000, bytes: 64000, kernelDrops: 1, ringDrops: 0 },
    { name: 'eth1', packets: 500, bytes: 32000 },
  ];
  const a = captureSection(raw, r, 0);
  t.same(a.totals, { packets: 1500, bytes: 96000, kernelDrops: 1, ringDrops: 0 });
  t.equal(a.rates.packetsPerSec, null);
  const b = captureSection(
    [
      { name: 'eth0', packets: 3000, bytes: Number.NaN, kernelDrops: 11, ringDrops: 4 },
      { name: 'eth1', packets: 1000, bytes: 96000 },
    ],
    r,
    2000,
  );
  t.equal(b.sources[0].bytes, 0, 'NaN read as 0');
  t.equal(b.rates.packetsPerSec, 1250);
  t.equal(b.rates.kernelDropsPerSec, 5);
  t.equal(b.rates.ringDropsPerSec, 2);
  t.equal(b.rates.bytesPerSec, 0, 'eth0 bytes NaN read as 0: total unchanged, rate 0');
});

t.test('pipeline section and headline rates, with a pipeline restart', async (t) => {
  const r = new RateTracker();
  const p1 = pipelineSection(
    {
      totals: { packets: 1000, wireBytes: 100_000, flowsCreated: 10, flowsEnded: 2, ringDropsFull: 0 },
      gauges: { activeFlows: 8 },
      decodeErrors: { truncated: 1, bad: Number.NaN },
      ended: { idle: 2 },
      ringOccupancy: [0.5, 1.7],
    },
    r,
    0,
  );
  t.same(p1.decodeErrors, { truncated: 1 }, 'NaN entries dropped');
  t.same(p1.ringOccupancy, [0.5, 1], 'occupancy capped at 1');
  t.same(headlineRates(null, p1).packetsPerSec, null);
  const p2 = pipelineSection(
    {
      totals: { packets: 3000, wireBytes: 300_000, flowsCreated: 30, flowsEnded: 12, ringDropsFull: 6 },
      decodeErrors: { truncated: 5 },
    },
    r,
    1000,
  );
  t.same(headlineRates(null, p2), {
    packetsPerSec: 2000,
    bytesPerSec: 200_000,
    flowsPerSec: 20,
    flowsEndedPerSec: 10,
    dropsPerSec: 6,
    decodeErrorsPerSec: 4,
  });
  // restarted pipeline: all counters from zero
  const p3 = pipelineSection({ totals: { packets: 500, wireBytes: 50_000, flowsCreated: 5 } }, r, 2000);
  for (const [k, v] of Object.entries(p3.rates)) t.ok(v === null || v >= 0, `${k} rate not negative`);
  t.equal(p3.rates.packets, 500);
});

t.test('headline rates prefer capture numbers', async (t) => {
  const r = new RateTracker();
  captureSection([{ name: 'e', packets: 0, bytes: 0, kernelDrops: 0, ringDrops: 0 }], r, 0);
  pipelineSection({ totals: { packets: 0, ringDropsFull: 0 } }, r, 0);
  const c = captureSection([{ name: 'e', packets: 100, bytes: 1000, kernelDrops: 3, ringDrops: 2 }], r, 1000);
  const p = pipelineSection({ totals: { packets: 90, ringDropsFull: 2 } }, r, 1000);
  const h = headlineRates(c, p);
  t.equal(h.packetsPerSec, 100);
  t.equal(h.dropsPerSec, 5, 'kernel + ring, the ring counted once');
  t.equal(headlineRates(null, null).dropsPerSec, null);
});

t.test('worker section: interval utilization from run time', async (t) => {
  const r = new RateTracker();
  const run = (mean: number) => ({ mean, p50: mean, p99: mean * 2, max: mean * 3 });
  workerSection({ threads: 2, queueSize: 0, completed: 100, utilization: 0.1, runTimeMs: run(5) }, r, 0);
  // 100 more tasks at a mean of 5 ms: 500 ms of work in 1 s on 2 threads → 0.25 busy
  const w = workerSection(
    { threads: 2, queueSize: 3, completed: 200, utilization: 0.2, runTimeMs: run(5) },
    r,
    1000,
  );
  t.equal(w.intervalUtilization, 0.25);
  t.equal(w.completedPerSec, 100);
  t.equal(w.queueSize, 3);
});
