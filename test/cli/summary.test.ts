/** The end-of-run summary: export and collection lines when they are on, nothing new when off. */
import t from 'tap';
import { formatSummary, type RunSummary } from '../../src/cli/summary.js';
import { fakeExchangeStats } from '../metrics/helpers/exchange.js';

function run(exchange?: RunSummary['exchange']): RunSummary {
  return {
    source: {
      description: '1 file',
      packets: 20_000,
      wireBytes: 9_000_000,
      skips: {},
      drops: {},
      warnings: [],
    },
    pipeline: {
      shards: 2,
      totals: { flowPackets: 19_990, noFlowPackets: 10, evictions: 0, taskErrors: 0 },
      decode: {},
      ended: { eof: 1500 },
    },
    seconds: 2,
    flowsOut: 1500,
    exchange,
  };
}

t.test('export off, collection off: no export or collector line', async (t) => {
  for (const text of [formatSummary(run()), formatSummary(run({ exporter: null, collector: null }))]) {
    t.notMatch(text, /export|collector/);
    t.match(text, /^flowmatrix: 20,000 packets/);
  }
});

t.test('export: what was built, and per target what left and what was lost', async (t) => {
  const x = fakeExchangeStats();
  const lines = formatSummary(run({ ...x, collector: null })).split('\n');
  t.ok(
    lines.includes('  export (IPFIX): 1,500 flows as 2,900 records in 40 messages (120.0 KB)'),
    lines.join('\n'),
  );
  t.ok(
    lines.includes(
      '  export to udp://127.0.0.1:2055: 2,800 records queued, 40 messages sent (118.0 KB); ' +
        'drops: queue-full 100 (in 1 message); send errors: 1 (last error: ECONNREFUSED)',
    ),
    lines.join('\n'),
  );
  t.ok(
    lines.includes(
      '  export to tcp://[::1]:4739: 0 records queued, 0 messages sent (0 B); ' +
        'drops: not-connected 2,900 (in 40 messages); disconnects: 3 (last error: connect ECONNREFUSED ::1:4739)',
    ),
    lines.join('\n'),
  );
  t.notMatch(lines.join('\n'), /collector/);
});

t.test('a clean export target: drops none, no error text', async (t) => {
  const x = fakeExchangeStats();
  if (!x.exporter) throw new Error('fixture');
  const target = { ...x.exporter.targets[0], sendErrors: 0, droppedMessages: 0 };
  target.drops = { 'queue-full': 0, 'not-connected': 0 };
  const text = formatSummary(run({ collector: null, exporter: { ...x.exporter, targets: [target] } }));
  t.match(text, /export to udp:\/\/127\.0\.0\.1:2055: .*; drops: none$/m);
  t.notMatch(text, /last error/);
});

t.test('collection: flows, messages by protocol, drops by reason, sequence gaps', async (t) => {
  const x = fakeExchangeStats();
  const text = formatSummary(run({ ...x, exporter: null }));
  t.ok(
    text
      .split('\n')
      .includes(
        '  collector: 2,000 flows from 37 messages (ipfix 30, netflow-v9 5, sflow 2); ' +
          'drops: unknown-template 5, truncated 2; sequence gaps: 3; sampled flows scaled up: 12; ' +
          'paired into two-way flows: 700 (one-way: 600)',
      ),
    text,
  );
  t.notMatch(text, /export/);
  if (!x.collector) throw new Error('fixture');
  const unpaired = formatSummary(run({ exporter: null, collector: { ...x.collector, pairing: null } }));
  t.notMatch(unpaired, /paired/, 'nothing about pairing without --ipfix-pair');
});
