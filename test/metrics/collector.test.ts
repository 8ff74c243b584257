import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { SystemMetricsCollector } from '../../src/metrics/collector.js';
import type { CollectorConfig, CpuUsageReading } from '../../src/metrics/config.js';
import type { MetricsSources, PipelineCounters, SystemSample } from '../../src/metrics/types.js';
import { FakeClock, meminfo, modes, procStat, selfStat } from './helpers/fixtures.js';

const memUsage = (): NodeJS.MemoryUsage => ({
  rss: 100e6,
  heapTotal: 50e6,
  heapUsed: 30e6,
  external: 2e6,
  arrayBuffers: 1e6,
});

/** A collector over a fixture /proc the test rewrites between samples. */
function setup(t: Test, sources: MetricsSources = {}, extra: Partial<CollectorConfig> = {}) {
  const root = t.testdir({
    stat: procStat([modes({ user: 100, idle: 900 }), modes({ user: 300, idle: 700 })]),
    meminfo: meminfo(16_000_000, 4_000_000),
    self: { stat: selfStat('node', 150, 50, 9) },
  });
  const clock = new FakeClock();
  let cpu: CpuUsageReading = { user: 0, system: 0 };
  const c = new SystemMetricsCollector({
    procRoot: root,
    clock,
    cpuUsage: () => cpu,
    memoryUsage: memUsage,
    sources,
    ...extra,
  });
  return {
    c,
    clock,
    root,
    setCpu: (v: CpuUsageReading) => (cpu = v),
    write: (rel: string, text: string) => writeFileSync(join(root, rel), text),
  };
}

t.test('config: defaults and validation', async (t) => {
  const c = new SystemMetricsCollector();
  t.equal(c.config.intervalMs, 1000);
  t.equal(c.config.historyMs, 3_600_000);
  t.equal(c.capacity, 3600, 'capacity = historyMs / intervalMs');
  t.equal(c.running, false, 'new starts nothing');
  t.equal(c.latest(), null);
  const d = new SystemMetricsCollector({ intervalMs: undefined, sources: undefined });
  t.equal(d.config.intervalMs, 1000, 'an explicit undefined takes the default');
  for (const bad of [
    { intervalMs: 0 },
    { intervalMs: 1.5 },
    { historyMs: 10, intervalMs: 1000 },
    { historyMs: 1_000_000_000, intervalMs: 10 },
    { procRoot: '' },
    { clockTicksPerSecond: 0 },
    { sources: { store: 5 } as unknown as MetricsSources },
  ]) {
    t.throws(() => new SystemMetricsCollector(bad), { code: 'BAD_ARGUMENT' }, JSON.stringify(bad));
  }
});

t.test('samples /proc fixtures: CPU over two readings, memory, process', async (t) => {
  const { c, clock, setCpu, write } = setup(t);
  const first = c.sample();
  t.equal(first.seq, 1);
  t.equal(first.elapsedMs, null);
  t.equal(first.cpu.system, null, 'first sample has no CPU interval');
  t.equal(first.cpu.process, null);
  t.equal(first.cpu.cores, 2);
  t.same(first.memory.system, {
    totalBytes: 16_000_000 * 1024,
    availableBytes: 4_000_000 * 1024,
    usedBytes: 12_000_000 * 1024,
    usedRatio: 0.75,
  });
  t.same(first.memory.process, {
    rssBytes: 100e6,
    heapUsedBytes: 30e6,
    heapTotalBytes: 50e6,
    externalBytes: 2e6,
    arrayBuffersBytes: 1e6,
  });
  t.same(first.cpu.processTimes, { utimeSeconds: 1.5, stimeSeconds: 0.5, threads: 9 });

  // one second later: core 0 +100 ticks all user, core 1 +50 user +50 idle
  clock.advance(1000);
  setCpu({ user: 400_000, system: 100_000 });
  write('stat', procStat([modes({ user: 200, idle: 900 }), modes({ user: 350, idle: 750 })]));
  write('self/stat', selfStat('node', 200, 60, 10));
  const s = c.sample();
  t.equal(s.elapsedMs, 1000);
  t.equal(s.cpu.system?.user, 75);
  t.equal(s.cpu.system?.idle, 25);
  t.equal(s.cpu.system?.busy, 75);
  t.same(s.cpu.perCore, [100, 50]);
  t.same(s.cpu.process, {
    percentOfCore: 50,
    percentOfAll: 25,
    userPercentOfCore: 40,
    systemPercentOfCore: 10,
  });
  t.equal(s.cpu.processTimes?.threads, 10);
  t.same(c.sourceErrors(), {}, 'no errors');
});

t.test('missing /proc files: parts null, errors counted, sampling goes on', async (t) => {
  const { c } = setup(t, {}, { procRoot: '/nonexistent/proc' });
  const s = c.sample();
  t.equal(s.memory.system, null);
  t.equal(s.cpu.processTimes, null);
  t.equal(s.memory.process.rssBytes, 100e6, 'process memory still there');
  t.equal(c.sourceErrors().proc, 3);
});

t.test('sources: rates per second, counter reset never negative, absent sources null', async (t) => {
  let totals: Record<string, number> = { packets: 0, wireBytes: 0, flowsCreated: 0, flowsEnded: 0 };
  const pipeline = (): PipelineCounters => ({
    totals,
    gauges: { activeFlows: 5 },
    decodeErrors: {},
    ended: {},
    ringOccupancy: [0.25],
  });
  const { c, clock } = setup(t, { pipeline });
  const a = c.sample();
  t.equal(a.capture, null, 'no capture source (file mode without one): null');
  t.equal(a.store, null);
  t.equal(a.workers, null);
  t.equal(a.rates.packetsPerSec, null, 'first sample: unknown rate');
  clock.advance(2000);
  totals = { packets: 20_000, wireBytes: 2_000_000, flowsCreated: 100, flowsEnded: 40 };
  const b = c.sample();
  t.equal(b.rates.packetsPerSec, 10_000);
  t.equal(b.rates.bytesPerSec, 1_000_000);
  t.equal(b.rates.flowsPerSec, 50);
  t.equal(b.rates.flowsEndedPerSec, 20);
  t.equal(b.pipeline?.gauges.activeFlows, 5);
  clock.advance(1000);
  totals = { packets: 300, wireBytes: 30_000, flowsCreated: 1, flowsEnded: 0 };
  const r = c.sample();
  t.equal(r.rates.packetsPerSec, 300, 'reset: the new count over the interval');
  for (const [k, v] of Object.entries(r.pipeline?.rates ?? {})) t.ok(v === null || v >= 0, `${k} ≥ 0`);
});

t.test('a throwing source is counted and ignored', async (t) => {
  let fail = true;
  const { c, clock } = setup(t, {
    store: () => {
      if (fail) throw new Error('store exploded');
      return { activeFlows: 1, endedFlows: 2, bytes: 3, segments: 4, droppedForMemory: 0, expired: 7 };
    },
    capture: () => [{ name: 'eth0', packets: 10, bytes: 1000 }],
    workers: () => null as unknown as ReturnType<NonNullable<MetricsSources['workers']>>,
  });
  const a = c.sample();
  t.equal(a.store, null);
  t.equal(a.workers, null, 'a non-object answer is an error too');
  t.equal(a.capture?.totals.packets, 10, 'other sources unaffected');
  t.same(a.collector.sourceErrors, { store: 1, workers: 1 });
  clock.advance(1000);
  c.sample();
  fail = false;
  clock.advance(1000);
  const b = c.sample();
  t.equal(b.store?.expired, 7, 'the source recovers');
  t.same(b.collector.sourceErrors, { store: 2, workers: 3 });
  t.equal(b.collector.samples, 3);
});

t.test('a throwing listener is counted and does not stop the others', async (t) => {
  const { c } = setup(t);
  const got: number[] = [];
  c.on('sample', () => {
    throw new Error('bad listener');
  });
  const off = c.on('sample', (s) => got.push(s.seq));
  c.sample();
  off();
  c.sample();
  t.same(got, [1]);
  t.equal(c.sourceErrors().listener, 2);
});

t.test('history: bounded by historyMs / intervalMs, windowed', async (t) => {
  const { c, clock } = setup(t, {}, { intervalMs: 1000, historyMs: 60_000 });
  t.equal(c.capacity, 60);
  const firstT = clock.now();
  for (let i = 0; i < 500; i++) {
    c.sample();
    clock.advance(1000);
  }
  const all = c.history();
  t.equal(all.length, 60, 'never more than the capacity');
  t.equal(all[0].t, firstT + 440_000, 'oldest kept is 60 samples back');
  t.equal(all[59].seq, 500);
  t.same(
    c.history(5000).map((s: SystemSample) => s.seq),
    [496, 497, 498, 499, 500],
  );
  t.equal(c.history(10 * 60_000).length, 60, 'a window past historyMs gives what is held');
  t.equal(c.latest()?.seq, 500);
});

t.test('sample shape is plain JSON', async (t) => {
  const { c, clock } = setup(t, {
    capture: () => [{ name: 'eth0', packets: 1, bytes: 2, kernelDrops: 0, ringDrops: 0 }],
  });
  c.sample();
  clock.advance(1000);
  const s = c.sample();
  t.same(JSON.parse(JSON.stringify(s)), s);
});
