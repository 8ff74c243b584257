import { byKey, counter, gauge, one, type SampleMetricSpec, type Series } from './prom-spec-kit.js';
import type { CollectionSample, ExporterSample, ExportTargetCounters, SystemSample } from './types.js';

/**
 * IPFIX/NetFlow export (`--ipfix-export`) and collection (`--ipfix-listen`). A part that is off
 * has no series. The `target` label is the target as given on the command line (normalised:
 * `udp://host:port`), so its values are bounded by the configuration.
 */

const exporter = (s: SystemSample): ExporterSample | null => s.export?.exporter ?? null;
const collector = (s: SystemSample): CollectionSample | null => s.export?.collector ?? null;

/** One series per export target. */
function perTarget(s: SystemSample, value: (t: ExportTargetCounters) => number): Series[] | null {
  const e = exporter(s);
  return e ? e.targets.map((t) => ({ labels: { target: t.target }, value: value(t) })) : null;
}

const UP_STATES = new Set(['ready', 'connected']);

const EXPORTER: SampleMetricSpec[] = [
  counter('export_flows_total', 'Ended flows taken for IPFIX/NetFlow export.', [], (s) =>
    one(exporter(s)?.flows),
  ),
  counter(
    'export_records_total',
    'Export data records encoded (two per flow, one when the reverse direction is empty or biflow).',
    [],
    (s) => one(exporter(s)?.records),
  ),
  counter('export_messages_total', 'Export messages built (each goes to every target).', [], (s) =>
    one(exporter(s)?.messages),
  ),
  counter('export_bytes_total', 'Bytes of the export messages built.', [], (s) => one(exporter(s)?.bytes)),
  counter('export_target_records_total', 'Data records queued for an export target.', ['target'], (s) =>
    perTarget(s, (t) => t.records),
  ),
  counter(
    'export_sent_messages_total',
    'Export messages handed to the kernel, by target (templates included).',
    ['target'],
    (s) => perTarget(s, (t) => t.sentMessages),
  ),
  counter('export_sent_bytes_total', 'Export bytes handed to the kernel, by target.', ['target'], (s) =>
    perTarget(s, (t) => t.sentBytes),
  ),
  counter(
    'export_drops_total',
    'Export data records dropped before the socket, by target and reason (queue-full, not-connected).',
    ['target', 'reason'],
    (s) => {
      const e = exporter(s);
      return e
        ? e.targets.flatMap((t) =>
            Object.entries(t.drops).map(([reason, value]) => ({
              labels: { target: t.target, reason },
              value,
            })),
          )
        : null;
    },
  ),
  counter(
    'export_dropped_messages_total',
    'Export messages dropped before the socket, by target.',
    ['target'],
    (s) => perTarget(s, (t) => t.droppedMessages),
  ),
  counter(
    'export_send_errors_total',
    'Export messages the socket failed to send, by target.',
    ['target'],
    (s) => perTarget(s, (t) => t.sendErrors),
  ),
  counter('export_template_sends_total', 'Template messages sent, by target.', ['target'], (s) =>
    perTarget(s, (t) => t.templateSends),
  ),
  counter('export_connects_total', 'TCP connections made to an export target.', ['target'], (s) =>
    perTarget(s, (t) => t.connects),
  ),
  counter(
    'export_disconnects_total',
    'TCP connection attempts to an export target that failed, or connections that closed.',
    ['target'],
    (s) => perTarget(s, (t) => t.disconnects),
  ),
  gauge('export_queued_bytes', 'Export bytes waiting in the socket queue, by target.', ['target'], (s) =>
    perTarget(s, (t) => t.queuedBytes),
  ),
  gauge('export_queue_limit_bytes', 'Bound of the export socket queue, by target.', ['target'], (s) =>
    perTarget(s, (t) => t.queueLimitBytes),
  ),
  gauge(
    'export_target_up',
    '1 when an export target can take messages (UDP started, TCP connected).',
    ['target'],
    (s) => perTarget(s, (t) => (UP_STATES.has(t.state) ? 1 : 0)),
  ),
];

const COLLECTOR: SampleMetricSpec[] = [
  counter(
    'collector_messages_total',
    'NetFlow/IPFIX/sFlow messages decoded, by protocol.',
    ['protocol'],
    (s) => {
      const c = collector(s);
      return c ? byKey('protocol', c.messages) : null;
    },
  ),
  counter('collector_flows_total', 'Flows collected into the store.', [], (s) => one(collector(s)?.flows)),
  counter('collector_sampled_flows_total', 'Collected flows scaled up by a sampling rate above 1.', [], (s) =>
    one(collector(s)?.sampledFlows),
  ),
  counter(
    'collector_sequence_gaps_total',
    'Sequence number discontinuities (lost, duplicated or reordered export messages).',
    [],
    (s) => one(collector(s)?.sequenceGaps),
  ),
  counter(
    'collector_drops_total',
    'Collector inputs dropped, by reason (datagrams, sets or records, as the reason says).',
    ['reason'],
    (s) => {
      const c = collector(s);
      return c ? byKey('reason', c.drops) : null;
    },
  ),
  counter(
    'collector_paired_total',
    'Conversations whose two unidirectional records were joined into one flow (--ipfix-pair).',
    [],
    (s) => one(collector(s)?.pairing?.paired),
  ),
  counter(
    'collector_unpaired_total',
    'Unidirectional records stored alone: no reverse within the --ipfix-pair hold, or the waiting room was full.',
    [],
    (s) => one(collector(s)?.pairing?.alone),
  ),
  gauge('collector_pairing_waiting', 'Records waiting for their reverse direction (--ipfix-pair).', [], (s) =>
    one(collector(s)?.pairing?.waiting),
  ),
  gauge('collector_templates', 'Templates the collector holds.', [], (s) => one(collector(s)?.templates)),
  counter('collector_templates_received_total', 'Templates received (refreshes included).', [], (s) =>
    one(collector(s)?.templatesReceived),
  ),
  counter('collector_templates_withdrawn_total', 'Templates withdrawn by their exporter.', [], (s) =>
    one(collector(s)?.templatesWithdrawn),
  ),
  counter(
    'collector_templates_expired_total',
    'Templates expired (not refreshed within the timeout).',
    [],
    (s) => one(collector(s)?.templatesExpired),
  ),
  gauge('collector_sessions', 'Exporter sessions the collector holds.', [], (s) =>
    one(collector(s)?.sessions),
  ),
  counter(
    'collector_sessions_evicted_total',
    'Exporter sessions evicted to stay within the bound.',
    [],
    (s) => one(collector(s)?.sessionsEvicted),
  ),
  counter('collector_datagrams_total', 'UDP datagrams received by the collector.', [], (s) =>
    one(collector(s)?.listener.datagrams),
  ),
  counter(
    'collector_received_bytes_total',
    'Bytes received by the collector, by transport.',
    ['transport'],
    (s) => {
      const c = collector(s);
      return c
        ? [
            { labels: { transport: 'udp' }, value: c.listener.datagramBytes },
            { labels: { transport: 'tcp' }, value: c.listener.tcpBytes },
          ]
        : null;
    },
  ),
  counter('collector_tcp_messages_total', 'IPFIX messages received over TCP.', [], (s) =>
    one(collector(s)?.listener.tcpMessages),
  ),
  counter('collector_tcp_connections_total', 'TCP connections the collector accepted.', [], (s) =>
    one(collector(s)?.listener.tcpConnectionsTotal),
  ),
  gauge('collector_tcp_connections_open', 'TCP connections open to the collector.', [], (s) =>
    one(collector(s)?.listener.tcpConnections),
  ),
];

export const EXPORT_METRICS: readonly SampleMetricSpec[] = [...EXPORTER, ...COLLECTOR];
