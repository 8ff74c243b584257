/**
 * FlowExchange.stats() answers for the export metrics and summary tests: typed as the exchange
 * types them, so the metrics source and the summary are fed what main.ts feeds them.
 */
import type { ExchangeStats } from '../../../src/export/index.js';

const zeroCollectorDrops = {
  truncated: 0,
  'bad-version': 0,
  'bad-length': 0,
  'bad-set-length': 0,
  'reserved-set': 0,
  'bad-template': 0,
  'unknown-template': 0,
  'template-expired': 0,
  'too-many-templates': 0,
  'bad-record': 0,
  'no-addresses': 0,
  'withdrawal-over-udp': 0,
  'tcp-not-ipfix': 0,
  'tcp-connections': 0,
  'bad-sample': 0,
};

/** An exporter with a UDP target that lost records and a TCP target in backoff, and a collector. */
export function fakeExchangeStats(): ExchangeStats {
  return {
    exporter: {
      format: 'ipfix',
      biflow: false,
      flows: 1500,
      records: 2900,
      messages: 40,
      bytes: 120_000,
      targets: [
        {
          target: 'udp://127.0.0.1:2055',
          transport: 'udp',
          state: 'ready',
          records: 2800,
          messages: 39,
          templateSends: 2,
          sentMessages: 40,
          sentBytes: 118_000,
          sendErrors: 1,
          connects: 0,
          disconnects: 0,
          queuedBytes: 512,
          queueLimitBytes: 1_433_600,
          lastError: 'ECONNREFUSED',
          drops: { 'queue-full': 100, 'not-connected': 0 },
          droppedMessages: 1,
        },
        {
          target: 'tcp://[::1]:4739',
          transport: 'tcp',
          state: 'backoff',
          records: 0,
          messages: 0,
          templateSends: 0,
          sentMessages: 0,
          sentBytes: 0,
          sendErrors: 0,
          connects: 1,
          disconnects: 3,
          queuedBytes: 0,
          queueLimitBytes: 1_433_600,
          lastError: 'connect ECONNREFUSED ::1:4739',
          drops: { 'queue-full': 0, 'not-connected': 2900 },
          droppedMessages: 40,
        },
      ],
    },
    collector: {
      messages: { ipfix: 30, 'netflow-v9': 5, 'netflow-v5': 0, sflow: 2 },
      flows: 2000,
      sampledFlows: 12,
      sequenceGaps: 3,
      templates: 4,
      templatesReceived: 9,
      templatesWithdrawn: 2,
      templatesExpired: 1,
      sessions: 2,
      sessionsEvicted: 0,
      drops: { ...zeroCollectorDrops, truncated: 2, 'unknown-template': 5 },
      pairing: { paired: 700, alone: 600, passed: 0, waiting: 4 },
      listener: {
        address: '127.0.0.1',
        port: 4739,
        datagrams: 35,
        datagramBytes: 40_000,
        tcpConnections: 1,
        tcpConnectionsTotal: 2,
        tcpBytes: 9000,
        tcpMessages: 2,
      },
    },
  };
}
