import t from 'tap';
import { decodeFlows } from '../../src/flow/batch.js';
import type { FlowRecord } from '../../src/flow/record.js';
import { createCounterBuffer, ShardCounter } from '../../src/workers/counters.js';
import { DecodedPacket } from '../../src/workers/decode/packet.js';
import { FlowBatchWriter } from '../../src/workers/flow-batch-writer.js';
import { createFlowTableBuffer, FlowTable } from '../../src/workers/flow-table.js';
import { FlowTracker, type TrackerTimeouts } from '../../src/workers/flow-tracker.js';
import { createFragmentTableBuffer, FragmentTable } from '../../src/workers/fragments.js';

const TIMEOUTS: TrackerTimeouts = {
  idleTcpMs: 300_000,
  idleUdpMs: 120_000,
  idleOtherMs: 60_000,
  lingerMs: 5_000,
  activeMs: 1_800_000,
};

const FIN = 1;
const SYN = 2;
const RST = 4;
const ACK = 16;

class Harness {
  readonly out = new FlowBatchWriter();
  readonly counters = new Float64Array(createCounterBuffer());
  readonly table: FlowTable;
  readonly tracker: FlowTracker;
  readonly p = new DecodedPacket();

  constructor(capacity = 1024, timeouts: TrackerTimeouts = TIMEOUTS) {
    this.table = new FlowTable(createFlowTableBuffer(capacity));
    this.tracker = new FlowTracker(
      this.table,
      new FragmentTable(createFragmentTableBuffer(256)),
      this.counters,
      timeouts,
      3,
      this.out,
    );
  }

  /** A 198.18.0.x -> 198.18.0.y packet. */
  send(
    ts: number,
    src: number,
    dst: number,
    proto: number,
    sp: number,
    dp: number,
    opts: Partial<{
      flags: number;
      bytes: number;
      icmpType: number;
      icmpCode: number;
      icmpId: number;
      frag: [number, number, boolean];
      vlan: number;
    }> = {},
  ): void {
    const p = this.p;
    p.reset();
    p.ipVersion = 4;
    p.proto = proto;
    p.src[0] = 0xc6120000 + src;
    p.dst[0] = 0xc6120000 + dst;
    p.srcPort = sp;
    p.dstPort = dp;
    p.hasPorts = true;
    p.tcpFlags = opts.flags ?? 0;
    p.ipBytes = opts.bytes ?? 100;
    if (proto === 1) {
      p.icmpType = opts.icmpType ?? 8;
      p.icmpCode = opts.icmpCode ?? 0;
      p.icmpId = opts.icmpId ?? 0;
      p.srcPort = p.icmpType;
      p.dstPort = p.icmpCode;
    }
    if (opts.frag) {
      const [id, offset, more] = opts.frag;
      p.isFragment = true;
      p.fragId = id;
      p.fragOffset = offset;
      p.moreFragments = more;
      if (offset > 0) {
        p.hasPorts = false;
        p.srcPort = p.dstPort = 0;
      }
    }
    this.tracker.packet(p, ts, 0, opts.vlan ?? 0);
  }

  flows(): FlowRecord[] {
    return [...decodeFlows(this.out.take())];
  }
}

t.test('TCP: SYN sender is the initiator; FIN both ways ends with fin after the linger', async (t) => {
  const h = new Harness();
  h.send(1000, 1, 2, 6, 40000, 80, { flags: SYN, bytes: 60 });
  h.send(1001, 2, 1, 6, 80, 40000, { flags: SYN | ACK, bytes: 60 });
  h.send(1002, 1, 2, 6, 40000, 80, { flags: ACK, bytes: 52 });
  h.send(1003, 1, 2, 6, 40000, 80, { flags: FIN | ACK, bytes: 52 });
  h.send(1004, 2, 1, 6, 80, 40000, { flags: FIN | ACK, bytes: 52 });
  h.send(1005, 1, 2, 6, 40000, 80, { flags: ACK, bytes: 52 });
  h.tracker.expire(1005 + 4999);
  t.equal(h.flows().length, 0, 'still lingering');
  h.tracker.expire(1005 + 5000);
  const [f] = h.flows();
  t.match(f, {
    srcAddr: '198.18.0.1',
    srcPort: 40000,
    dstAddr: '198.18.0.2',
    dstPort: 80,
    srcPackets: 4,
    srcBytes: 216,
    dstPackets: 2,
    dstBytes: 112,
    srcTcpFlags: SYN | ACK | FIN,
    dstTcpFlags: SYN | ACK | FIN,
    firstSeen: 1000,
    lastSeen: 1005,
    endReason: 'fin',
    state: 'ended',
  });
  t.equal(f.id, String(0 * 64 + 3), 'id carries the shard');
});

t.test('TCP: a SYN-ACK seen first makes its sender the server', async (t) => {
  const h = new Harness();
  h.send(1000, 2, 1, 6, 443, 50000, { flags: SYN | ACK });
  h.send(1001, 1, 2, 6, 50000, 443, { flags: ACK });
  h.tracker.flushAll(6);
  const [f] = h.flows();
  t.match(f, {
    srcAddr: '198.18.0.1',
    srcPort: 50000,
    dstPort: 443,
    srcPackets: 1,
    dstPackets: 1,
    endReason: 'eof',
  });
});

t.test('TCP: a late SYN corrects a mid-stream first guess', async (t) => {
  const h = new Harness();
  h.send(1000, 2, 1, 6, 443, 50000, { flags: ACK });
  h.send(999, 1, 2, 6, 50000, 443, { flags: SYN });
  h.tracker.flushAll(6);
  const [f] = h.flows();
  t.match(f, { srcAddr: '198.18.0.1', srcPackets: 1, dstPackets: 1, firstSeen: 999, lastSeen: 1000 });
  t.equal(h.counters[ShardCounter.orientationSwaps], 1);
});

t.test('TCP: RST ends with rst; a new SYN on the same ports after it is a new flow', async (t) => {
  const h = new Harness();
  h.send(1000, 1, 2, 6, 40000, 80, { flags: SYN });
  h.send(1001, 2, 1, 6, 80, 40000, { flags: RST | ACK });
  h.send(1002, 1, 2, 6, 40000, 80, { flags: SYN });
  h.tracker.flushAll(6);
  const flows = h.flows().sort((a, b) => a.firstSeen - b.firstSeen);
  t.equal(flows.length, 2);
  t.match(flows[0], { endReason: 'rst', srcPackets: 1, dstPackets: 1 });
  t.match(flows[1], { endReason: 'eof', srcPackets: 1, dstPackets: 0 });
  t.equal(h.counters[ShardCounter.tcpPortReuse], 1);
});

t.test('idle timeouts per class in packet time', async (t) => {
  const h = new Harness();
  h.send(0, 1, 2, 17, 5000, 53);
  h.send(0, 1, 3, 6, 5000, 22, { flags: ACK });
  h.send(0, 1, 4, 47, 0, 0);
  h.tracker.expire(60_000);
  t.same(
    h.flows().map((f) => [f.proto, f.endReason]),
    [[47, 'idle']],
  );
  h.tracker.expire(120_000);
  t.same(
    h.flows().map((f) => [f.proto, f.endReason]),
    [[17, 'idle']],
  );
  h.tracker.expire(300_000);
  t.same(
    h.flows().map((f) => [f.proto, f.endReason]),
    [[6, 'idle']],
  );
});

t.test('active timeout splits a long flow into records that add up', async (t) => {
  const h = new Harness(64, { ...TIMEOUTS, activeMs: 10_000 });
  for (let ts = 0; ts < 25_000; ts += 1000) h.send(ts, 1, 2, 17, 1000, 2000, { bytes: 10 });
  h.tracker.flushAll(6);
  const flows = h.flows();
  t.same(
    flows.map((f) => f.endReason),
    ['active-timeout', 'active-timeout', 'eof'],
  );
  t.equal(
    flows.reduce((s, f) => s + f.srcPackets, 0),
    25,
  );
  t.equal(new Set(flows.map((f) => f.id)).size, 3, 'each record has its own id');
});

t.test(
  'ICMP echo request and reply are one flow; the reply seen first still names the requester',
  async (t) => {
    const h = new Harness();
    h.send(0, 2, 1, 1, 0, 0, { icmpType: 0, icmpId: 7 });
    h.send(1, 1, 2, 1, 0, 0, { icmpType: 8, icmpId: 7 });
    h.send(2, 2, 1, 1, 0, 0, { icmpType: 0, icmpId: 7 });
    h.send(3, 1, 2, 1, 0, 0, { icmpType: 8, icmpId: 9 });
    h.send(4, 3, 1, 1, 0, 0, { icmpType: 3, icmpCode: 3 });
    h.tracker.flushAll(6);
    const flows = h.flows().sort((a, b) => a.firstSeen - b.firstSeen);
    t.equal(flows.length, 3);
    t.match(flows[0], {
      srcAddr: '198.18.0.1',
      dstAddr: '198.18.0.2',
      srcPackets: 1,
      dstPackets: 2,
      icmpType: 8,
      dstPort: 2048,
    });
    t.match(flows[1], { srcPackets: 1, dstPackets: 0, icmpType: 8 }, 'another echo id is another flow');
    t.match(flows[2], { srcAddr: '198.18.0.3', icmpType: 3, icmpCode: 3, dstPort: 771 });
  },
);

t.test('fragments: later fragments join the first one, also when they come before it', async (t) => {
  const h = new Harness();
  h.send(0, 1, 2, 17, 5353, 53, { frag: [77, 0, true], bytes: 1500 });
  h.send(1, 1, 2, 17, 0, 0, { frag: [77, 1480, false], bytes: 500 });
  h.send(2, 1, 2, 17, 0, 0, { frag: [78, 1480, false], bytes: 300 });
  h.send(3, 1, 2, 17, 5353, 53, { frag: [78, 0, true], bytes: 1500 });
  h.send(4, 2, 1, 17, 53, 5353, { bytes: 80 });
  h.tracker.flushAll(6);
  const flows = h.flows();
  t.equal(flows.length, 1);
  t.match(flows[0], {
    srcPort: 5353,
    dstPort: 53,
    srcPackets: 4,
    srcBytes: 3800,
    dstPackets: 1,
    firstSeen: 0,
    lastSeen: 4,
  });
  t.equal(h.counters[ShardCounter.fragmentsEarlySettled], 1);
});

t.test('fragments whose first fragment never comes go to a port-less flow, not lost', async (t) => {
  const h = new Harness();
  h.send(0, 1, 2, 17, 0, 0, { frag: [5, 1480, false], bytes: 200 });
  h.tracker.expire(31_000);
  h.tracker.flushAll(6);
  const flows = h.flows();
  t.equal(flows.length, 1);
  t.match(flows[0], { proto: 17, srcPort: 0, dstPort: 0, srcPackets: 1, srcBytes: 200 });
  t.equal(h.counters[ShardCounter.fragmentsOrphaned], 1);
});

t.test('a full table evicts the least recently seen flow and counts it', async (t) => {
  const h = new Harness(16);
  for (let i = 0; i < 20; i++) h.send(i, 1, 100 + i, 17, 1000, 53);
  t.equal(h.table.count, 16);
  t.equal(h.counters[ShardCounter.evictions], 4);
  const evicted = h.flows();
  t.same(
    evicted.map((f) => f.dstAddr),
    ['198.18.0.100', '198.18.0.101', '198.18.0.102', '198.18.0.103'],
  );
  t.ok(evicted.every((f) => f.endReason === 'evicted'));
});

t.test('VLAN is part of the key', async (t) => {
  const h = new Harness();
  h.send(0, 1, 2, 17, 1, 2, { vlan: 10 });
  h.send(1, 2, 1, 17, 2, 1, { vlan: 20 });
  h.tracker.flushAll(6);
  t.same(
    h
      .flows()
      .map((f) => f.vlan)
      .sort(),
    [10, 20],
  );
});

t.test('snapshots carry only the flows changed since the last one', async (t) => {
  const h = new Harness();
  h.send(0, 1, 2, 17, 1, 2);
  h.send(1, 1, 3, 17, 1, 2);
  h.send(2, 1, 4, 17, 1, 2);
  h.tracker.snapshotActive();
  t.equal(h.flows().length, 3, 'first snapshot: every new flow');
  h.tracker.snapshotActive();
  t.equal(h.flows().length, 0, 'nothing changed');
  h.send(3, 3, 1, 17, 2, 1);
  h.tracker.snapshotActive();
  const changed = h.flows();
  t.equal(changed.length, 1);
  t.match(changed[0], { dstAddr: '198.18.0.3', dstPackets: 1, state: 'active', endReason: null });
  h.tracker.snapshotActive(true);
  t.equal(h.flows().length, 3, 'all: every active flow');
});
