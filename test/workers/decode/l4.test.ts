import t from 'tap';
import { ether, fill, icmp, ipv4, ipv6, sctp, tcp, TcpFlag, udp } from './helpers/build.js';
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
const e4 = (proto: number, l4: Uint8Array) => ether(0x0800, ipv4({ proto }, l4));
const e6 = (nextHeader: number, l4: Uint8Array) => ether(0x86dd, ipv6({ nextHeader }, l4));

t.test('TCP: ports, flags, options', async (t) => {
  const all =
    TcpFlag.FIN |
    TcpFlag.SYN |
    TcpFlag.RST |
    TcpFlag.PSH |
    TcpFlag.ACK |
    TcpFlag.URG |
    TcpFlag.ECE |
    TcpFlag.CWR;
  t.same(run(e4(6, tcp(65535, 1, all, fill(10), 8))), {
    ...V4,
    proto: 6,
    srcPort: 65535,
    dstPort: 1,
    hasPorts: true,
    tcpFlags: 255,
    ipBytes: 20 + 32 + 10,
    payloadOffset: 14 + 20 + 32,
  });
  t.same(run(e6(6, tcp(443, 50000, TcpFlag.FIN | TcpFlag.ACK))), {
    ...V6,
    proto: 6,
    srcPort: 443,
    dstPort: 50000,
    hasPorts: true,
    tcpFlags: 17,
    ipBytes: 60,
    payloadOffset: 14 + 60,
  });
});

t.test('TCP: truncated headers keep what they hold and still make a flow', async (t) => {
  const frame = e4(6, tcp(1234, 80, TcpFlag.SYN, new Uint8Array(0), 10));
  const cut = (n: number) => run(frame, { capLen: 14 + 20 + n });
  const base = { ...V4, proto: 6, ipBytes: 60, error: 'truncated-tcp', reasons: { 'truncated-tcp': 1 } };
  t.same(cut(3), base, '3 bytes: no ports');
  t.same(cut(4), { ...base, srcPort: 1234, dstPort: 80, hasPorts: true }, '4 bytes: ports');
  t.same(cut(13), { ...base, srcPort: 1234, dstPort: 80, hasPorts: true }, '13 bytes: no flags');
  t.same(cut(14), { ...base, srcPort: 1234, dstPort: 80, hasPorts: true, tcpFlags: 2 }, '14 bytes: flags');
  t.same(cut(30), { ...base, srcPort: 1234, dstPort: 80, hasPorts: true, tcpFlags: 2 }, 'options cut');
  t.same(cut(40), {
    ...V4,
    proto: 6,
    ipBytes: 60,
    srcPort: 1234,
    dstPort: 80,
    hasPorts: true,
    tcpFlags: 2,
    payloadOffset: 74,
  });
});

t.test('TCP: bad data offset', async (t) => {
  const small = e4(6, tcp(1, 2, TcpFlag.ACK, fill(8), 3));
  t.same(run(small), {
    ...V4,
    proto: 6,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    tcpFlags: 16,
    ipBytes: 20 + 20 + 8,
    error: 'bad-tcp-data-offset',
    reasons: { 'bad-tcp-data-offset': 1 },
  });
  // Data offset 60 in a 24-byte segment.
  const big = tcp(1, 2, TcpFlag.ACK, fill(4));
  big[12] = 0xf0;
  t.same(run(e4(6, big)), {
    ...V4,
    proto: 6,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    tcpFlags: 16,
    ipBytes: 44,
    error: 'bad-tcp-data-offset',
    reasons: { 'bad-tcp-data-offset': 1 },
  });
  // ...but in a first fragment the header may go on in the next fragment: a truncation.
  const tiny = ether(
    0x0800,
    ipv4({ proto: 6, mf: true }, tcp(1, 2, TcpFlag.SYN, new Uint8Array(0), 10).subarray(0, 16)),
  );
  t.same(run(tiny), {
    ...V4,
    proto: 6,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    tcpFlags: 2,
    ipBytes: 36,
    isFragment: true,
    moreFragments: true,
    fragId: 0x1111,
    error: 'truncated-tcp',
    reasons: { 'truncated-tcp': 1 },
  });
});

t.test('UDP: ports, length checks', async (t) => {
  t.same(run(e4(17, udp(68, 67, fill(300)))), {
    ...V4,
    proto: 17,
    srcPort: 68,
    dstPort: 67,
    hasPorts: true,
    ipBytes: 328,
    payloadOffset: 42,
  });
  const bad = (length: number) => run(e4(17, udp(1, 2, fill(10), length)));
  const expectBad = {
    ...V4,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 38,
    payloadOffset: 42,
    error: 'bad-udp-length',
    reasons: { 'bad-udp-length': 1 },
  };
  t.same(bad(7), expectBad, 'length < 8');
  t.same(bad(0), expectBad, 'length 0 in IPv4');
  t.same(bad(19), expectBad, 'length beyond the IP packet');
  t.same(bad(12), { ...expectBad, error: 'none', reasons: {} }, 'shorter than the IP payload is fine');
  // Length 0 in IPv6 is a jumbogram's.
  t.same(run(e6(17, udp(1, 2, fill(10), 0))), {
    ...V6,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 58,
    payloadOffset: 62,
  });
  const cut = run(e4(17, udp(1, 2, fill(10))), { capLen: 14 + 20 + 6 });
  t.same(cut, {
    ...V4,
    proto: 17,
    srcPort: 1,
    dstPort: 2,
    hasPorts: true,
    ipBytes: 38,
    error: 'truncated-udp',
    reasons: { 'truncated-udp': 1 },
  });
  t.same(run(e4(17, udp(1, 2, fill(10))), { capLen: 14 + 20 + 2 }), {
    ...V4,
    proto: 17,
    ipBytes: 38,
    error: 'truncated-udp',
    reasons: { 'truncated-udp': 1 },
  });
});

t.test('SCTP: ports from the common header', async (t) => {
  t.same(run(e4(132, sctp(2905, 2905, fill(16)))), {
    ...V4,
    proto: 132,
    srcPort: 2905,
    dstPort: 2905,
    hasPorts: true,
    ipBytes: 48,
    payloadOffset: 14 + 20 + 12,
  });
  t.same(run(e6(132, sctp(36412, 38412)), { capLen: 14 + 40 + 8 }), {
    ...V6,
    proto: 132,
    srcPort: 36412,
    dstPort: 38412,
    hasPorts: true,
    ipBytes: 52,
    error: 'truncated-sctp',
    reasons: { 'truncated-sctp': 1 },
  });
  t.same(run(e4(132, sctp(1, 2)), { capLen: 14 + 20 + 3 }), {
    ...V4,
    proto: 132,
    ipBytes: 32,
    error: 'truncated-sctp',
    reasons: { 'truncated-sctp': 1 },
  });
});

t.test('ICMP: type/code in the port fields, ids for echo-style messages', async (t) => {
  const echo = (type: number) => run(e4(1, icmp(type, 0, 0x1234, 7, fill(8))));
  for (const type of [0, 8, 13, 14, 15, 16, 17, 18]) {
    t.same(
      echo(type),
      {
        ...V4,
        proto: 1,
        srcPort: type,
        dstPort: 0,
        hasPorts: true,
        icmpType: type,
        icmpId: 0x1234,
        ipBytes: 36,
        payloadOffset: 42,
      },
      `type ${type}`,
    );
  }
  // Router advertisement (9): no id even though bytes 4-5 are set.
  t.same(echo(9), {
    ...V4,
    proto: 1,
    srcPort: 9,
    hasPorts: true,
    icmpType: 9,
    ipBytes: 36,
    payloadOffset: 42,
  });
});

t.test('ICMP errors belong to the ICMP flow: the quoted packet is never decoded', async (t) => {
  const quoted = ipv4({ proto: 17, src: '198.51.100.2', dst: '203.0.113.9' }, udp(40000, 33434, fill(4)));
  for (const [type, code] of [
    [3, 3],
    [4, 0],
    [5, 1],
    [11, 0],
    [12, 0],
  ]) {
    const frame = ether(
      0x0800,
      ipv4({ proto: 1, src: '10.0.0.254', dst: '198.51.100.2' }, icmp(type, code, 0, 0, quoted)),
    );
    t.same(
      run(frame),
      {
        ...V4,
        proto: 1,
        src: '10.0.0.254',
        dst: '198.51.100.2',
        srcPort: type,
        dstPort: code,
        hasPorts: true,
        icmpType: type,
        icmpCode: code,
        ipBytes: 20 + 8 + 32,
        payloadOffset: 42,
      },
      `type ${type}`,
    );
  }
});

t.test('ICMPv6: echo ids; errors stay ICMPv6', async (t) => {
  for (const type of [128, 129]) {
    t.same(run(e6(58, icmp(type, 0, 0xabcd, 1))), {
      ...V6,
      proto: 58,
      srcPort: type,
      hasPorts: true,
      icmpType: type,
      icmpId: 0xabcd,
      ipBytes: 48,
      payloadOffset: 62,
    });
  }
  const quoted = ipv6({ nextHeader: 6, src: '2001:db8::2', dst: '2001:db8::77' }, tcp(1, 2, TcpFlag.SYN));
  for (const type of [1, 2, 3, 4]) {
    t.same(
      run(e6(58, icmp(type, 1, 0, 0, quoted))),
      {
        ...V6,
        proto: 58,
        srcPort: type,
        dstPort: 1,
        hasPorts: true,
        icmpType: type,
        icmpCode: 1,
        ipBytes: 40 + 8 + 60,
        payloadOffset: 62,
      },
      `type ${type}`,
    );
  }
  // ICMPv4 echo numbers mean nothing in ICMPv6 (type 8 is not echo there).
  t.same(run(e6(58, icmp(8, 0, 5, 5))), {
    ...V6,
    proto: 58,
    srcPort: 8,
    hasPorts: true,
    icmpType: 8,
    ipBytes: 48,
    payloadOffset: 62,
  });
});

t.test('ICMP truncated', async (t) => {
  t.same(run(e4(1, icmp(8, 0, 1, 1)), { capLen: 14 + 20 + 1 }), {
    ...V4,
    proto: 1,
    ipBytes: 28,
    error: 'truncated-icmp',
    reasons: { 'truncated-icmp': 1 },
  });
  t.same(run(e4(1, icmp(8, 0, 0x4242, 1)), { capLen: 14 + 20 + 6 }), {
    ...V4,
    proto: 1,
    srcPort: 8,
    hasPorts: true,
    icmpType: 8,
    icmpId: 0x4242,
    ipBytes: 28,
    error: 'truncated-icmp',
    reasons: { 'truncated-icmp': 1 },
  });
  t.same(run(e6(58, icmp(129, 0, 1, 1)), { capLen: 14 + 40 + 4 }), {
    ...V6,
    proto: 58,
    srcPort: 129,
    hasPorts: true,
    icmpType: 129,
    ipBytes: 48,
    error: 'truncated-icmpv6',
    reasons: { 'truncated-icmpv6': 1 },
  });
  t.same(run(e6(58, icmp(129, 0, 1, 1)), { capLen: 14 + 40 }), {
    ...V6,
    proto: 58,
    ipBytes: 48,
    error: 'truncated-icmpv6',
    reasons: { 'truncated-icmpv6': 1 },
  });
});

t.test('any other IP protocol makes a flow keyed by addresses and protocol', async (t) => {
  for (const proto of [2, 50, 51, 89, 103, 112, 33, 136, 255, 0]) {
    t.same(run(e4(proto, fill(24, 0x11))), { ...V4, proto, ipBytes: 44 }, `proto ${proto}`);
  }
  t.same(run(ether(0x0800, ipv4({ proto: 89 }, new Uint8Array(0)))), { ...V4, proto: 89, ipBytes: 20 });
});
