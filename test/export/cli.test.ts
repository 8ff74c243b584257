/**
 * The command line: the export and collection options (parsed, refused with one clear line),
 * the input mode ('collector' with --ipfix-listen alone), and two flowmatrix processes end to
 * end: `--pcap F --ipfix-export` (IPFIX over TCP and UDP) into a collector-only
 * `--ipfix-listen`, whose API then serves per direction what the file's own --out says, and
 * whose /metrics and end summary (like the exporters') show the export and collection counters.
 */
import t from 'tap';
import { join } from 'node:path';
import { parseArgs } from '../../src/cli/args.js';
import { FlowmatrixError } from '../../src/errors.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { writeCapture } from '../../src/gen/index.js';
import { readNdjson, runCli } from '../helpers/cli.js';
import { startServer, until } from '../helpers/server-process.js';
import { bidirectionalTotals, diffTotals, unidirectionalTotals } from './helpers/directions.js';
import { freeUdpPort } from './helpers/peers.js';

async function refused(argv: string[], pattern: RegExp): Promise<boolean> {
  const e = await parseArgs(argv).then(
    () => null,
    (err: unknown) => err,
  );
  return e instanceof FlowmatrixError && e.code === 'BAD_ARGUMENT' && pattern.test(e.message);
}

t.test('options', async (t) => {
  const c = await parseArgs([
    '--pcap',
    'x.pcap',
    '--ipfix-export',
    '192.0.2.10:2055',
    '--ipfix-export',
    'tcp://[2001:db8::1]:4739',
    '--ipfix-export',
    'collector.example:4739/tcp',
    '--ipfix-export',
    'udp://192.0.2.11:9995',
    '--ipfix-biflow',
    '--observation-domain',
    '42',
    '--template-refresh',
    '30s',
    '--export-mtu',
    '9000',
  ]);
  t.same(c.ipfix.export, [
    { host: '192.0.2.10', port: 2055, transport: 'udp' },
    { host: '2001:db8::1', port: 4739, transport: 'tcp' },
    { host: 'collector.example', port: 4739, transport: 'tcp' },
    { host: '192.0.2.11', port: 9995, transport: 'udp' },
  ]);
  t.same(
    [
      c.ipfix.biflow,
      c.ipfix.format,
      c.ipfix.observationDomain,
      c.ipfix.templateRefreshMs,
      c.ipfix.mtu,
      c.ipfix.listen,
    ],
    [true, 'ipfix', 42, 30_000, 9000, null],
  );
  t.equal(c.input, 'file');

  const l = await parseArgs(['--ipfix-listen', '2055', '--template-timeout', '10m']);
  t.equal(l.input, 'collector', '--ipfix-listen alone: collector mode');
  t.same(l.ipfix.listen, { host: null, port: 2055 });
  t.equal(l.ipfix.templateTimeoutMs, 600_000);
  t.equal(l.ipfix.pairHoldMs, 0, 'one-way records are stored as they come unless --ipfix-pair');
  t.equal((await parseArgs(['--ipfix-listen', '2055', '--ipfix-pair', '5s'])).ipfix.pairHoldMs, 5000);
  t.same((await parseArgs(['--ipfix-listen', '[::1]:4739'])).ipfix.listen, { host: '::1', port: 4739 });
  t.same((await parseArgs(['--ipfix-listen', '127.0.0.1:4739'])).ipfix.listen, {
    host: '127.0.0.1',
    port: 4739,
  });
  t.equal(
    (await parseArgs(['--ipfix-listen', '2055', '--iface', 'lo'])).input,
    'live',
    'with --iface: live + collector',
  );
  t.equal((await parseArgs(['--ipfix-listen', '2055', '--demo'])).input, 'demo');
  t.equal((await parseArgs([])).input, 'live', 'no input at all: live on the default route');
  t.equal(
    (await parseArgs(['--pcap', 'x', '--ipfix-export', 'h:1', '--export-format', 'v9'])).ipfix.format,
    'v9',
  );

  const bad: [string[], RegExp][] = [
    [['--pcap', 'x', '--ipfix-export', '192.0.2.10'], /--ipfix-export: .*HOST:PORT/],
    [['--pcap', 'x', '--ipfix-export', '192.0.2.10:0'], /port must be 1-65535/],
    [['--pcap', 'x', '--ipfix-export', 'tcp://h:1/udp'], /transport once/],
    [['--pcap', 'x', '--ipfix-export', 'h:1/tcp', '--export-format', 'v9'], /v9 is UDP only/],
    [
      ['--pcap', 'x', '--ipfix-export', 'h:1', '--export-format', 'v9', '--ipfix-biflow'],
      /biflow needs --export-format ipfix/,
    ],
    [['--pcap', 'x', '--ipfix-export', 'h:1', '--export-format', 'v5'], /--export-format: ipfix or v9/],
    [['--pcap', 'x', '--ipfix-biflow'], /--ipfix-biflow applies to --ipfix-export/],
    [['--pcap', 'x', '--ipfix-export', 'h:1', '--observation-domain', '-1'], /--observation-domain/],
    [['--pcap', 'x', '--ipfix-export', 'h:1', '--export-mtu', '100'], /--export-mtu/],
    [['--pcap', 'x', '--template-timeout', '5m'], /--template-timeout applies to --ipfix-listen/],
    [['--ipfix-listen', 'eth0:2055'], /listen on an IP address/],
    [['--ipfix-listen', '70000'], /--ipfix-listen/],
    [['--pcap', 'x', '--ipfix-pair', '2s'], /--ipfix-pair applies to --ipfix-listen/],
    [['--ipfix-listen', '2055', '--ipfix-pair', '1h'], /--ipfix-pair: from 100ms to 10m/],
    [['--ipfix-listen', '2055', '--ipfix-pair', 'soon'], /--ipfix-pair/],
  ];
  for (const [argv, re] of bad) t.ok(await refused(argv, re), argv.join(' '));
});

t.test('flowmatrix --pcap --ipfix-export into flowmatrix --ipfix-listen (collector mode)', async (t) => {
  const dir = t.testdir();
  const pcap = join(dir, 'e2e.pcap');
  const ndjson = join(dir, 'e2e.ndjson');
  await writeCapture({ seed: 111, flows: 1500, packets: 20_000 }, pcap);
  const port = await freeUdpPort();
  const collector = await startServer(['--ipfix-listen', `127.0.0.1:${port}`]);
  try {
    for (const [transport, target] of [
      ['tcp', `tcp://127.0.0.1:${port}`],
      ['udp', `127.0.0.1:${port}`],
    ]) {
      const r = await runCli(['--pcap', pcap, '--no-server', '--out', ndjson, '--ipfix-export', target]);
      t.equal(r.code, 0, `${transport} exporter exited 0 ${r.stderr}`);
      // The end summary names what was exported and what was lost (nothing, on loopback).
      t.match(r.stderr, /^ {2}export \(IPFIX\): [\d,]+ flows as [\d,]+ records in [\d,]+ messages/m);
      const url = target.startsWith('tcp://') ? target : `udp://${target}`;
      t.match(r.stderr, new RegExp(`^  export to ${url}: [\\d,]+ records queued, .*; drops: none$`, 'm'));
    }
    const want = bidirectionalTotals(readNdjson(ndjson));
    const expected = [...want.values()].reduce((s, x) => s + x.records, 0) * 2;
    let flows: FlowRecord[] = [];
    await until(async () => {
      const res = await fetch(`${collector.url}/api/v1/flows?limit=10000&state=ended`);
      flows = ((await res.json()) as { flows: FlowRecord[] }).flows;
      return flows.length >= expected;
    });
    t.equal(flows.length, expected, 'the API serves every record of both exports');
    const doubled = new Map(
      [...want].map(([k, v]) => [k, { records: 2 * v.records, packets: 2 * v.packets, bytes: 2 * v.bytes }]),
    );
    t.same(diffTotals(doubled, unidirectionalTotals(flows)), [], 'per direction: what --out says, twice');
    t.ok(flows.every((f) => f.exporter?.protocol === 'ipfix' && f.exporter.address === '127.0.0.1'));
    const capture = (await (await fetch(`${collector.url}/api/v1/capture`)).json()) as {
      mode: string;
      sources: { kind: string }[];
    };
    t.equal(capture.mode, 'collector');
    t.equal(capture.sources[0].kind, 'listener');
    // The collector's counters in /metrics (sampled every second: wait for the sample that has them all).
    let metrics = '';
    await until(async () => {
      metrics = await (await fetch(`${collector.url}/metrics`)).text();
      return new RegExp(`^flowmatrix_collector_flows_total ${expected}$`, 'm').test(metrics);
    });
    t.match(metrics, new RegExp(`^flowmatrix_collector_flows_total ${expected}$`, 'm'));
    t.match(metrics, /^flowmatrix_collector_messages_total\{protocol="ipfix"\} [1-9]\d*$/m);
    t.match(metrics, /^flowmatrix_collector_tcp_connections_total 1$/m);
    t.match(metrics, /^flowmatrix_collector_drops_total\{reason="unknown-template"\} 0$/m);
    t.notMatch(metrics, /^flowmatrix_export_flows_total /m, 'no export series without --ipfix-export');
  } finally {
    const { code } = await collector.stop('SIGINT');
    t.equal(code, 0, 'collector mode exits 0 on SIGINT');
    t.match(collector.stderr(), /from the collector on port \d+ \(\d+ flows collected\)/);
    t.match(
      collector.stderr(),
      /^ {2}collector: [\d,]+ flows from [\d,]+ messages \(ipfix [\d,]+\); drops: none; sequence gaps: 0$/m,
    );
  }
});
