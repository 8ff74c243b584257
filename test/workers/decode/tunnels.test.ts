import t from 'tap';
import {
  be16,
  cat,
  erspan2,
  erspan3,
  ether,
  fill,
  geneve,
  gre,
  greV1,
  gtpu,
  ipv4,
  ipv6,
  mpls,
  udp,
  vlanTag,
  vxlan,
} from './helpers/build.js';
import { TCP6, UDP4, tcp6Fields, udp4Fields } from './helpers/fixtures.js';
import { NOTHING, run, v6, type Fields } from './helpers/inspect.js';

const OUT4 = { src: '10.0.0.1', dst: '10.0.0.2', ttl: 200 };
const OUT6 = { src: '2001:db8:ffff::1', dst: '2001:db8:ffff::2', hopLimit: 200 };

/** Ethernet + outer IPv4 (10.0.0.1 -> 10.0.0.2) with `proto`. */
const outer4 = (proto: number, payload: Uint8Array) => ether(0x0800, ipv4({ proto, ...OUT4 }, payload));
const outer6 = (nextHeader: number, payload: Uint8Array) =>
  ether(0x86dd, ipv6({ nextHeader, ...OUT6 }, payload));
/** Outer IPv4 + UDP to `dport`. */
const udpTunnel = (dport: number, payload: Uint8Array, sport = 50000) =>
  outer4(17, udp(sport, dport, payload));

/** `inner` fields plus the outermost-tunnel fields of a tunnel under OUT4. */
function via4(inner: Fields, tunnel: string, tunnelId = 0, tunnelDepth = 1): Fields {
  return {
    ...inner,
    tunnel,
    tunnelId,
    tunnelDepth,
    outerVersion: 4,
    outerSrc: '10.0.0.1',
    outerDst: '10.0.0.2',
  };
}

/** The outer IPv4 flow itself (what a fallback gives). */
function outerFlow4(proto: number, ipBytes: number, extra: Partial<Fields> = {}): Fields {
  return {
    ...NOTHING,
    ok: true,
    ipVersion: 4,
    proto,
    src: '10.0.0.1',
    dst: '10.0.0.2',
    ttl: 200,
    ipBytes,
    etherType: 0x0800,
    ...extra,
  };
}

/** The outer UDP flow of udpTunnel(dport, payload of `payloadLen` bytes). */
function outerUdp4(dport: number, payloadLen: number, extra: Partial<Fields> = {}, sport = 50000): Fields {
  return outerFlow4(17, 28 + payloadLen, {
    srcPort: sport,
    dstPort: dport,
    hasPorts: true,
    payloadOffset: 42,
    ...extra,
  });
}

t.test('IP-in-IP, 6in4, 4in6, 6in6: the flow is the inner packet', async (t) => {
  t.same(run(outer4(4, UDP4)), via4(udp4Fields(34), 'ipip'));
  t.same(run(outer4(41, TCP6)), via4(tcp6Fields(34), '6in4'));
  const fourInSix = run(outer6(4, UDP4));
  t.same(fourInSix, {
    ...udp4Fields(54),
    tunnel: '4in6',
    tunnelDepth: 1,
    outerVersion: 6,
    outerSrc: v6('2001:db8:ffff::1'),
    outerDst: v6('2001:db8:ffff::2'),
  });
  t.same(run(outer6(41, TCP6)), {
    ...tcp6Fields(54),
    tunnel: '6in6',
    tunnelDepth: 1,
    outerVersion: 6,
    outerSrc: v6('2001:db8:ffff::1'),
    outerDst: v6('2001:db8:ffff::2'),
  });
});

t.test(
  'IP-in-IP whose inner packet is not what the protocol says falls back to the outer flow',
  async (t) => {
    t.same(
      run(outer4(4, TCP6)),
      outerFlow4(4, 80, { error: 'bad-ip-version', reasons: { 'bad-ip-version': 1, 'tunnel-fallback': 1 } }),
    );
    t.same(
      run(outer4(41, fill(10, 0x60))),
      outerFlow4(41, 30, { error: 'truncated-ipv6', reasons: { 'truncated-ipv6': 1, 'tunnel-fallback': 1 } }),
    );
  },
);

t.test('GRE version 0: optional fields, key as tunnel id', async (t) => {
  t.same(run(outer4(47, gre({ protocol: 0x0800 }, UDP4))), via4(udp4Fields(38), 'gre'));
  t.same(
    run(outer4(47, gre({ protocol: 0x0800, checksum: true, key: 0xcafe0001, seq: 9 }, UDP4))),
    via4(udp4Fields(50), 'gre', 0xcafe0001),
  );
  t.same(run(outer4(47, gre({ protocol: 0x86dd, seq: 1 }, TCP6))), via4(tcp6Fields(42), 'gre'));
  // RFC 1701 routing: one 4-byte IPv4 SRE + the terminating entry.
  const routing = [0x08, 0x00, 0, 4, 10, 0, 0, 9, 0, 0, 0, 0];
  t.same(run(outer4(47, gre({ protocol: 0x0800, routing }, UDP4))), via4(udp4Fields(34 + 8 + 12), 'gre'));
});

t.test('GRE: transparent Ethernet bridging and MPLS', async (t) => {
  const teb = outer4(47, gre({ protocol: 0x6558, key: 77 }, ether(0x8100, vlanTag(15, 0x0800, UDP4))));
  // The outer frame is untagged: the first VLAN tag seen is the inner frame's.
  t.same(run(teb), { ...via4(udp4Fields(34 + 8 + 18), 'gre', 77), vlan: 15, vlanTags: 1 });
  t.same(run(outer4(47, gre({ protocol: 0x8847 }, mpls([100, 200], UDP4)))), {
    ...via4(udp4Fields(34 + 4 + 8), 'gre'),
    mplsLabel: 100,
  });
});

t.test('GRE: unusable payloads fall back to the outer GRE flow', async (t) => {
  const wccp = gre({ protocol: 0x883e }, fill(30));
  t.same(
    run(outer4(47, wccp)),
    outerFlow4(47, 20 + 34, {
      etherType: 0x0800,
      error: 'unsupported-tunnel-payload',
      reasons: { 'unsupported-tunnel-payload': 1, 'tunnel-fallback': 1 },
    }),
  );
  const v2 = gre({ protocol: 0x0800, version: 2 }, UDP4);
  t.same(
    run(outer4(47, v2)),
    outerFlow4(47, 56, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  t.same(
    run(outer4(47, Uint8Array.from([0, 0, 8]))),
    outerFlow4(47, 23, {
      error: 'truncated-tunnel',
      reasons: { 'truncated-tunnel': 1, 'tunnel-fallback': 1 },
    }),
  );
  // K bit set but the key cut off.
  t.same(
    run(outer4(47, Uint8Array.from([0x20, 0, 8, 0, 1, 2]))),
    outerFlow4(47, 26, {
      error: 'truncated-tunnel',
      reasons: { 'truncated-tunnel': 1, 'tunnel-fallback': 1 },
    }),
  );
  // Inner IPv4 cut: truncated-ipv4 and fall back.
  t.same(
    run(outer4(47, gre({ protocol: 0x0800 }, UDP4.subarray(0, 12)))),
    outerFlow4(47, 36, { error: 'truncated-ipv4', reasons: { 'truncated-ipv4': 1, 'tunnel-fallback': 1 } }),
  );
});

t.test('ERSPAN types I, II and III', async (t) => {
  const mirrored = ether(0x0800, UDP4);
  t.same(run(outer4(47, gre({ protocol: 0x88be }, mirrored))), via4(udp4Fields(38 + 14), 'erspan'), 'type I');
  t.same(
    run(outer4(47, gre({ protocol: 0x88be, seq: 1 }, erspan2(0x155, mirrored)))),
    via4(udp4Fields(42 + 8 + 14), 'erspan', 0x155),
    'type II',
  );
  t.same(
    run(outer4(47, gre({ protocol: 0x22eb, seq: 1 }, erspan3(0x3ff, mirrored)))),
    via4(udp4Fields(42 + 12 + 14), 'erspan', 0x3ff),
    'type III',
  );
  t.same(
    run(outer4(47, gre({ protocol: 0x22eb, seq: 1 }, erspan3(5, mirrored, 0, true)))),
    via4(udp4Fields(42 + 20 + 14), 'erspan', 5),
    'type III with platform subheader',
  );
  t.same(
    run(outer4(47, gre({ protocol: 0x22eb, seq: 1 }, erspan3(6, TCP6, 2)))),
    via4(tcp6Fields(42 + 12), 'erspan', 6),
    'type III, frame type IP',
  );
  const badVersion = erspan2(1, mirrored);
  badVersion[0] = 0x20;
  t.same(
    run(outer4(47, gre({ protocol: 0x88be, seq: 1 }, badVersion))),
    outerFlow4(47, 20 + 8 + 8 + 46, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  t.same(
    run(outer4(47, gre({ protocol: 0x22eb, seq: 1 }, erspan3(6, fill(30), 7)))),
    outerFlow4(47, 20 + 8 + 12 + 30, {
      error: 'unsupported-tunnel-payload',
      reasons: { 'unsupported-tunnel-payload': 1, 'tunnel-fallback': 1 },
    }),
  );
});

t.test('PPTP enhanced GRE (version 1) with PPP', async (t) => {
  // Address/control FF 03 + 2-byte protocol.
  const ppp4 = cat([0xff, 0x03], be16(0x0021), UDP4);
  t.same(run(outer4(47, greV1(0x4000, ppp4, 5))), via4(udp4Fields(34 + 12 + 4), 'gre', 0x4000));
  // Address/control compressed away, protocol field compressed to 1 byte (0x57: IPv6).
  t.same(run(outer4(47, greV1(7, cat([0x57], TCP6), 5, 4))), via4(tcp6Fields(34 + 16 + 1), 'gre', 7));
  // LCP: PPP control, not IP: the GRE packet is the flow.
  const lcp = cat([0xff, 0x03], be16(0xc021), fill(14));
  t.same(
    run(outer4(47, greV1(9, lcp, 1))),
    outerFlow4(47, 20 + 12 + 18, { error: 'non-ip', reasons: { 'non-ip': 1, 'tunnel-fallback': 1 } }),
  );
  // MPPE-compressed datagram (0x00FD): opaque.
  t.same(
    run(outer4(47, greV1(9, cat(be16(0x00fd), fill(40)), 1))),
    outerFlow4(47, 20 + 12 + 42, { error: 'non-ip', reasons: { 'non-ip': 1, 'tunnel-fallback': 1 } }),
  );
  // Acknowledgement only: no payload, nothing wrong.
  t.same(run(outer4(47, greV1(9, new Uint8Array(0), undefined, 3))), outerFlow4(47, 32));
  // Version 1 without the K bit, or with another protocol: not PPTP.
  const bad = greV1(9, ppp4, 1);
  bad[0] &= ~0x20;
  t.same(
    run(outer4(47, bad)),
    outerFlow4(47, 20 + bad.length, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
});

t.test('VXLAN (UDP 4789)', async (t) => {
  const frame = udpTunnel(4789, vxlan(0xabcdef, ether(0x0800, UDP4)));
  t.same(run(frame), via4(udp4Fields(42 + 8 + 14), 'vxlan', 0xabcdef));
  // Outer VLAN wins over the inner frame's.
  const tagged = ether(
    0x8100,
    vlanTag(
      100,
      0x0800,
      ipv4({ proto: 17, ...OUT4 }, udp(50000, 4789, vxlan(5, ether(0x8100, vlanTag(200, 0x0800, UDP4))))),
    ),
  );
  t.same(run(tagged), { ...via4(udp4Fields(46 + 8 + 18), 'vxlan', 5), vlan: 100, vlanTags: 2 });
});

t.test('VXLAN fallbacks: not VXLAN, non-IP inner frame, truncation', async (t) => {
  const noI = vxlan(1, ether(0x0800, UDP4), 0x00);
  t.same(
    run(udpTunnel(4789, noI)),
    outerUdp4(4789, noI.length, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  const arp = vxlan(1, ether(0x0806, fill(28, 0)));
  t.same(
    run(udpTunnel(4789, arp)),
    outerUdp4(4789, arp.length, {
      error: 'unsupported-tunnel-payload',
      reasons: { 'unsupported-tunnel-payload': 1, 'tunnel-fallback': 1 },
    }),
  );
  t.same(
    run(udpTunnel(4789, fill(5, 8))),
    outerUdp4(4789, 5, {
      error: 'truncated-tunnel',
      reasons: { 'truncated-tunnel': 1, 'tunnel-fallback': 1 },
    }),
  );
  const cut = vxlan(1, ether(0x0800, UDP4)).subarray(0, 8 + 10);
  t.same(
    run(udpTunnel(4789, cut)),
    outerUdp4(4789, 18, {
      error: 'truncated-ethernet',
      reasons: { 'truncated-ethernet': 1, 'tunnel-fallback': 1 },
    }),
  );
  // A snap length inside the inner UDP header: still the inner flow, the truncation counted.
  const whole = udpTunnel(4789, vxlan(2, ether(0x0800, UDP4)));
  t.same(run(whole, { capLen: 42 + 8 + 14 + 20 + 5 }), {
    ...via4(udp4Fields(64), 'vxlan', 2),
    payloadOffset: -1,
    error: 'truncated-udp',
    reasons: { 'truncated-udp': 1 },
  });
});

t.test('Geneve (UDP 6081)', async (t) => {
  t.same(
    run(udpTunnel(6081, geneve(0x123456, 0x6558, ether(0x0800, UDP4), 2))),
    via4(udp4Fields(42 + 16 + 14), 'geneve', 0x123456),
  );
  t.same(run(udpTunnel(6081, geneve(9, 0x86dd, TCP6))), via4(tcp6Fields(42 + 8), 'geneve', 9));
  const v1 = geneve(9, 0x0800, UDP4, 0, 1);
  t.same(
    run(udpTunnel(6081, v1)),
    outerUdp4(6081, v1.length, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  // Options length says 20 * 4 bytes, there are 8.
  const longOpts = cat([20, 0], be16(0x0800), [0, 0, 9, 0], fill(8));
  t.same(
    run(udpTunnel(6081, longOpts)),
    outerUdp4(6081, 16, {
      error: 'truncated-tunnel',
      reasons: { 'truncated-tunnel': 1, 'tunnel-fallback': 1 },
    }),
  );
  const unknown = geneve(9, 0x894f, fill(20));
  t.same(
    run(udpTunnel(6081, unknown)),
    outerUdp4(6081, unknown.length, {
      error: 'unsupported-tunnel-payload',
      reasons: { 'unsupported-tunnel-payload': 1, 'tunnel-fallback': 1 },
    }),
  );
});

t.test('GTP-U (UDP 2152)', async (t) => {
  t.same(
    run(udpTunnel(2152, gtpu({ teid: 0xdeadbeef }, UDP4), 2152)),
    via4(udp4Fields(50), 'gtp-u', 0xdeadbeef),
  );
  t.same(run(udpTunnel(2152, gtpu({ teid: 1, seq: 300 }, TCP6))), via4(tcp6Fields(54), 'gtp-u', 1));
  // Extension header chain: PDU session container (0x85, 4 bytes) then a 12-byte one.
  const exts: [number, number[]][] = [
    [0x85, [0x00, 0x01]],
    [0x40, Array<number>(10).fill(0)],
  ];
  t.same(
    run(udpTunnel(2152, gtpu({ teid: 2, extensions: exts }, UDP4))),
    via4(udp4Fields(42 + 12 + 4 + 12), 'gtp-u', 2),
  );
  // Echo request: GTP-U signalling, the outer flow, nothing counted.
  const echo = gtpu({ teid: 0, messageType: 1, seq: 1 }, new Uint8Array(0));
  t.same(run(udpTunnel(2152, echo)), outerUdp4(2152, echo.length));
});

t.test('GTP-U fallbacks', async (t) => {
  const v2 = gtpu({ teid: 5, version: 2 }, UDP4);
  t.same(
    run(udpTunnel(2152, v2)),
    outerUdp4(2152, v2.length, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  const zeroExt = gtpu({ teid: 5, extensions: [[0x85, [0, 1]]] }, UDP4);
  zeroExt[12] = 0; // extension length 0
  t.same(
    run(udpTunnel(2152, zeroExt)),
    outerUdp4(2152, zeroExt.length, {
      error: 'bad-tunnel-header',
      reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
    }),
  );
  const notIp = gtpu({ teid: 5 }, fill(30, 0x11));
  t.same(
    run(udpTunnel(2152, notIp)),
    outerUdp4(2152, notIp.length, {
      error: 'unsupported-tunnel-payload',
      reasons: { 'unsupported-tunnel-payload': 1, 'tunnel-fallback': 1 },
    }),
  );
  const cutExt = gtpu(
    { teid: 5, extensions: [[0x40, Array<number>(10).fill(0)]] },
    new Uint8Array(0),
  ).subarray(0, 16);
  t.same(
    run(udpTunnel(2152, cutExt)),
    outerUdp4(2152, 16, {
      error: 'truncated-tunnel',
      reasons: { 'truncated-tunnel': 1, 'tunnel-fallback': 1 },
    }),
  );
});

t.test('Teredo (UDP 3544): recognised only when the payload is one IPv6 packet', async (t) => {
  const inner = ipv6(
    { nextHeader: 17, src: '2001:0:4136:e378:8000:63bf:3fff:fdd2', dst: '2001:db8::5' },
    udp(1000, 2000, fill(4)),
  );
  const expected = {
    ...NOTHING,
    ok: true,
    ipVersion: 6,
    proto: 17,
    src: v6('2001:0:4136:e378:8000:63bf:3fff:fdd2'),
    dst: v6('2001:db8::5'),
    srcPort: 1000,
    dstPort: 2000,
    hasPorts: true,
    ipBytes: 52,
    ttl: 64,
    etherType: 0x86dd,
  };
  t.same(run(udpTunnel(50123, inner, 3544)), { ...via4(expected, 'teredo'), payloadOffset: 42 + 48 });
  const origin = cat([0, 0], be16(0xffff ^ 3544), [0xff, 0xff, 0xff, 0xfe], inner);
  t.same(run(udpTunnel(3544, origin)), { ...via4(expected, 'teredo'), payloadOffset: 42 + 8 + 48 });
  const auth = cat([0, 1, 2, 3], [9, 9], [7, 7, 7], fill(8, 1), [0], origin);
  t.same(run(udpTunnel(3544, auth)), { ...via4(expected, 'teredo'), payloadOffset: 42 + 18 + 8 + 48 });
  // Not Teredo: DNS-looking payload, or IPv6 whose length does not fill the datagram, or no
  // Teredo address. Plain UDP, nothing counted.
  const dns = fill(40, 0x01);
  t.same(run(udpTunnel(3544, dns)), outerUdp4(3544, 40));
  const padded = cat(inner, [0, 0]);
  t.same(run(udpTunnel(3544, padded)), outerUdp4(3544, padded.length));
  const native = ipv6({ nextHeader: 59, src: '2001:db8::1', dst: '2001:db8::2' }, new Uint8Array(0));
  t.same(run(udpTunnel(3544, native)), outerUdp4(3544, 40));
});

t.test('nested tunnels: the outermost is recorded, the depth counted', async (t) => {
  const innerGre = ipv4(
    { proto: 47, src: '172.16.0.1', dst: '172.16.0.2' },
    gre({ protocol: 0x0800, key: 2 }, UDP4),
  );
  t.same(
    run(outer4(47, gre({ protocol: 0x0800, key: 1 }, innerGre))),
    via4(udp4Fields(34 + 8 + 20 + 8), 'gre', 1, 2),
  );
  const vxlanInGre = outer4(
    47,
    gre(
      { protocol: 0x0800 },
      ipv4({ proto: 17, src: '172.16.0.1', dst: '172.16.0.2' }, udp(1, 4789, vxlan(99, ether(0x86dd, TCP6)))),
    ),
  );
  t.same(run(vxlanInGre), via4(tcp6Fields(34 + 4 + 28 + 8 + 14), 'gre', 0, 2));
});

t.test('tunnel depth is capped', async (t) => {
  // Five IP-in-IP layers around UDP4.
  let pkt = UDP4;
  for (let i = 5; i >= 2; i--) pkt = ipv4({ proto: 4, src: `10.9.${i}.1`, dst: `10.9.${i}.2` }, pkt);
  const frame = outer4(4, pkt);
  // Four tunnels crossed; the fifth is not entered: the flow is the 4th inner packet (proto 4).
  t.same(run(frame), {
    ...NOTHING,
    ok: true,
    ipVersion: 4,
    proto: 4,
    src: '10.9.5.1',
    dst: '10.9.5.2',
    ttl: 64,
    ipBytes: 52,
    etherType: 0x0800,
    tunnel: 'ipip',
    tunnelDepth: 4,
    outerVersion: 4,
    outerSrc: '10.0.0.1',
    outerDst: '10.0.0.2',
    error: 'tunnel-too-deep',
    reasons: { 'tunnel-too-deep': 1 },
  });
});

t.test('a fallback inside a nested tunnel goes back one level only', async (t) => {
  const badVxlan = vxlan(1, ether(0x0800, UDP4), 0);
  const frame = outer4(
    47,
    gre(
      { protocol: 0x0800, key: 3 },
      ipv4({ proto: 17, src: '172.16.0.1', dst: '172.16.0.2', ttl: 9 }, udp(7, 4789, badVxlan)),
    ),
  );
  t.same(run(frame), {
    ...NOTHING,
    ok: true,
    ipVersion: 4,
    proto: 17,
    src: '172.16.0.1',
    dst: '172.16.0.2',
    srcPort: 7,
    dstPort: 4789,
    hasPorts: true,
    ttl: 9,
    ipBytes: 28 + badVxlan.length,
    etherType: 0x0800,
    payloadOffset: 34 + 8 + 28,
    tunnel: 'gre',
    tunnelId: 3,
    tunnelDepth: 1,
    outerVersion: 4,
    outerSrc: '10.0.0.1',
    outerDst: '10.0.0.2',
    error: 'bad-tunnel-header',
    reasons: { 'bad-tunnel-header': 1, 'tunnel-fallback': 1 },
  });
});

t.test('fragmented outer packets are not descended into', async (t) => {
  const first = ether(0x0800, ipv4({ proto: 4, mf: true, id: 5, ...OUT4 }, UDP4));
  t.same(run(first), outerFlow4(4, 52, { isFragment: true, moreFragments: true, fragId: 5 }));
  const udpFirst = ether(
    0x0800,
    ipv4({ proto: 17, mf: true, id: 6, ...OUT4 }, udp(1, 4789, vxlan(1, ether(0x0800, UDP4)), 1400)),
  );
  t.same(
    run(udpFirst),
    outerFlow4(17, udpFirst.length - 14, {
      srcPort: 1,
      dstPort: 4789,
      hasPorts: true,
      payloadOffset: 42,
      isFragment: true,
      moreFragments: true,
      fragId: 6,
    }),
  );
});

t.test('inner lengths are bounded by the outer packet', async (t) => {
  // The inner IPv4 claims 1000 bytes inside a GRE packet that has room for 32.
  const liar = ipv4({ proto: 17, totalLength: 1000 }, udp(1111, 53, fill(4)));
  t.same(run(outer4(47, gre({ protocol: 0x0800 }, liar))), {
    ...via4(udp4Fields(38), 'gre'),
    ttl: 64,
    error: 'ip-length-exceeds-frame',
    reasons: { 'ip-length-exceeds-frame': 1 },
  });
  // Trailing bytes after the outer IP packet (Ethernet padding) are not part of the inner one.
  const padded = cat(outer4(4, UDP4), fill(20, 0xff));
  t.same(run(padded), via4(udp4Fields(34), 'ipip'));
});
