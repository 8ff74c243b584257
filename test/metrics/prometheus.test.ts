import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { register as globalRegister } from 'prom-client';
import { PrometheusMetrics, SystemMetricsCollector } from '../../src/metrics/index.js';
import type {
  CaptureSourceCounters,
  MetricsSources,
  PipelineCounters,
  StoreCounters,
  WorkerPoolCounters,
} from '../../src/metrics/types.js';
import { parseExposition, type ExpoFamily } from './helpers/exposition.js';
import { FakeClock, meminfo, modes, procStat, selfStat } from './helpers/fixtures.js';

/** Sources the test moves by hand. */
class World {
  capture: CaptureSourceCounters[] = [
    { name: 'eth0', packets: 1000, bytes: 640_000, kernelDrops: 2, ringDrops: 1 },
    { name: 'eth1', packets: 10, bytes: 640, kernelDrops: 0, ringDrops: 0 },
  ];
  pipeline: PipelineCounters = {
    totals: {
      packets: 1000,
      wireBytes: 640_000,
      noFlowPackets: 3,
      flowsCreated: 40,
      flowsEnded: 12,
      evictions: 1,
      fragmentsFirst: 2,
      fragmentsLater: 4,
      ringDropsFull: 1,
      tcpPortReuse: 5,
      tasks: 70,
    },
    gauges: { activeFlows: 28, flowTableHighWater: 30 },
    decodeErrors: { 'truncated-ipv4': 2, 'bad-ihl': 1 },
    ended: { idle: 10, fin: 2 },
    ringOccupancy: [0.25, 0.5],
  };
  workers: WorkerPoolCounters = {
    threads: 2,
    maxThreads: 2,
    queueSize: 1,
    completed: 70,
    utilization: 0.3,
    runTimeMs: { mean: 2, p50: 1.5, p99: 9, max: 12 },
    waitTimeMs: { mean: 0.5, p50: 0.2, p99: 3, max: 4 },
  };
  store: StoreCounters = {
    activeFlows: 28,
    endedFlows: 12,
    bytes: 4096,
    segments: 3,
    droppedForMemory: 0,
    expired: 6,
    maxBytes: 1 << 30,
    ingestedBatches: 9,
  };
  throwStore = false;

  sources(): MetricsSources {
    return {
      capture: () => this.capture,
      pipeline: () => this.pipeline,
      workers: () => this.workers,
      store: () => {
        if (this.throwStore) throw new Error('store down');
        return this.store;
      },
    };
  }
}

function setup(t: Test, defaultMetrics = false) {
  const world = new World();
  const root = t.testdir({
    stat: procStat([modes({ user: 100, idle: 900 }), modes({ user: 100, idle: 900 })]),
    meminfo: meminfo(8_000_000, 6_000_000),
    self: { stat: selfStat('node', 10, 5, 7) },
  });
  const clock = new FakeClock();
  const collector = new SystemMetricsCollector({ procRoot: root, clock, sources: world.sources() });
  const prom = new PrometheusMetrics(collector, { defaultMetrics });
  let ticks = 0;
  const sample = () => {
    clock.advance(1000);
    ticks += 100;
    // each core: a quarter of the new ticks busy
    const core = modes({ user: 100 + ticks / 4, idle: 900 + (3 * ticks) / 4 });
    writeFileSync(join(root, 'stat'), procStat([core, core]));
    return collector.sample();
  };
  const scrape = async () => parseExposition(await prom.prometheus());
  return { world, collector, prom, sample, scrape };
}

function series(f: Map<string, ExpoFamily>, name: string): Map<string, number> {
  const fam = f.get(name);
  if (!fam) throw new Error(`no family ${name}`);
  return new Map(fam.samples.map((s) => [`${s.name}${JSON.stringify(s.labels)}`, s.value]));
}

const EXPECTED: Record<string, string> = {
  flowmatrix_capture_packets_total: 'counter',
  flowmatrix_capture_bytes_total: 'counter',
  flowmatrix_capture_kernel_drops_total: 'counter',
  flowmatrix_capture_ring_drops_total: 'counter',
  flowmatrix_pipeline_packets_total: 'counter',
  flowmatrix_pipeline_bytes_total: 'counter',
  flowmatrix_pipeline_no_flow_packets_total: 'counter',
  flowmatrix_decode_errors_total: 'counter',
  flowmatrix_flows_created_total: 'counter',
  flowmatrix_flows_ended_total: 'counter',
  flowmatrix_evictions_total: 'counter',
  flowmatrix_fragments_total: 'counter',
  flowmatrix_fragment_table_overwrites_total: 'counter',
  flowmatrix_ring_drops_total: 'counter',
  flowmatrix_pipeline_events_total: 'counter',
  flowmatrix_active_flows: 'gauge',
  flowmatrix_pipeline_level: 'gauge',
  flowmatrix_ring_occupancy_ratio: 'gauge',
  flowmatrix_worker_threads: 'gauge',
  flowmatrix_worker_queue_size: 'gauge',
  flowmatrix_worker_tasks_completed_total: 'counter',
  flowmatrix_worker_utilization_ratio: 'gauge',
  flowmatrix_worker_task_run_seconds: 'gauge',
  flowmatrix_worker_task_wait_seconds: 'gauge',
  flowmatrix_stored_flows: 'gauge',
  flowmatrix_store_bytes: 'gauge',
  flowmatrix_store_max_bytes: 'gauge',
  flowmatrix_store_segments: 'gauge',
  flowmatrix_store_dropped_total: 'counter',
  flowmatrix_store_expired_total: 'counter',
  flowmatrix_store_ingested_batches_total: 'counter',
  flowmatrix_system_cpu_ratio: 'gauge',
  flowmatrix_system_cpu_busy_ratio: 'gauge',
  flowmatrix_system_cpu_core_busy_ratio: 'gauge',
  flowmatrix_system_cpu_cores: 'gauge',
  flowmatrix_system_memory_total_bytes: 'gauge',
  flowmatrix_system_memory_available_bytes: 'gauge',
  flowmatrix_system_memory_used_bytes: 'gauge',
  flowmatrix_process_cpu_ratio: 'gauge',
  flowmatrix_process_cpu_core_ratio: 'gauge',
  flowmatrix_process_threads: 'gauge',
  flowmatrix_nodejs_array_buffers_bytes: 'gauge',
  flowmatrix_nodejs_eventloop_utilization_ratio: 'gauge',
  flowmatrix_nodejs_eventloop_delay_seconds: 'gauge',
  flowmatrix_metrics_samples_total: 'counter',
  flowmatrix_metrics_source_errors_total: 'counter',
  flowmatrix_metrics_sample_duration_seconds: 'gauge',
  flowmatrix_metrics_label_overflows_total: 'counter',
  flowmatrix_http_requests_total: 'counter',
  flowmatrix_http_request_duration_seconds: 'histogram',
  flowmatrix_sockets_connected: 'gauge',
  flowmatrix_socket_messages_total: 'counter',
  flowmatrix_socket_dropped_total: 'counter',
};

t.test('names, types, labels and values from the sources', async (t) => {
  const { sample, scrape, prom } = setup(t);
  t.match(prom.contentType, /^text\/plain; version=0\.0\.4/);
  sample();
  sample();
  const f = await scrape();
  for (const [name, type] of Object.entries(EXPECTED))
    t.equal(f.get(name)?.type, type, `${name} is a ${type}`);
  for (const fam of f.values()) {
    t.ok(fam.name.startsWith('flowmatrix_'), `${fam.name}: prefixed`);
    t.ok(fam.help.length > 0, `${fam.name}: has help`);
    if (fam.type === 'counter') t.ok(fam.name.endsWith('_total'), `${fam.name}: counter ends in _total`);
  }
  t.same(
    [...series(f, 'flowmatrix_capture_packets_total')],
    [
      ['flowmatrix_capture_packets_total{"source":"eth0"}', 1000],
      ['flowmatrix_capture_packets_total{"source":"eth1"}', 10],
    ],
  );
  t.equal(
    series(f, 'flowmatrix_decode_errors_total').get(
      'flowmatrix_decode_errors_total{"reason":"truncated-ipv4"}',
    ),
    2,
  );
  t.equal(series(f, 'flowmatrix_flows_ended_total').get('flowmatrix_flows_ended_total{"reason":"idle"}'), 10);
  t.equal(series(f, 'flowmatrix_fragments_total').get('flowmatrix_fragments_total{"kind":"later"}'), 4);
  t.equal(series(f, 'flowmatrix_ring_drops_total').get('flowmatrix_ring_drops_total{"shard":"all"}'), 1);
  t.same(
    [...series(f, 'flowmatrix_pipeline_events_total').keys()].sort(),
    [
      'flowmatrix_pipeline_events_total{"counter":"tasks"}',
      'flowmatrix_pipeline_events_total{"counter":"tcpPortReuse"}',
    ],
    'only the counters without a metric of their own',
  );
  t.equal(series(f, 'flowmatrix_active_flows').get('flowmatrix_active_flows{}'), 28);
  t.equal(
    series(f, 'flowmatrix_ring_occupancy_ratio').get('flowmatrix_ring_occupancy_ratio{"shard":"1"}'),
    0.5,
  );
  t.equal(series(f, 'flowmatrix_stored_flows').get('flowmatrix_stored_flows{"state":"ended"}'), 12);
  t.equal(
    series(f, 'flowmatrix_store_dropped_total').get('flowmatrix_store_dropped_total{"reason":"memory"}'),
    0,
  );
  t.equal(
    series(f, 'flowmatrix_worker_task_run_seconds').get(
      'flowmatrix_worker_task_run_seconds{"quantile":"0.99"}',
    ),
    0.009,
  );
  t.equal(
    series(f, 'flowmatrix_system_memory_used_bytes').get('flowmatrix_system_memory_used_bytes{}'),
    2_000_000 * 1024,
  );
  t.equal(series(f, 'flowmatrix_system_cpu_ratio').size, 8, 'one series per CPU mode');
  t.equal(series(f, 'flowmatrix_system_cpu_busy_ratio').get('flowmatrix_system_cpu_busy_ratio{}'), 0.25);
  t.equal(series(f, 'flowmatrix_system_cpu_core_busy_ratio').size, 2);
  t.equal(series(f, 'flowmatrix_metrics_samples_total').get('flowmatrix_metrics_samples_total{}'), 2);
});

t.test('a missing part leaves its gauges empty and its counters where they were', async (t) => {
  const { world, sample, scrape } = setup(t);
  sample();
  world.throwStore = true;
  sample();
  const f = await scrape();
  t.equal(f.get('flowmatrix_store_bytes')?.samples.length, 0, 'no stale store gauge');
  t.equal(
    series(f, 'flowmatrix_store_expired_total').get('flowmatrix_store_expired_total{}'),
    6,
    'counter kept',
  );
  t.equal(
    series(f, 'flowmatrix_metrics_source_errors_total').get(
      'flowmatrix_metrics_source_errors_total{"source":"store"}',
    ),
    1,
  );
});

t.test('no sample yet: a valid, empty-ish scrape', async (t) => {
  const { scrape } = setup(t);
  const f = await scrape();
  t.equal(f.get('flowmatrix_capture_packets_total')?.samples.length, 0);
  t.equal(f.get('flowmatrix_active_flows')?.samples.length, 0);
});

t.test('counters never decrease across scrapes: growth, resets, absences', async (t) => {
  const { world, sample, scrape } = setup(t);
  const history: Map<string, number>[] = [];
  const snapshot = async () => {
    const f = await scrape();
    const all = new Map<string, number>();
    for (const fam of f.values()) {
      if (fam.type !== 'counter') continue;
      for (const s of fam.samples) all.set(`${s.name}${JSON.stringify(s.labels)}`, s.value);
    }
    history.push(all);
  };
  sample();
  await snapshot();
  // growth
  world.pipeline.totals.packets = 5000;
  world.capture[0].packets = 5000;
  world.pipeline.decodeErrors = { 'truncated-ipv4': 7, 'bad-ihl': 1 };
  sample();
  await snapshot();
  // the pipeline and the capture restart from zero
  world.pipeline = { totals: { packets: 100, flowsCreated: 3 }, decodeErrors: { 'truncated-ipv4': 1 } };
  world.capture = [{ name: 'eth0', packets: 50, bytes: 100 }];
  world.store = { ...world.store, expired: 1 };
  sample();
  await snapshot();
  // the store throws for a sample
  world.throwStore = true;
  sample();
  await snapshot();
  await snapshot(); // twice on the same sample: nothing counted twice
  world.throwStore = false;
  sample();
  await snapshot();

  for (let i = 1; i < history.length; i++) {
    for (const [key, before] of history[i - 1]) {
      const after = history[i].get(key);
      t.ok(after !== undefined && after >= before, `${key}: ${before} → ${after} (scrape ${i})`);
    }
  }
  const last = history[history.length - 1];
  t.equal(last.get('flowmatrix_pipeline_packets_total{}'), 5100, '5000, then a reset to 100');
  t.equal(last.get('flowmatrix_capture_packets_total{"source":"eth0"}'), 5050);
  t.equal(last.get('flowmatrix_decode_errors_total{"reason":"truncated-ipv4"}'), 8);
  t.equal(last.get('flowmatrix_store_expired_total{}'), 7, '6, then a reset to 1');
  t.same(history[4], history[3], 'a second scrape of the same sample changes nothing');
});

t.test('API and Socket.IO hooks', async (t) => {
  const { prom, scrape } = setup(t);
  prom.observeRequest('get', '/api/v1/flows', 200, 0.004);
  prom.observeRequest('GET', '/api/v1/flows', 200, 0.3);
  prom.observeRequest('POST', '/api/v1/flows', 400, Number.NaN);
  prom.socketConnected();
  prom.socketConnected();
  prom.socketDisconnected();
  prom.socketMessage('flows', 3);
  prom.socketMessage('metrics');
  prom.socketDrop('slow-client', 2);
  prom.socketDrop('slow-client', -5);
  const f = await scrape();
  const req = series(f, 'flowmatrix_http_requests_total');
  t.equal(
    req.get('flowmatrix_http_requests_total{"method":"GET","route":"/api/v1/flows","status":"200"}'),
    2,
  );
  t.equal(
    req.get('flowmatrix_http_requests_total{"method":"POST","route":"/api/v1/flows","status":"400"}'),
    1,
  );
  const dur = series(f, 'flowmatrix_http_request_duration_seconds');
  t.equal(
    dur.get(
      'flowmatrix_http_request_duration_seconds_count{"method":"GET","route":"/api/v1/flows","status":"200"}',
    ),
    2,
  );
  t.equal(
    dur.get(
      'flowmatrix_http_request_duration_seconds_bucket{"le":"0.005","method":"GET","route":"/api/v1/flows","status":"200"}',
    ),
    1,
  );
  t.equal(series(f, 'flowmatrix_sockets_connected').get('flowmatrix_sockets_connected{}'), 1);
  t.equal(
    series(f, 'flowmatrix_socket_messages_total').get('flowmatrix_socket_messages_total{"event":"flows"}'),
    3,
  );
  t.equal(
    series(f, 'flowmatrix_socket_dropped_total').get(
      'flowmatrix_socket_dropped_total{"reason":"slow-client"}',
    ),
    2,
  );
  prom.socketDisconnected();
  prom.socketDisconnected();
  const g = await scrape();
  t.equal(
    series(g, 'flowmatrix_sockets_connected').get('flowmatrix_sockets_connected{}'),
    0,
    'never below 0',
  );
});

t.test('hook labels are bounded', async (t) => {
  const world = new World();
  const collector = new SystemMetricsCollector({ sources: world.sources() });
  const prom = new PrometheusMetrics(collector, { defaultMetrics: false, maxLabelValues: 3 });
  for (let i = 0; i < 50; i++) prom.observeRequest('GET', `/api/v1/flows/${i}`, 200, 0.001);
  const f = parseExposition(await prom.prometheus());
  const routes = new Set(f.get('flowmatrix_http_requests_total')?.samples.map((s) => s.labels.route));
  t.same([...routes].sort(), ['/api/v1/flows/0', '/api/v1/flows/1', '/api/v1/flows/2', 'other']);
  t.equal(
    series(f, 'flowmatrix_metrics_label_overflows_total').get('flowmatrix_metrics_label_overflows_total{}'),
    47,
  );
});

t.test('default process metrics, own registry, two instances side by side', async (t) => {
  const a = setup(t, true);
  const b = setup(t, true);
  a.prom.start();
  a.prom.start();
  b.prom.start();
  a.sample();
  const text = await a.prom.prometheus();
  const f = parseExposition(text);
  for (const name of [
    'flowmatrix_process_cpu_seconds_total',
    'flowmatrix_process_resident_memory_bytes',
    'flowmatrix_nodejs_heap_size_used_bytes',
    'flowmatrix_nodejs_eventloop_lag_seconds',
  ]) {
    t.ok(f.has(name), name);
  }
  t.ok(f.get('flowmatrix_nodejs_gc_duration_seconds')?.type === 'histogram');
  t.notMatch(await globalRegister.metrics(), /flowmatrix_/, 'the global registry is left alone');
  parseExposition(await b.prom.prometheus());
  a.prom.stop();
  b.prom.stop();
});

t.test('config validation', async (t) => {
  const c = new SystemMetricsCollector();
  for (const bad of [
    { prefix: '1x' },
    { httpDurationBuckets: [] },
    { httpDurationBuckets: [1, 0.5] },
    { maxLabelValues: 0 },
  ]) {
    t.throws(() => new PrometheusMetrics(c, bad), { code: 'BAD_ARGUMENT' }, JSON.stringify(bad));
  }
});
