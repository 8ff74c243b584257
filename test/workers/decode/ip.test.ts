import t from 'tap';
import { ah, ether, ext6, fill, frag6, icmp, ipv4, ipv6, tcp, TcpFlag, udp } from './helpers/build.js';
import { NOTHING, run, v6, type Fields } from './helpers/inspect.js';

const V4: Fields = {
  ...NOTHING,
  ok: true,
  ipVersion: 4,
  src: '192.0.2.1',
  dst: '198.51.100.2',
  ttl: 64,
  etherType: 0x0800,
};
const V6: Fields = {
  ...NOTHING,
  ok: true,
  ipVersion: 6,
  src: v6('2001:db8::1'),
  dst: v6('2001:db8::2'),
  ttl: 64,
  etherType: 0x86dd,
};

t.test('IPv4: header fields, options skipped by IHL', async (t) => {
  const opts = [0x94, 0x04, 0, 0, 0x01, 0x01, 0x01, 0x00]; // router alert + NOPs + EOL: 8 bytes
  const frame = ether(
    0x0800,
    ipv4({ proto: 6, ttl: 3, options: opts, src: '10.1.2.3', dst: '10.4.5.6' }, tcp(1, 2, TcpFlag.SYN)),
  );
  t.same(run(frame), {
    ...V4,
    proto: 6,
    src: '10.1.2.3',
    dst: '10.4.5.6',
    ttl: 3,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    tcpFlags: 2,
    ipBytes: 48,
    payloadOffset: 14 + 28 + 20,
  });
});

t.test('IPv4: DF alone is not a fragment', async (t) => {
  t.same(run(ether(0x0800, ipv4({ proto: 17, df: true, id: 77 }, udp(1, 2)))), {
    ...V4,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 28,
    payloadOffset: 42,
  });
});

t.test('IPv4 fragments: the first has the ports, later ones stop at IP', async (t) => {
  const first = ether(
    0x0800,
    ipv4({ proto: 17, mf: true, id: 0xbeef, totalLength: 1500 }, udp(5000, 53, fill(100), 3000)),
  );
  t.same(run(first, { wireLen: 1514 }), {
    ...V4,
    proto: 17,
    srcPort: 5000,
    dstPort: 53,
    hasPorts: true,
    ipBytes: 1500,
    isFragment: true,
    moreFragments: true,
    fragId: 0xbeef,
    payloadOffset: 42,
  });
  const middle = ether(0x0800, ipv4({ proto: 17, mf: true, fragOffset: 1480, id: 0xbeef }, fill(1480)));
  t.same(run(middle), {
    ...V4,
    proto: 17,
    ipBytes: 1500,
    isFragment: true,
    fragOffset: 1480,
    moreFragments: true,
    fragId: 0xbeef,
  });
  // The last fragment's bytes look like a UDP header: they must not be read as one.
  const last = ether(0x0800, ipv4({ proto: 17, fragOffset: 2960, id: 0xbeef }, udp(1, 2, fill(12))));
  t.same(run(last), { ...V4, proto: 17, ipBytes: 40, isFragment: true, fragOffset: 2960, fragId: 0xbeef });
});

t.test('IPv4: total length 0 (TSO/GSO capture) uses the frame length from wireLen', async (t) => {
  const frame = ether(0x0800, ipv4({ proto: 6, totalLength: 0 }, tcp(80, 9999, TcpFlag.ACK, fill(200))));
  // Captured with a snap length of 96, 64000 bytes on the wire.
  t.same(run(frame, { capLen: 96, wireLen: 64014 }), {
    ...V4,
    proto: 6,
    srcPort: 80,
    dstPort: 9999,
    hasPorts: true,
    tcpFlags: 16,
    ipBytes: 64000,
    payloadOffset: 54,
  });
});

t.test('IPv4: snap length cuts are not errors; lengths beyond the wire frame are', async (t) => {
  const frame = ether(0x0800, ipv4({ proto: 17 }, udp(1, 2, fill(1000))));
  t.same(run(frame, { capLen: 64 }), {
    ...V4,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 1028,
    payloadOffset: 42,
  });
  // Total length 1500 in a 100-byte frame: counted, ipBytes clamped to what was on the wire.
  const lying = ether(0x0800, ipv4({ proto: 17, totalLength: 1500 }, udp(1, 2, fill(58))));
  t.same(run(lying), {
    ...V4,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 86,
    payloadOffset: 42,
    error: 'ip-length-exceeds-frame',
    reasons: { 'ip-length-exceeds-frame': 1 },
  });
});

t.test('IPv4: malformed headers', async (t) => {
  const base = ipv4({ proto: 17 }, udp(1, 2));
  const ihl4 = Uint8Array.from(base);
  ihl4[0] = 0x44;
  t.same(run(ether(0x0800, ihl4)), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'bad-ipv4-header-length',
    reasons: { 'bad-ipv4-header-length': 1 },
  });
  const v7 = Uint8Array.from(base);
  v7[0] = 0x75;
  t.same(run(ether(0x0800, v7)), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'bad-ip-version',
    reasons: { 'bad-ip-version': 1 },
  });
  t.same(run(ether(0x0800, ipv4({ proto: 17, totalLength: 12 }, udp(1, 2)))), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'bad-ipv4-total-length',
    reasons: { 'bad-ipv4-total-length': 1 },
  });
  t.same(run(ether(0x0800, base.subarray(0, 19))), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'truncated-ipv4',
    reasons: { 'truncated-ipv4': 1 },
  });
  // IHL 15 (60 bytes) but only 30 bytes captured: addresses known, a flow without ports.
  const longOpts = ipv4({ proto: 6, options: Array<number>(40).fill(1) }, tcp(1, 2, 2));
  t.same(run(ether(0x0800, longOpts), { capLen: 14 + 30 }), {
    ...V4,
    proto: 6,
    ipBytes: 80,
    error: 'truncated-ipv4',
    reasons: { 'truncated-ipv4': 1 },
  });
});

t.test('IPv6: extension headers are walked to the upper layer', async (t) => {
  const chain = ext6(43, ext6(60, ext6(51, ah(17, udp(7, 8, fill(4)))), 2), 1);
  const frame = ether(0x86dd, ipv6({ nextHeader: 0 }, chain));
  // HBH 8 + routing 16 + dest 8 + AH 24 + UDP 12 = 68
  t.same(run(frame), {
    ...V6,
    proto: 17,
    srcPort: 7,
    dstPort: 8,
    hasPorts: true,
    ipBytes: 108,
    payloadOffset: 14 + 40 + 56 + 8,
  });
});

t.test('IPv6: a zero-length AH (length field 1 → 12 bytes, no ICV)', async (t) => {
  const frame = ether(0x86dd, ipv6({ nextHeader: 51 }, ah(58, icmp(128, 0, 9, 1), 0)));
  t.same(run(frame), {
    ...V6,
    proto: 58,
    srcPort: 128,
    dstPort: 0,
    hasPorts: true,
    icmpType: 128,
    icmpId: 9,
    ipBytes: 60,
    payloadOffset: 14 + 40 + 12 + 8,
  });
});

t.test('IPv6: routing header type 0 keeps the literal destination', async (t) => {
  const rh0 = ext6(17, udp(1, 2), 3, [0, 1, 0, 0, 0, 0, ...Array<number>(16).fill(0x20)]);
  const frame = ether(0x86dd, ipv6({ nextHeader: 43, dst: '2001:db8::99' }, rh0));
  t.same(run(frame), {
    ...V6,
    dst: v6('2001:db8::99'),
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 40 + 24 + 8,
    payloadOffset: 14 + 40 + 24 + 8,
  });
});

t.test('IPv6: stop at ESP and no-next-header; terminal protocols; unknown protocols', async (t) => {
  t.same(run(ether(0x86dd, ipv6({ nextHeader: 60 }, ext6(50, fill(40))))), { ...V6, proto: 50, ipBytes: 88 });
  t.same(run(ether(0x86dd, ipv6({ nextHeader: 59 }, new Uint8Array(0)))), { ...V6, proto: 59, ipBytes: 40 });
  for (const proto of [135, 139, 140, 89, 103, 253]) {
    t.same(
      run(ether(0x86dd, ipv6({ nextHeader: proto }, fill(24)))),
      { ...V6, proto, ipBytes: 64 },
      `proto ${proto}`,
    );
  }
});

t.test('IPv6 fragment header: first, later, atomic', async (t) => {
  const first = ether(
    0x86dd,
    ipv6({ nextHeader: 44 }, frag6(17, 0, true, 0xdeadbeef, udp(53, 5353, fill(100), 3000))),
  );
  t.same(run(first), {
    ...V6,
    proto: 17,
    srcPort: 53,
    dstPort: 5353,
    hasPorts: true,
    ipBytes: 40 + 8 + 108,
    isFragment: true,
    moreFragments: true,
    fragId: 0xdeadbeef,
    payloadOffset: 14 + 48 + 8,
  });
  const later = ether(
    0x86dd,
    ipv6({ nextHeader: 0 }, ext6(44, frag6(17, 1232, false, 0xdeadbeef, udp(1, 2)))),
  );
  t.same(run(later), {
    ...V6,
    proto: 17,
    ipBytes: 40 + 8 + 8 + 8,
    isFragment: true,
    fragOffset: 1232,
    fragId: 0xdeadbeef,
  });
  // RFC 6946 atomic fragment: a whole packet.
  const atomic = ether(0x86dd, ipv6({ nextHeader: 44 }, frag6(6, 0, false, 5, tcp(80, 1234, TcpFlag.ACK))));
  t.same(run(atomic), {
    ...V6,
    proto: 6,
    srcPort: 80,
    dstPort: 1234,
    hasPorts: true,
    tcpFlags: 16,
    ipBytes: 68,
    payloadOffset: 14 + 48 + 20,
  });
});

t.test('IPv6: payload length 0 (jumbogram / BIG TCP) uses the frame length', async (t) => {
  const jumbo = ext6(6, tcp(1, 2, TcpFlag.ACK, fill(100)), 1, [0xc2, 4, 0, 1, 0, 0]);
  t.same(
    run(ether(0x86dd, ipv6({ nextHeader: 0, payloadLength: 0 }, jumbo)), {
      capLen: 200,
      wireLen: 14 + 70040,
    }),
    {
      ...V6,
      proto: 6,
      srcPort: 1,
      dstPort: 2,
      hasPorts: true,
      tcpFlags: 16,
      ipBytes: 70040,
      payloadOffset: 14 + 48 + 20,
    },
  );
});

t.test('IPv6: malformed and truncated', async (t) => {
  t.same(run(ether(0x86dd, ipv6({ nextHeader: 17 }, udp(1, 2)).subarray(0, 39))), {
    ...NOTHING,
    etherType: 0x86dd,
    error: 'truncated-ipv6',
    reasons: { 'truncated-ipv6': 1 },
  });
  const v4inv6 = ipv6({ nextHeader: 17, version: 4 }, udp(1, 2));
  t.same(run(ether(0x86dd, v4inv6)), {
    ...NOTHING,
    etherType: 0x86dd,
    error: 'bad-ip-version',
    reasons: { 'bad-ip-version': 1 },
  });
  // A destination options header longer than the payload length says.
  const overlong = ether(
    0x86dd,
    ipv6({ nextHeader: 60, payloadLength: 16 }, ext6(17, udp(1, 2, fill(8)), 3)),
  );
  t.same(run(overlong), {
    ...V6,
    proto: 60,
    ipBytes: 56,
    error: 'bad-ipv6-extension',
    reasons: { 'bad-ipv6-extension': 1 },
  });
  // Fragment header beyond the payload.
  t.same(run(ether(0x86dd, ipv6({ nextHeader: 44, payloadLength: 4 }, fill(8)))), {
    ...V6,
    proto: 44,
    ipBytes: 44,
    error: 'bad-ipv6-extension',
    reasons: { 'bad-ipv6-extension': 1 },
  });
  // Cut by the snap length inside the extension chain.
  const chain = ether(0x86dd, ipv6({ nextHeader: 0 }, ext6(44, frag6(17, 0, true, 1, udp(1, 2)))));
  t.same(run(chain, { capLen: 14 + 40 + 8 + 4 }), {
    ...V6,
    proto: 44,
    ipBytes: 64,
    error: 'truncated-ipv6',
    reasons: { 'truncated-ipv6': 1 },
  });
  t.same(run(chain, { capLen: 14 + 40 + 1 }), {
    ...V6,
    proto: 0,
    ipBytes: 64,
    error: 'truncated-ipv6',
    reasons: { 'truncated-ipv6': 1 },
  });
  // Payload length beyond the frame: counted and clamped, decoding goes on.
  const lying = ether(0x86dd, ipv6({ nextHeader: 17, payloadLength: 400 }, udp(1, 2, fill(4))));
  t.same(run(lying), {
    ...V6,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 52,
    payloadOffset: 14 + 48,
    error: 'ip-length-exceeds-frame',
    reasons: { 'ip-length-exceeds-frame': 1 },
  });
});
