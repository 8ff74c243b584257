/**
 * IPFIX/NetFlow export and collection in the metrics: the `export` part of a sample (fed by
 * FlowExchange.stats() in main.ts) and its Prometheus series; no series when both are off.
 */
import t, { type Test } from 'tap';
import type { ExchangeStats } from '../../src/export/index.js';
import { PrometheusMetrics, SystemMetricsCollector } from '../../src/metrics/index.js';
import type { MetricsSources } from '../../src/metrics/types.js';
import { fakeExchangeStats } from './helpers/exchange.js';
import { parseExposition, type ExpoFamily } from './helpers/exposition.js';
import { FakeClock, meminfo, modes, procStat, selfStat } from './helpers/fixtures.js';

function setup(t: Test, sources: MetricsSources) {
  const root = t.testdir({
    stat: procStat([modes({ user: 100, idle: 900 })]),
    meminfo: meminfo(8_000_000, 6_000_000),
    self: { stat: selfStat('node', 10, 5, 7) },
  });
  const clock = new FakeClock();
  const collector = new SystemMetricsCollector({ procRoot: root, clock, sources });
  const prom = new PrometheusMetrics(collector, { defaultMetrics: false });
  const sample = () => {
    clock.advance(1000);
    return collector.sample();
  };
  const scrape = async () => parseExposition(await prom.prometheus());
  return { collector, sample, scrape };
}

/** `{labels}` (sorted by name) → value, for one family (throws when it is not registered). */
function series(f: Map<string, ExpoFamily>, name: string): Map<string, number> {
  const fam = f.get(name);
  if (!fam) throw new Error(`no family ${name}`);
  return new Map(
    fam.samples.map((s) => [JSON.stringify(Object.fromEntries(Object.entries(s.labels).sort())), s.value]),
  );
}

const EXPORT_FAMILIES: Record<string, 'counter' | 'gauge'> = {
  flowmatrix_export_flows_total: 'counter',
  flowmatrix_export_records_total: 'counter',
  flowmatrix_export_messages_total: 'counter',
  flowmatrix_export_bytes_total: 'counter',
  flowmatrix_export_target_records_total: 'counter',
  flowmatrix_export_sent_messages_total: 'counter',
  flowmatrix_export_sent_bytes_total: 'counter',
  flowmatrix_export_drops_total: 'counter',
  flowmatrix_export_dropped_messages_total: 'counter',
  flowmatrix_export_send_errors_total: 'counter',
  flowmatrix_export_template_sends_total: 'counter',
  flowmatrix_export_connects_total: 'counter',
  flowmatrix_export_disconnects_total: 'counter',
  flowmatrix_export_queued_bytes: 'gauge',
  flowmatrix_export_queue_limit_bytes: 'gauge',
  flowmatrix_export_target_up: 'gauge',
};

const COLLECTOR_FAMILIES: Record<string, 'counter' | 'gauge'> = {
  flowmatrix_collector_messages_total: 'counter',
  flowmatrix_collector_flows_total: 'counter',
  flowmatrix_collector_sampled_flows_total: 'counter',
  flowmatrix_collector_sequence_gaps_total: 'counter',
  flowmatrix_collector_drops_total: 'counter',
  flowmatrix_collector_templates: 'gauge',
  flowmatrix_collector_templates_received_total: 'counter',
  flowmatrix_collector_templates_withdrawn_total: 'counter',
  flowmatrix_collector_templates_expired_total: 'counter',
  flowmatrix_collector_sessions: 'gauge',
  flowmatrix_collector_sessions_evicted_total: 'counter',
  flowmatrix_collector_datagrams_total: 'counter',
  flowmatrix_collector_received_bytes_total: 'counter',
  flowmatrix_collector_tcp_messages_total: 'counter',
  flowmatrix_collector_tcp_connections_total: 'counter',
  flowmatrix_collector_tcp_connections_open: 'gauge',
  flowmatrix_collector_paired_total: 'counter',
  flowmatrix_collector_unpaired_total: 'counter',
  flowmatrix_collector_pairing_waiting: 'gauge',
};

const UDP = '"target":"udp://127.0.0.1:2055"';
const TCP = '"target":"tcp://[::1]:4739"';

t.test('the export part of a sample: cleaned, drops summed over targets, rates', async (t) => {
  let stats: ExchangeStats = fakeExchangeStats();
  const { sample } = setup(t, { export: () => stats });
  const first = sample();
  t.ok(first.export?.exporter && first.export.collector, 'both parts');
  t.same(first.export?.exporter?.drops, { 'queue-full': 100, 'not-connected': 2900 });
  t.equal(first.export?.exporter?.rates.flowsPerSec, null, 'no rate on the first sample');
  t.equal(first.export?.collector?.listener.tcpMessages, 2);
  t.equal(first.export?.exporter?.targets[1].lastError, 'connect ECONNREFUSED ::1:4739');

  stats = fakeExchangeStats();
  if (!stats.exporter || !stats.collector) throw new Error('fixture');
  stats.exporter.flows += 500;
  stats.exporter.targets[1].drops['not-connected'] += 1000;
  stats.collector.flows += 250;
  stats.collector.messages.ipfix = Number.NaN; // a confused source: left out, never NaN downstream
  const second = sample();
  t.equal(second.export?.exporter?.rates.flowsPerSec, 500);
  t.equal(second.export?.exporter?.rates.dropsPerSec, 1000);
  t.equal(second.export?.collector?.rates.flowsPerSec, 250);
  t.notOk('ipfix' in (second.export?.collector?.messages ?? {}), 'NaN left out');
  t.same(JSON.parse(JSON.stringify(second.export)), second.export, 'plain JSON (API and Socket.IO)');
});

t.test('Prometheus: export and collector series with the values of the exchange', async (t) => {
  const { sample, scrape } = setup(t, { export: () => fakeExchangeStats() });
  sample();
  const f = await scrape();
  for (const [name, type] of Object.entries({ ...EXPORT_FAMILIES, ...COLLECTOR_FAMILIES })) {
    t.equal(f.get(name)?.type, type, `${name} is a ${type}`);
    t.ok((f.get(name)?.samples.length ?? 0) > 0, `${name} has series`);
  }
  t.equal(series(f, 'flowmatrix_export_flows_total').get('{}'), 1500);
  t.equal(series(f, 'flowmatrix_export_records_total').get('{}'), 2900);
  t.equal(series(f, 'flowmatrix_export_messages_total').get('{}'), 40);
  t.equal(series(f, 'flowmatrix_export_bytes_total').get('{}'), 120_000);
  const drops = series(f, 'flowmatrix_export_drops_total');
  t.equal(drops.get(`{"reason":"queue-full",${UDP}}`), 100);
  t.equal(drops.get(`{"reason":"not-connected",${TCP}}`), 2900);
  t.equal(drops.size, 4, 'two reasons per target');
  t.equal(series(f, 'flowmatrix_export_send_errors_total').get(`{${UDP}}`), 1);
  t.equal(series(f, 'flowmatrix_export_disconnects_total').get(`{${TCP}}`), 3);
  t.equal(series(f, 'flowmatrix_export_connects_total').get(`{${TCP}}`), 1);
  t.equal(series(f, 'flowmatrix_export_dropped_messages_total').get(`{${TCP}}`), 40);
  t.equal(series(f, 'flowmatrix_export_sent_bytes_total').get(`{${UDP}}`), 118_000);
  t.equal(series(f, 'flowmatrix_export_queued_bytes').get(`{${UDP}}`), 512);
  t.equal(series(f, 'flowmatrix_export_target_up').get(`{${UDP}}`), 1);
  t.equal(series(f, 'flowmatrix_export_target_up').get(`{${TCP}}`), 0, 'a TCP target in backoff is down');

  t.equal(series(f, 'flowmatrix_collector_paired_total').get('{}'), 700);
  t.equal(series(f, 'flowmatrix_collector_unpaired_total').get('{}'), 600);
  t.equal(series(f, 'flowmatrix_collector_pairing_waiting').get('{}'), 4);
  const messages = series(f, 'flowmatrix_collector_messages_total');
  t.equal(messages.get('{"protocol":"ipfix"}'), 30);
  t.equal(messages.get('{"protocol":"sflow"}'), 2);
  t.equal(series(f, 'flowmatrix_collector_flows_total').get('{}'), 2000);
  t.equal(series(f, 'flowmatrix_collector_sampled_flows_total').get('{}'), 12);
  t.equal(series(f, 'flowmatrix_collector_sequence_gaps_total').get('{}'), 3);
  const cdrops = series(f, 'flowmatrix_collector_drops_total');
  t.equal(cdrops.get('{"reason":"unknown-template"}'), 5);
  t.equal(cdrops.get('{"reason":"bad-version"}'), 0, 'every reason has a series, zero included');
  t.equal(series(f, 'flowmatrix_collector_templates').get('{}'), 4);
  t.equal(series(f, 'flowmatrix_collector_templates_received_total').get('{}'), 9);
  t.equal(series(f, 'flowmatrix_collector_templates_withdrawn_total').get('{}'), 2);
  t.equal(series(f, 'flowmatrix_collector_templates_expired_total').get('{}'), 1);
  t.equal(series(f, 'flowmatrix_collector_sessions').get('{}'), 2);
  t.equal(series(f, 'flowmatrix_collector_datagrams_total').get('{}'), 35);
  const received = series(f, 'flowmatrix_collector_received_bytes_total');
  t.equal(received.get('{"transport":"udp"}'), 40_000);
  t.equal(received.get('{"transport":"tcp"}'), 9000);
  t.equal(series(f, 'flowmatrix_collector_tcp_connections_open').get('{}'), 1);
  t.equal(series(f, 'flowmatrix_collector_tcp_connections_total').get('{}'), 2);
});

t.test('counters stay monotonic when the exchange restarts from zero', async (t) => {
  let stats = fakeExchangeStats();
  const { sample, scrape } = setup(t, { export: () => stats });
  sample();
  await scrape();
  stats = fakeExchangeStats();
  if (!stats.exporter) throw new Error('fixture');
  stats.exporter.flows = 10;
  sample();
  const f = await scrape();
  t.equal(series(f, 'flowmatrix_export_flows_total').get('{}'), 1510, '1500, then a reset to 10');
});

t.test('absent when export and collection are off', async (t) => {
  for (const [what, sources] of [
    ['no export source', {}],
    ['both parts null', { export: () => ({ exporter: null, collector: null }) }],
  ] as [string, MetricsSources][]) {
    const { sample, scrape } = setup(t, sources);
    t.equal(sample().export, null, `${what}: the sample's export part is null`);
    const f = await scrape();
    for (const name of Object.keys({ ...EXPORT_FAMILIES, ...COLLECTOR_FAMILIES }))
      t.equal(f.get(name)?.samples.length ?? 0, 0, `${what}: no ${name} series`);
    t.equal(series(f, 'flowmatrix_metrics_source_errors_total').size, 0, `${what}: not an error`);
  }
});

t.test('export only: no collector series; collection only: no export series', async (t) => {
  const full = fakeExchangeStats();
  const exportOnly = setup(t, { export: () => ({ ...full, collector: null }) });
  exportOnly.sample();
  let f = await exportOnly.scrape();
  t.equal(series(f, 'flowmatrix_export_flows_total').get('{}'), 1500);
  for (const name of Object.keys(COLLECTOR_FAMILIES)) t.equal(f.get(name)?.samples.length, 0, name);

  const collectOnly = setup(t, { export: () => ({ ...full, exporter: null }) });
  t.equal(collectOnly.sample().export?.exporter, null);
  f = await collectOnly.scrape();
  t.equal(series(f, 'flowmatrix_collector_flows_total').get('{}'), 2000);
  for (const name of Object.keys(EXPORT_FAMILIES)) t.equal(f.get(name)?.samples.length, 0, name);
});

t.test('a throwing exchange counts a source error and leaves the part null', async (t) => {
  const { sample, scrape } = setup(t, {
    export: () => {
      throw new Error('exchange gone');
    },
  });
  t.equal(sample().export, null);
  const f = await scrape();
  t.equal(series(f, 'flowmatrix_metrics_source_errors_total').get('{"source":"export"}'), 1);
});
