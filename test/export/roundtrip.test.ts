/**
 * Our exporter into our collector, in memory: every direction of every flow of a generated
 * capture comes back with its packets, bytes, times and end reason — unidirectional records,
 * RFC 5103 biflows (paired back into one record) and NetFlow v9.
 */
import t from 'tap';
import { join } from 'node:path';
import { FlowCollector } from '../../src/export/collector/index.js';
import { IpfixExporter, type ExportFormat } from '../../src/export/ipfix/index.js';
import { decodeFlows, type FlowBatch } from '../../src/flow/batch.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { writeCapture } from '../../src/gen/index.js';
import { bidirectionalTotals, diffTotals, unidirectionalTotals } from './helpers/directions.js';
import { pipelineBatches } from './helpers/flows.js';
import { MemoryTransport } from './helpers/memory-transport.js';

const dir = t.testdir();
const pcap = join(dir, 'rt.pcap');
const target = { host: '127.0.0.1', port: 4739, transport: 'udp' as const };

async function exportAll(
  batches: FlowBatch[],
  format: ExportFormat,
  biflow: boolean,
): Promise<{ messages: Buffer[]; exporter: IpfixExporter }> {
  let mem: MemoryTransport | null = null;
  const exporter = new IpfixExporter(
    { targets: [target], format, biflow, queueMessages: 1 << 20 },
    (spec, c) => {
      mem = new MemoryTransport(spec, c.queueMessages, c.mtu);
      return mem;
    },
  );
  await exporter.start();
  for (const b of batches) exporter.exportBatch(b);
  await exporter.stop();
  return { messages: (mem as unknown as MemoryTransport).messages, exporter };
}

function collect(messages: Buffer[]): { records: FlowRecord[]; collector: FlowCollector } {
  const records: FlowRecord[] = [];
  const collector = new FlowCollector({}, (b) => records.push(...decodeFlows(b)));
  for (const m of messages) collector.handleDatagram(m, '127.0.0.1', 40000);
  collector.flush();
  return { records, collector };
}

t.test('round trip', async (t) => {
  await writeCapture({ seed: 61, flows: 3000, packets: 40_000 }, pcap);
  const { batches, flows } = await pipelineBatches([pcap]);
  t.ok(flows.length >= 2900, `${flows.length} flows`);
  const want = bidirectionalTotals(flows);

  for (const format of ['ipfix', 'v9'] as const) {
    t.test(`${format}, two unidirectional records per flow`, async (t) => {
      const { messages, exporter } = await exportAll(batches, format, false);
      const s = exporter.stats();
      t.equal(s.flows, flows.length, 'every ended flow exported');
      t.equal(
        s.records,
        flows.length + flows.filter((f) => f.dstPackets > 0).length,
        'reverse only with packets',
      );
      t.ok(
        messages.every((m) => m.length <= 1400),
        'no message above the MTU',
      );
      const { records, collector } = collect(messages);
      const c = collector.stats();
      t.same(
        Object.entries(c.drops).filter(([, n]) => n > 0),
        [],
        'no drops',
      );
      t.equal(c.sequenceGaps, 0, 'sequence numbers continuous');
      t.equal(records.length, s.records, 'one flow per record');
      t.same(diffTotals(want, unidirectionalTotals(records)), [], 'packets and bytes per direction');
      // times and end reasons of the forward records
      const byKey = new Map(
        flows.map((f) => [`${f.proto} ${f.srcAddr} ${f.srcPort} ${f.dstAddr} ${f.dstPort}`, f]),
      );
      let checked = 0;
      const bad: string[] = [];
      for (const r of records) {
        const f = byKey.get(`${r.proto} ${r.srcAddr} ${r.srcPort} ${r.dstAddr} ${r.dstPort}`);
        if (!f || f.proto === 1 || f.proto === 58) continue;
        checked++;
        if (r.firstSeen !== Math.floor(f.firstSeen) || r.lastSeen !== Math.floor(f.lastSeen))
          bad.push(`${r.srcAddr}: times ${r.firstSeen}..${r.lastSeen} vs ${f.firstSeen}..${f.lastSeen}`);
        // eof/shutdown are both forcedEnd; fin and rst both endOfFlowDetected, told apart by the
        // record's own flags (the peer's RST is in the other direction's record).
        const wantEnd = f.endReason === 'eof' || f.endReason === 'shutdown' ? 'shutdown' : f.endReason;
        const ok = r.endReason === wantEnd || (wantEnd === 'rst' && r.endReason === 'fin');
        if (f.proto === 6 && !ok) bad.push(`${r.srcAddr}: end ${r.endReason} vs ${f.endReason}`);
        if (r.exporter?.protocol !== (format === 'ipfix' ? 'ipfix' : 'netflow-v9')) bad.push('exporter');
        if (r.srcTcpFlags !== f.srcTcpFlags || r.vlan !== f.vlan) bad.push(`${r.srcAddr}: flags/vlan`);
      }
      t.ok(checked > 1000, `${checked} forward records checked`);
      t.same(bad.slice(0, 5), [], 'times, end reasons, flags, vlan');
    });
  }

  t.test('biflow (RFC 5103) comes back as one bidirectional record', async (t) => {
    const { messages, exporter } = await exportAll(batches, 'ipfix', true);
    t.equal(exporter.stats().records, flows.length, 'one record per flow');
    const { records } = collect(messages);
    t.equal(records.length, flows.length);
    t.same(diffTotals(want, unidirectionalTotals(records)), []);
    const fwd = new Map(
      records.map((r) => [`${r.proto} ${r.srcAddr} ${r.srcPort} ${r.dstAddr} ${r.dstPort}`, r]),
    );
    const mismatch = flows.filter((f) => {
      const r = fwd.get(`${f.proto} ${f.srcAddr} ${f.srcPort} ${f.dstAddr} ${f.dstPort}`);
      return (
        !r || r.dstPackets !== f.dstPackets || r.dstBytes !== f.dstBytes || r.dstTcpFlags !== f.dstTcpFlags
      );
    });
    t.equal(mismatch.length, 0, 'reverse counters and flags in the same record');
  });
});
