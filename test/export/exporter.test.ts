/**
 * The exporter's protocol duties, read back from the messages: MTU-bounded messages, IPFIX
 * sequence numbers counting data records (v9: packets), observation domain, template refresh
 * by count and by time, active snapshots not exported, interim (active-timeout) records as
 * flowEndReason 2, reverse records only with packets, a full queue costing counted drops.
 */
import t from 'tap';
import { setTimeout as sleep } from 'node:timers/promises';
import { EndCode } from '../../src/flow/record.js';
import { FlowCollector } from '../../src/export/collector/index.js';
import { IpfixExporter } from '../../src/export/ipfix/index.js';
import { decodeFlows } from '../../src/flow/batch.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { exportToMemory } from './helpers/export-memory.js';
import { syntheticBatch } from './helpers/flows.js';
import { MemoryTransport } from './helpers/memory-transport.js';

interface Parsed {
  version: number;
  length: number;
  sequence: number;
  domain: number;
  templateSets: number;
  dataRecords: number;
}

/** Header and set ids of a message (our own records: 56/80 bytes IPFIX, 55/79 v9 padded). */
function parse(m: Buffer): Parsed {
  const version = m.readUInt16BE(0);
  const ipfix = version === 10;
  let p = ipfix ? 16 : 20;
  const out: Parsed = {
    version,
    length: m.length,
    sequence: m.readUInt32BE(ipfix ? 8 : 12),
    domain: m.readUInt32BE(ipfix ? 12 : 16),
    templateSets: 0,
    dataRecords: 0,
  };
  while (p + 4 <= m.length) {
    const id = m.readUInt16BE(p);
    const len = m.readUInt16BE(p + 2);
    if (id === (ipfix ? 2 : 0)) out.templateSets++;
    else if (id >= 256) {
      const rec = ipfix ? (id === 256 ? 56 : 80) : id === 256 ? 55 : 79;
      out.dataRecords += Math.floor((len - 4) / rec);
    }
    p += len;
  }
  return out;
}

t.test('messages, sequence numbers, domain, template refresh by count', async (t) => {
  const batch = syntheticBatch(5000);
  for (const [format, mtu] of [
    ['ipfix', 1400],
    ['ipfix', 512],
    ['v9', 1400],
  ] as const) {
    const { messages, exporter } = await exportToMemory([batch], {
      format,
      mtu,
      observationDomain: 77,
      templateRefreshMessages: 50,
    });
    const parsed = messages.map(parse);
    t.ok(
      parsed.every((m) => m.length <= mtu),
      `${format}/${mtu}: ${messages.length} messages, none above ${mtu}`,
    );
    t.ok(
      parsed.every((m) => m.domain === 77),
      'observation domain / source id',
    );
    t.equal(
      parsed.reduce((s, m) => s + m.dataRecords, 0),
      10_000,
      'two records per flow',
    );
    let expect = 0;
    const bad: string[] = [];
    for (const [i, m] of parsed.entries()) {
      if (m.sequence !== expect) bad.push(`message ${i}: ${m.sequence} vs ${expect}`);
      expect += format === 'ipfix' ? m.dataRecords : 1;
    }
    t.same(
      bad.slice(0, 3),
      [],
      format === 'ipfix' ? 'sequence = data records before' : 'sequence = packets before',
    );
    const templates = parsed.filter((m) => m.templateSets > 0).length;
    const data = parsed.length - templates;
    t.equal(templates, Math.ceil(data / 50), `templates every 50 messages (${templates})`);
    t.equal(parsed[0].templateSets, 1, 'templates first');
    t.equal(exporter.stats().targets[0].templateSends, templates);
  }
});

t.test('template refresh by time (UDP)', async (t) => {
  let mem: MemoryTransport | null = null;
  const e = new IpfixExporter(
    {
      targets: [{ host: '127.0.0.1', port: 1, transport: 'udp' }],
      templateRefreshMs: 50,
      templateRefreshMessages: 1e9,
    },
    (s, c) => (mem = new MemoryTransport(s, c.queueMessages, c.mtu)),
  );
  await e.start();
  for (let i = 0; i < 4; i++) {
    e.exportBatch(syntheticBatch(10, i * 10 + 1));
    e.flush();
    await sleep(60);
  }
  await e.stop();
  const parsed = (mem as unknown as MemoryTransport).messages.map(parse);
  t.equal(
    parsed.filter((m) => m.templateSets > 0).length,
    4,
    'a template message before each data message 50 ms apart',
  );
});

t.test(
  'what is exported: ended flows only; interim records as activeTimeout; no empty reverse',
  async (t) => {
    const active = syntheticBatch(10, 1, EndCode.active);
    const interim = syntheticBatch(10, 100, EndCode.activeTimeout);
    const oneWay = syntheticBatch(3, 200, EndCode.idle);
    const v = new DataView(oneWay.buffer);
    for (let i = 0; i < 3; i++) v.setFloat64(i * 144 + 32, 0, true); // dstPackets = 0
    const { messages, exporter } = await exportToMemory([active, interim, oneWay]);
    t.equal(exporter.stats().flows, 13, 'active snapshots are not exported');
    t.equal(exporter.stats().records, 23, 'no reverse record without packets');
    const got: FlowRecord[] = [];
    const c = new FlowCollector({}, (b) => got.push(...decodeFlows(b)));
    for (const m of messages) c.handleDatagram(m, '127.0.0.1', 1);
    c.flush();
    t.equal(
      got.filter((r) => r.endReason === 'active-timeout').length,
      20,
      'interim records: flowEndReason activeTimeout (2)',
    );
    t.equal(got.filter((r) => r.endReason === 'idle').length, 3);
  },
);

t.test('a stalled target drops whole messages, counted, within its queue', async (t) => {
  let mem: MemoryTransport | null = null;
  const e = new IpfixExporter(
    { targets: [{ host: '127.0.0.1', port: 1, transport: 'udp' }], queueMessages: 8 },
    (s, c) => {
      mem = new MemoryTransport(s, c.queueMessages, c.mtu);
      mem.stall = true;
      return mem;
    },
  );
  await e.start();
  e.exportBatch(syntheticBatch(2000));
  e.flush();
  const m = mem as unknown as MemoryTransport;
  const s = e.stats().targets[0];
  t.equal(s.queuedBytes, s.queueLimitBytes, 'queue full');
  t.equal(m.messages.length, 8, 'only as many messages as the queue holds (templates included)');
  t.ok(s.drops['queue-full'] > 3000, `${s.drops['queue-full']} records dropped: queue-full`);
  t.equal(s.records + s.drops['queue-full'], 4000, 'every record sent or counted');
  // the sequence still advances over the dropped records: the collector sees the loss
  const seqs = m.messages.map(parse).filter((x) => x.dataRecords > 0);
  m.drain();
  e.exportBatch(syntheticBatch(10, 5000));
  e.flush();
  const after = parse(m.messages.at(-1) as Buffer);
  t.equal(after.sequence, 4000, 'sequence counts the dropped records too');
  t.ok(seqs.length > 0);
  await e.stop();
});
