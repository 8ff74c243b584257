import t from 'tap';
import { decodeFlows, FLOW_REC_BYTES, FR, type FlowBatch } from '../../src/flow/batch.js';
import { parseAddress } from '../../src/flow/address.js';
import { EndCode, type FlowRecord } from '../../src/flow/record.js';
import { UniflowPairer } from '../../src/export/collector/uniflow-pairer.js';

interface OneWay {
  src: string;
  dst: string;
  sp?: number;
  dp?: number;
  proto?: number;
  first: number;
  last: number;
  packets: number;
  bytes: number;
  flags?: number;
  end?: number;
  exporter?: number;
  /** ICMP type << 8 | code. */
  icmp?: number;
  /** RFC 5103 reverse counters. */
  revPackets?: number;
}

let nextId = 1;

/** Records as the collector's writer lays them out (one direction each). */
function batch(records: OneWay[]): FlowBatch {
  const buffer = new ArrayBuffer(records.length * FLOW_REC_BYTES);
  const v = new DataView(buffer);
  const b = new Uint8Array(buffer);
  records.forEach((r, i) => {
    const o = i * FLOW_REC_BYTES;
    const src = parseAddress(r.src) as Uint8Array;
    b.set(src, o + FR.srcAddr);
    b.set(parseAddress(r.dst) as Uint8Array, o + FR.dstAddr);
    b[o + FR.ipVersion] = src.length === 16 ? 6 : 4;
    b[o + FR.proto] = r.proto ?? 6;
    v.setFloat64(o + FR.id, nextId++, true);
    v.setFloat64(o + FR.firstSeen, r.first, true);
    v.setFloat64(o + FR.lastSeen, r.last, true);
    v.setFloat64(o + FR.srcPackets, r.packets, true);
    v.setFloat64(o + FR.srcBytes, r.bytes, true);
    v.setFloat64(o + FR.dstPackets, r.revPackets ?? 0, true);
    if (r.icmp !== undefined) {
      v.setUint16(o + FR.dstPort, r.icmp, true);
      b[o + FR.icmpType] = r.icmp >>> 8;
      b[o + FR.icmpCode] = r.icmp & 0xff;
      b[o + FR.isIcmp] = 1;
    } else {
      v.setUint16(o + FR.srcPort, r.sp ?? 0, true);
      v.setUint16(o + FR.dstPort, r.dp ?? 0, true);
    }
    b[o + FR.srcTcpFlags] = r.flags ?? 0;
    b[o + FR.endCode] = r.end ?? EndCode.idle;
    v.setUint16(o + FR.exporterId, r.exporter ?? 1, true);
  });
  return { buffer, count: records.length };
}

function pairer(holdMs = 2000, maxWaiting = 1000): { p: UniflowPairer; out: FlowRecord[] } {
  const out: FlowRecord[] = [];
  const p = new UniflowPairer(holdMs, maxWaiting, (b) => out.push(...decodeFlows(b)));
  return { p, out };
}

const T = 1_700_000_000_000;
const SYN = 0x02;
const SYN_ACK = 0x12;
const ACK_FIN = 0x11;

t.test(
  'a TCP conversation: the side that started first initiates, the reply fills the responder side',
  async (t) => {
    for (const replyFirst of [false, true]) {
      const { p, out } = pairer();
      // A client on a low port (NFS): only the start times tell the sides apart, as the flags of
      // a completed handshake are the same both ways (OR of every packet's).
      const request: OneWay = {
        src: '198.18.0.1',
        dst: '198.18.0.2',
        sp: 800,
        dp: 2049,
        first: T + 5,
        last: T + 900,
        packets: 10,
        bytes: 1000,
        flags: SYN | ACK_FIN,
        end: EndCode.fin,
      };
      const reply: OneWay = {
        src: '198.18.0.2',
        dst: '198.18.0.1',
        sp: 2049,
        dp: 800,
        first: T + 6,
        last: T + 950,
        packets: 8,
        bytes: 9000,
        flags: SYN_ACK | ACK_FIN,
        end: EndCode.fin,
      };
      p.push(batch([replyFirst ? reply : request]), 0);
      t.equal(out.length, 0, 'the first direction waits');
      p.push(batch([replyFirst ? request : reply]), 10);
      t.equal(out.length, 1, 'its reverse completes it at once');
      t.match(out[0], {
        srcAddr: '198.18.0.1',
        srcPort: 800,
        dstAddr: '198.18.0.2',
        dstPort: 2049,
        srcPackets: 10,
        srcBytes: 1000,
        dstPackets: 8,
        dstBytes: 9000,
        firstSeen: T + 5,
        lastSeen: T + 950,
        srcTcpFlags: SYN | ACK_FIN,
        dstTcpFlags: SYN_ACK | ACK_FIN,
        endReason: 'fin',
      });
      t.same(p.stats(), { paired: 1, alone: 0, passed: 0, waiting: 0 });
    }
  },
);

t.test(
  'TCP at equal starts: an unanswered SYN decides, else the higher port is taken for the client',
  async (t) => {
    const { p, out } = pairer();
    p.push(
      batch([
        // Refused: SYN one way, RST-ACK back, in the same millisecond.
        {
          src: '198.18.1.2',
          dst: '198.18.1.1',
          sp: 2049,
          dp: 800,
          first: T,
          last: T,
          packets: 1,
          bytes: 40,
          flags: 0x14,
          end: EndCode.rst,
        },
        {
          src: '198.18.1.1',
          dst: '198.18.1.2',
          sp: 800,
          dp: 2049,
          first: T,
          last: T,
          packets: 1,
          bytes: 60,
          flags: SYN,
          end: EndCode.idle,
        },
        // Completed, same millisecond both ways: the guess.
        {
          src: '198.18.2.2',
          dst: '198.18.2.1',
          sp: 443,
          dp: 40000,
          first: T,
          last: T + 5,
          packets: 3,
          bytes: 300,
          flags: 0x1b,
        },
        {
          src: '198.18.2.1',
          dst: '198.18.2.2',
          sp: 40000,
          dp: 443,
          first: T,
          last: T + 5,
          packets: 4,
          bytes: 400,
          flags: 0x1b,
        },
      ]),
      0,
    );
    t.match(
      out[0],
      { srcAddr: '198.18.1.1', srcPort: 800, dstPort: 2049, endReason: 'rst' },
      'the SYN sender',
    );
    t.match(
      out[1],
      { srcAddr: '198.18.2.1', srcPort: 40000, dstPort: 443, srcPackets: 4, dstPackets: 3 },
      'the higher port',
    );
  },
);

t.test('a flow from an address and port to themselves is not joined with itself', async (t) => {
  const { p, out } = pairer();
  const self: OneWay = {
    src: '198.18.5.5',
    dst: '198.18.5.5',
    sp: 9,
    dp: 9,
    proto: 17,
    first: T,
    last: T,
    packets: 1,
    bytes: 10,
  };
  p.push(batch([self, { ...self, first: T + 1, last: T + 1 }]), 0);
  t.equal(out.length, 1, 'the second record sends the first on, as for any direction');
  t.equal(out[0].dstPackets, 0);
  p.releaseAll();
  t.equal(out.length, 2);
  t.same(p.stats(), { paired: 0, alone: 2, passed: 0, waiting: 0 });
});

t.test('UDP: the earlier side initiates; ICMP: the echo request does', async (t) => {
  const { p, out } = pairer();
  p.push(
    batch([
      {
        src: '2001:db8::2',
        dst: '2001:db8::1',
        sp: 53,
        dp: 5353,
        proto: 17,
        first: T + 2,
        last: T + 2,
        packets: 1,
        bytes: 120,
      },
      {
        src: '2001:db8::1',
        dst: '2001:db8::2',
        sp: 5353,
        dp: 53,
        proto: 17,
        first: T + 1,
        last: T + 1,
        packets: 1,
        bytes: 60,
      },
      {
        src: '198.18.0.9',
        dst: '198.18.0.1',
        proto: 1,
        icmp: 0x0000,
        first: T,
        last: T + 3000,
        packets: 4,
        bytes: 336,
      },
      {
        src: '198.18.0.1',
        dst: '198.18.0.9',
        proto: 1,
        icmp: 0x0800,
        first: T,
        last: T + 3000,
        packets: 4,
        bytes: 336,
      },
    ]),
    0,
  );
  t.equal(out.length, 2);
  t.match(out[0], { srcAddr: '2001:db8::1', srcPort: 5353, dstPort: 53, srcBytes: 60, dstBytes: 120 });
  t.match(out[1], {
    srcAddr: '198.18.0.1',
    dstAddr: '198.18.0.9',
    icmpType: 8,
    icmpCode: 0,
    srcPackets: 4,
    dstPackets: 4,
  });
});

t.test('what has no reverse is stored alone after the hold; nothing is lost or doubled', async (t) => {
  const { p, out } = pairer(2000);
  p.push(
    batch([
      {
        src: '198.18.0.1',
        dst: '198.18.0.2',
        sp: 1000,
        dp: 514,
        proto: 17,
        first: T,
        last: T + 10,
        packets: 3,
        bytes: 300,
      },
      // Another exporter's reverse is another router's view, not this conversation's.
      {
        src: '198.18.0.2',
        dst: '198.18.0.1',
        sp: 514,
        dp: 1000,
        proto: 17,
        first: T,
        last: T + 10,
        packets: 1,
        bytes: 50,
        exporter: 2,
      },
      // A reverse two minutes later is another conversation.
      {
        src: '198.18.0.3',
        dst: '198.18.0.4',
        sp: 7,
        dp: 7,
        proto: 17,
        first: T,
        last: T,
        packets: 1,
        bytes: 10,
      },
    ]),
    0,
  );
  p.push(
    batch([
      {
        src: '198.18.0.4',
        dst: '198.18.0.3',
        sp: 7,
        dp: 7,
        proto: 17,
        first: T + 120_000,
        last: T + 120_000,
        packets: 1,
        bytes: 10,
      },
    ]),
    100,
  );
  t.equal(out.length, 0, 'all wait');
  p.sweep(1999);
  t.equal(out.length, 0, 'within the hold');
  p.sweep(2000);
  t.equal(out.length, 3, 'the first three are stored alone');
  t.ok(out.every((f) => f.dstPackets === 0));
  p.sweep(2100);
  t.equal(out.length, 4);
  t.same(p.stats(), { paired: 0, alone: 4, passed: 0, waiting: 0 });
});

t.test(
  'biflow records pass; a second record of one direction sends the first on; the waiting room is bounded',
  async (t) => {
    const { p, out } = pairer(2000, 2);
    p.push(
      batch([
        {
          src: '198.18.0.1',
          dst: '198.18.0.2',
          sp: 1,
          dp: 2,
          first: T,
          last: T,
          packets: 2,
          bytes: 200,
          revPackets: 1,
        },
      ]),
      0,
    );
    t.equal(out.length, 1, 'a biflow is complete already');
    p.push(
      batch([
        {
          src: '198.18.1.1',
          dst: '198.18.1.2',
          sp: 1,
          dp: 2,
          first: T,
          last: T + 1000,
          packets: 5,
          bytes: 500,
        },
        {
          src: '198.18.1.1',
          dst: '198.18.1.2',
          sp: 1,
          dp: 2,
          first: T + 1000,
          last: T + 2000,
          packets: 6,
          bytes: 600,
        },
      ]),
      0,
    );
    t.equal(out.length, 2, 'the interim record of the same direction is stored as it came');
    t.equal(out[1].srcPackets, 5);
    p.push(
      batch([
        { src: '198.18.2.1', dst: '198.18.2.2', sp: 1, dp: 2, first: T, last: T, packets: 1, bytes: 1 },
      ]),
      0,
    );
    p.push(
      batch([
        { src: '198.18.3.1', dst: '198.18.3.2', sp: 1, dp: 2, first: T, last: T, packets: 1, bytes: 1 },
      ]),
      0,
    );
    t.equal(out.length, 3, 'a full waiting room stores its oldest record');
    t.equal(out[2].srcPackets, 6);
    p.releaseAll();
    t.equal(out.length, 5, 'releaseAll stores the rest');
    t.same(p.stats(), { paired: 0, alone: 4, passed: 1, waiting: 0 });
  },
);
