import { EXPORT_METRICS } from './prom-export-specs.js';
import { CPU_MODES } from './procfs.js';
import { byIndex, byKey, counter, gauge, one, type SampleMetricSpec, type Series } from './prom-spec-kit.js';
import type { SystemSample } from './types.js';

export type { Labels, SampleMetricSpec, Series } from './prom-spec-kit.js';

// What each sample-fed Prometheus metric reads from a sample (the helpers are in
// prom-spec-kit.ts, export and collection in prom-export-specs.ts).

/** Pipeline totals shown under their own metric; every other total goes to pipeline_events_total. */
const FRAGMENT_KINDS: Record<string, string> = {
  fragmentsFirst: 'first',
  fragmentsLater: 'later',
  fragmentsEarlySettled: 'early_settled',
  fragmentsOrphaned: 'orphaned',
};
const NAMED_TOTALS = new Set([
  'packets',
  'wireBytes',
  'noFlowPackets',
  'flowsCreated',
  'flowsEnded',
  'evictions',
  'fragmentTableOverwrites',
  'ringDropsFull',
  ...Object.keys(FRAGMENT_KINDS),
]);

function total(s: SystemSample, name: string): Series[] | null {
  return one(s.pipeline?.totals[name]);
}

const CAPTURE: SampleMetricSpec[] = [
  counter('capture_packets_total', 'Packets captured, by source (interface or file).', ['source'], (s) =>
    s.capture ? s.capture.sources.map((c) => ({ labels: { source: c.name }, value: c.packets })) : null,
  ),
  counter('capture_bytes_total', 'Bytes captured (wire length), by source.', ['source'], (s) =>
    s.capture ? s.capture.sources.map((c) => ({ labels: { source: c.name }, value: c.bytes })) : null,
  ),
  counter(
    'capture_kernel_drops_total',
    'Packets the kernel dropped before capture, by source.',
    ['source'],
    (s) =>
      s.capture
        ? s.capture.sources.map((c) => ({ labels: { source: c.name }, value: c.kernelDrops ?? 0 }))
        : null,
  ),
  counter('capture_ring_drops_total', 'Frames dropped on a full shard ring, by source.', ['source'], (s) =>
    s.capture
      ? s.capture.sources.map((c) => ({ labels: { source: c.name }, value: c.ringDrops ?? 0 }))
      : null,
  ),
];

const PIPELINE: SampleMetricSpec[] = [
  counter('pipeline_packets_total', 'Packets taken from the shard rings by the workers.', [], (s) =>
    total(s, 'packets'),
  ),
  counter('pipeline_bytes_total', 'Wire bytes taken from the shard rings by the workers.', [], (s) =>
    total(s, 'wireBytes'),
  ),
  counter('pipeline_no_flow_packets_total', 'Packets that decoded to no flow.', [], (s) =>
    total(s, 'noFlowPackets'),
  ),
  counter('decode_errors_total', 'Decode problems, by reason.', ['reason'], (s) =>
    s.pipeline ? byKey('reason', s.pipeline.decodeErrors) : null,
  ),
  counter('flows_created_total', 'Flows created in the flow tables.', [], (s) => total(s, 'flowsCreated')),
  counter('flows_ended_total', 'Flow records ended, by end reason.', ['reason'], (s) =>
    s.pipeline ? byKey('reason', s.pipeline.ended) : null,
  ),
  counter('evictions_total', 'Flows evicted from a full flow table.', [], (s) => total(s, 'evictions')),
  counter('fragments_total', 'IP fragments seen, by kind.', ['kind'], (s) =>
    s.pipeline
      ? Object.entries(FRAGMENT_KINDS)
          .filter(([k]) => s.pipeline?.totals[k] !== undefined)
          .map(([k, kind]) => ({ labels: { kind }, value: s.pipeline?.totals[k] ?? 0 }))
      : null,
  ),
  counter('fragment_table_overwrites_total', 'Fragment table entries overwritten before use.', [], (s) =>
    total(s, 'fragmentTableOverwrites'),
  ),
  counter(
    'ring_drops_total',
    'Frames dropped on a full shard ring, by shard ("all" when not known per shard).',
    ['shard'],
    (s) => {
      if (!s.pipeline) return null;
      if (s.pipeline.ringDrops) return byIndex('shard', s.pipeline.ringDrops);
      const all = s.pipeline.totals.ringDropsFull;
      return all === undefined ? null : [{ labels: { shard: 'all' }, value: all }];
    },
  ),
  counter('pipeline_events_total', 'Other pipeline counters, by counter name.', ['counter'], (s) =>
    s.pipeline
      ? Object.entries(s.pipeline.totals)
          .filter(([k]) => !NAMED_TOTALS.has(k))
          .map(([k, value]) => ({ labels: { counter: k }, value }))
      : null,
  ),
  gauge('active_flows', 'Flows in the workers\u2019 flow tables.', [], (s) =>
    one(s.pipeline?.gauges.activeFlows),
  ),
  gauge('pipeline_level', 'Other pipeline levels, by name.', ['name'], (s) =>
    s.pipeline
      ? byKey(
          'name',
          Object.fromEntries(Object.entries(s.pipeline.gauges).filter(([k]) => k !== 'activeFlows')),
        )
      : null,
  ),
  gauge('ring_occupancy_ratio', 'Share of each shard ring in use, 0..1.', ['shard'], (s) =>
    s.pipeline ? byIndex('shard', s.pipeline.ringOccupancy) : null,
  ),
];

const WORKERS: SampleMetricSpec[] = [
  gauge('worker_threads', 'Worker threads in the pool.', [], (s) => one(s.workers?.threads)),
  gauge('worker_queue_size', 'Tasks waiting for a worker.', [], (s) => one(s.workers?.queueSize)),
  counter('worker_tasks_completed_total', 'Tasks the worker pool completed.', [], (s) =>
    one(s.workers?.completed),
  ),
  gauge(
    'worker_utilization_ratio',
    'Busy share of the worker pool over the last interval or its lifetime.',
    ['window'],
    (s) => {
      if (!s.workers) return null;
      const out: Series[] = [{ labels: { window: 'lifetime' }, value: s.workers.utilization }];
      if (s.workers.intervalUtilization !== null)
        out.push({ labels: { window: 'interval' }, value: s.workers.intervalUtilization });
      return out;
    },
  ),
  gauge(
    'worker_task_run_seconds',
    'Task run time quantiles (Piscina histogram; quantile 1 is the maximum).',
    ['quantile'],
    (s) => quantiles(s.workers?.runTimeMs),
  ),
  gauge(
    'worker_task_wait_seconds',
    'Task queue wait quantiles (Piscina histogram; quantile 1 is the maximum).',
    ['quantile'],
    (s) => quantiles(s.workers?.waitTimeMs),
  ),
];

function quantiles(ms: { p50: number; p99: number; max: number } | undefined): Series[] | null {
  if (!ms) return null;
  return [
    { labels: { quantile: '0.5' }, value: ms.p50 / 1000 },
    { labels: { quantile: '0.99' }, value: ms.p99 / 1000 },
    { labels: { quantile: '1' }, value: ms.max / 1000 },
  ];
}

const STORE: SampleMetricSpec[] = [
  gauge('stored_flows', 'Flows held by the store, by state.', ['state'], (s) =>
    s.store
      ? [
          { labels: { state: 'active' }, value: s.store.activeFlows },
          { labels: { state: 'ended' }, value: s.store.endedFlows },
        ]
      : null,
  ),
  gauge('store_bytes', 'Bytes held by stored flows and their indexes.', [], (s) => one(s.store?.bytes)),
  gauge('store_max_bytes', 'Memory bound of the store.', [], (s) => one(s.store?.maxBytes)),
  gauge('store_segments', 'Time segments held by the store.', [], (s) => one(s.store?.segments)),
  counter('store_dropped_total', 'Ended flows dropped before their time, by reason.', ['reason'], (s) =>
    s.store ? [{ labels: { reason: 'memory' }, value: s.store.droppedForMemory }] : null,
  ),
  counter(
    'store_expired_total',
    'Ended flows that left the store at the end of the retention window.',
    [],
    (s) => one(s.store?.expired),
  ),
  counter('store_ingested_batches_total', 'Flow batches the store ingested.', [], (s) =>
    one(s.store?.ingestedBatches),
  ),
];

const SYSTEM: SampleMetricSpec[] = [
  gauge(
    'system_cpu_ratio',
    'Share of all cores per CPU mode over the last interval (sums to 1).',
    ['mode'],
    (s) => {
      const c = s.cpu.system;
      return c ? CPU_MODES.map((mode) => ({ labels: { mode }, value: c[mode] / 100 })) : null;
    },
  ),
  gauge(
    'system_cpu_busy_ratio',
    'Busy share of all cores (not idle, not iowait) over the last interval.',
    [],
    (s) => one(s.cpu.system ? s.cpu.system.busy / 100 : null),
  ),
  gauge('system_cpu_core_busy_ratio', 'Busy share of each core over the last interval.', ['cpu'], (s) =>
    s.cpu.perCore
      ? byIndex(
          'cpu',
          s.cpu.perCore.map((v) => v / 100),
        )
      : null,
  ),
  gauge('system_cpu_cores', 'Cores in /proc/stat.', [], (s) => one(s.cpu.cores)),
  gauge('system_memory_total_bytes', 'MemTotal.', [], (s) => one(s.memory.system?.totalBytes)),
  gauge('system_memory_available_bytes', 'MemAvailable.', [], (s) => one(s.memory.system?.availableBytes)),
  gauge('system_memory_used_bytes', 'MemTotal minus MemAvailable.', [], (s) =>
    one(s.memory.system?.usedBytes),
  ),
  gauge('process_cpu_ratio', 'This process\u2019s share of all cores over the last interval.', [], (s) =>
    one(s.cpu.process ? s.cpu.process.percentOfAll / 100 : null),
  ),
  gauge(
    'process_cpu_core_ratio',
    'This process\u2019s CPU over the last interval in cores (1 = one full core).',
    [],
    (s) => one(s.cpu.process ? s.cpu.process.percentOfCore / 100 : null),
  ),
  gauge('process_threads', 'Threads of this process (/proc/self/stat).', [], (s) =>
    one(s.cpu.processTimes?.threads),
  ),
  gauge('nodejs_array_buffers_bytes', 'Memory of ArrayBuffers and SharedArrayBuffers.', [], (s) =>
    one(s.memory.process.arrayBuffersBytes),
  ),
  gauge(
    'nodejs_eventloop_utilization_ratio',
    'Busy share of the main event loop over the last interval.',
    [],
    (s) => one(s.eventLoop.utilization),
  ),
  gauge(
    'nodejs_eventloop_delay_seconds',
    'Event-loop delay over the last interval (quantile 1 is the maximum).',
    ['quantile'],
    (s) => [
      { labels: { quantile: '0.5' }, value: s.eventLoop.delayP50Ms / 1000 },
      { labels: { quantile: '0.99' }, value: s.eventLoop.delayP99Ms / 1000 },
      { labels: { quantile: '1' }, value: s.eventLoop.delayMaxMs / 1000 },
    ],
  ),
];

const COLLECTOR: SampleMetricSpec[] = [
  counter('metrics_samples_total', 'Samples the metrics collector took.', [], (s) =>
    one(s.collector.samples),
  ),
  counter('metrics_source_errors_total', 'Metrics sources that failed, by source.', ['source'], (s) =>
    byKey('source', s.collector.sourceErrors),
  ),
  gauge('metrics_sample_duration_seconds', 'Time the last metrics sample took.', [], (s) =>
    one(s.collector.durationMs / 1000),
  ),
];

export const SAMPLE_METRICS: readonly SampleMetricSpec[] = [
  ...CAPTURE,
  ...PIPELINE,
  ...WORKERS,
  ...STORE,
  ...EXPORT_METRICS,
  ...SYSTEM,
  ...COLLECTOR,
];
