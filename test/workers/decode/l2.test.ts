import t from 'tap';
import { be16, cat, ether, fill, mpls, pppoeSession, vlanTag } from './helpers/build.js';
import { TCP6, UDP4, tcp6Fields, udp4Fields } from './helpers/fixtures.js';
import { NOTHING, run } from './helpers/inspect.js';

const nonIp = (etherType: number) => ({ ...NOTHING, etherType, error: 'non-ip', reasons: { 'non-ip': 1 } });

t.test('Ethernet: non-IP EtherTypes are counted as non-ip, not malformed', async (t) => {
  t.same(run(ether(0x0806, fill(28, 0))), nonIp(0x0806), 'ARP');
  t.same(run(ether(0x88cc, fill(40, 0))), nonIp(0x88cc), 'LLDP');
  t.same(run(ether(0x8863, fill(20, 0))), nonIp(0x8863), 'PPPoE discovery');
  t.same(run(ether(0x9000, fill(40, 0))), nonIp(0x9000), 'loopback test');
});

t.test('Ethernet: 802.3 length field with LLC, and SNAP', async (t) => {
  // STP: 802.3 length + LLC 42 42 03.
  t.same(run(ether(38, cat([0x42, 0x42, 0x03], fill(35, 0)))), nonIp(0), 'STP');
  // RFC 1042 SNAP with OUI 0 carries an EtherType.
  const snap = cat([0xaa, 0xaa, 0x03, 0, 0, 0], be16(0x0800), UDP4);
  t.same(run(ether(snap.length, snap)), udp4Fields(22), 'SNAP IPv4');
  // SNAP with a vendor OUI (e.g. Cisco CDP): not IP.
  const cdp = cat([0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c], be16(0x2000), fill(30, 0));
  t.same(run(ether(cdp.length, cdp)), nonIp(0), 'CDP');
});

t.test('Ethernet: truncated header', async (t) => {
  for (const n of [0, 1, 13]) {
    t.same(run(ether(0x0800, UDP4).subarray(0, n)), {
      ...NOTHING,
      error: 'truncated-ethernet',
      reasons: { 'truncated-ethernet': 1 },
    });
  }
  // Exactly a header and nothing more: the IPv4 decoder finds nothing.
  t.same(run(ether(0x0800, new Uint8Array(0))), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'truncated-ipv4',
    reasons: { 'truncated-ipv4': 1 },
  });
});

t.test('Ethernet padding does not change ipBytes or the L4 decode', async (t) => {
  // 14 + 32 bytes is below the 60-byte minimum: the NIC pads with zeros (or garbage).
  const padded = cat(ether(0x0800, UDP4), fill(14, 0xff));
  t.same(run(padded), udp4Fields(14));
});

t.test('802.1Q, 802.1ad and 0x9100 stacks keep the OUTERMOST VLAN id', async (t) => {
  t.same(run(ether(0x8100, vlanTag(100, 0x0800, UDP4))), { ...udp4Fields(18), vlan: 100, vlanTags: 1 });
  // PCP and DEI bits do not leak into the id.
  t.same(run(ether(0x8100, vlanTag(4094, 0x86dd, TCP6, 7, 1))), {
    ...tcp6Fields(18),
    vlan: 4094,
    vlanTags: 1,
  });
  // QinQ: S-tag 200 (0x88a8) outside, C-tag 10 inside.
  const qinq = ether(0x88a8, vlanTag(200, 0x8100, vlanTag(10, 0x0800, UDP4)));
  t.same(run(qinq), { ...udp4Fields(22), vlan: 200, vlanTags: 2 });
  // Old-style 0x9100 QinQ, three deep.
  const triple = ether(0x9100, vlanTag(3, 0x9100, vlanTag(2, 0x8100, vlanTag(1, 0x0800, UDP4))));
  t.same(run(triple), { ...udp4Fields(26), vlan: 3, vlanTags: 3 });
  // A priority tag (VID 0) outside: the flow's VLAN is 0, the first tag seen.
  t.same(run(ether(0x8100, vlanTag(0, 0x8100, vlanTag(5, 0x0800, UDP4)))), {
    ...udp4Fields(22),
    vlan: 0,
    vlanTags: 2,
  });
  // ARP in a VLAN: non-IP, but the VLAN is known.
  t.same(run(ether(0x8100, vlanTag(7, 0x0806, fill(28, 0)))), { ...nonIp(0x0806), vlan: 7, vlanTags: 1 });
});

t.test('VLAN: truncated tag', async (t) => {
  t.same(run(ether(0x8100, Uint8Array.from([0, 100, 8]))), {
    ...NOTHING,
    etherType: 0x8100,
    error: 'truncated-vlan',
    reasons: { 'truncated-vlan': 1 },
  });
  // Stacked tags with the inner one cut.
  t.same(run(ether(0x88a8, cat(be16(9), be16(0x8100), [0, 1]))), {
    ...NOTHING,
    vlan: 9,
    vlanTags: 1,
    etherType: 0x8100,
    error: 'truncated-vlan',
    reasons: { 'truncated-vlan': 1 },
  });
});

t.test('MPLS: label stack to bottom of stack, then the first nibble', async (t) => {
  t.same(run(ether(0x8847, mpls([16], UDP4))), { ...udp4Fields(18), mplsLabel: 16 }, 'one label, IPv4');
  t.same(
    run(ether(0x8847, mpls([1000, 2000, 0xfffff], TCP6))),
    { ...tcp6Fields(26), mplsLabel: 1000 },
    'three labels, IPv6',
  );
  t.same(run(ether(0x8848, mpls([77], UDP4))), { ...udp4Fields(18), mplsLabel: 77 }, 'multicast MPLS');
  // VLAN then MPLS.
  t.same(run(ether(0x8100, vlanTag(30, 0x8847, mpls([5, 6], UDP4)))), {
    ...udp4Fields(26),
    vlan: 30,
    vlanTags: 1,
    mplsLabel: 5,
  });
  // Ethernet pseudowire with control word (first nibble 0), the inner frame VLAN-tagged.
  const pw = mpls([300, 400], cat([0, 0, 0, 0], ether(0x8100, vlanTag(12, 0x0800, UDP4))));
  t.same(run(ether(0x8847, pw)), { ...udp4Fields(14 + 8 + 4 + 18), mplsLabel: 300, vlan: 12, vlanTags: 1 });
});

t.test('MPLS: unknown payload and truncation', async (t) => {
  // First nibble 1: PW associated channel (G-ACh), not something we decode.
  t.same(run(ether(0x8847, mpls([16], cat([0x10, 0, 0, 0], fill(20))))), {
    ...NOTHING,
    etherType: 0x8847,
    mplsLabel: 16,
    error: 'unknown-mpls-payload',
    reasons: { 'unknown-mpls-payload': 1 },
  });
  // No bottom of stack before the end.
  const noBottom = ether(0x8847, Uint8Array.from([0, 1, 0, 64, 0, 2, 0, 64]));
  t.same(run(noBottom), {
    ...NOTHING,
    etherType: 0x8847,
    mplsLabel: 16,
    error: 'truncated-mpls',
    reasons: { 'truncated-mpls': 1 },
  });
  // Bottom of stack and nothing after it.
  t.same(run(ether(0x8847, mpls([16], new Uint8Array(0)))), {
    ...NOTHING,
    etherType: 0x8847,
    mplsLabel: 16,
    error: 'truncated-mpls',
    reasons: { 'truncated-mpls': 1 },
  });
  // Control word cut short.
  t.same(run(ether(0x8847, mpls([16], Uint8Array.from([0, 0])))), {
    ...NOTHING,
    etherType: 0x8847,
    mplsLabel: 16,
    error: 'truncated-mpls',
    reasons: { 'truncated-mpls': 1 },
  });
});

t.test('PPPoE session: PPP IPv4 and IPv6', async (t) => {
  t.same(run(ether(0x8864, pppoeSession(0x0021, UDP4))), udp4Fields(22));
  // As in access networks: QinQ then PPPoE then IPv6.
  const frame = ether(0x88a8, vlanTag(1401, 0x8100, vlanTag(7, 0x8864, pppoeSession(0x0057, TCP6))));
  t.same(run(frame), { ...tcp6Fields(30), vlan: 1401, vlanTags: 2 });
});

t.test('PPPoE session: PPP control is non-ip; bad and truncated headers', async (t) => {
  for (const proto of [0xc021, 0x8021, 0x8057, 0x80fd]) {
    t.same(run(ether(0x8864, pppoeSession(proto, fill(10)))), nonIp(0), `PPP protocol ${proto.toString(16)}`);
  }
  const bad = ether(0x8864, pppoeSession(0x0021, UDP4));
  bad[14] = 0x21;
  t.same(run(bad), {
    ...NOTHING,
    etherType: 0x8864,
    error: 'bad-pppoe-header',
    reasons: { 'bad-pppoe-header': 1 },
  });
  t.same(run(ether(0x8864, Uint8Array.from([0x11, 0, 0, 1, 0]))), {
    ...NOTHING,
    etherType: 0x8864,
    error: 'truncated-pppoe',
    reasons: { 'truncated-pppoe': 1 },
  });
  t.same(run(ether(0x8864, Uint8Array.from([0x11, 0, 0, 1, 0, 2, 0]))), {
    ...NOTHING,
    etherType: 0x8864,
    error: 'truncated-ppp',
    reasons: { 'truncated-ppp': 1 },
  });
});
