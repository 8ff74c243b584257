import t from 'tap';
import { LinkType } from '../../../src/workers/decode/index.js';
import { be32, cat, ether, le32, sll, sll2, vlanTag } from './helpers/build.js';
import { TCP6, UDP4, tcp6Fields, udp4Fields } from './helpers/fixtures.js';
import { NOTHING, run } from './helpers/inspect.js';

t.test('Ethernet II', async (t) => {
  t.same(run(ether(0x0800, UDP4)), udp4Fields(14));
  t.same(run(ether(0x86dd, TCP6)), tcp6Fields(14));
});

t.test('Linux SLL (113): 16-byte header, protocol at 14', async (t) => {
  t.same(run(sll(0x0800, UDP4), { linkType: LinkType.linuxSll }), udp4Fields(16));
  t.same(run(sll(0x86dd, TCP6, 772), { linkType: LinkType.linuxSll }), tcp6Fields(16));
  // libpcap re-inserts a stripped 802.1Q tag into cooked captures.
  t.same(run(sll(0x8100, vlanTag(42, 0x0800, UDP4)), { linkType: LinkType.linuxSll }), {
    ...udp4Fields(20),
    vlan: 42,
    vlanTags: 1,
  });
  // ETH_P_802_2 (LLC) frames on a non-Ethernet device: not IP.
  t.same(run(sll(0x0004, UDP4), { linkType: LinkType.linuxSll }), {
    ...NOTHING,
    etherType: 4,
    error: 'non-ip',
    reasons: { 'non-ip': 1 },
  });
  t.same(run(sll(0x0800, UDP4).subarray(0, 15), { linkType: LinkType.linuxSll }), {
    ...NOTHING,
    error: 'truncated-link',
    reasons: { 'truncated-link': 1 },
  });
});

t.test('Linux SLL2 (276): 20-byte header, protocol at 0', async (t) => {
  t.same(run(sll2(0x0800, UDP4), { linkType: LinkType.linuxSll2 }), udp4Fields(20));
  t.same(run(sll2(0x86dd, TCP6), { linkType: LinkType.linuxSll2 }), tcp6Fields(20));
  t.same(run(sll2(0x0806, new Uint8Array(28)), { linkType: LinkType.linuxSll2 }), {
    ...NOTHING,
    etherType: 0x0806,
    error: 'non-ip',
    reasons: { 'non-ip': 1 },
  });
  t.same(run(sll2(0x0800, UDP4).subarray(0, 19), { linkType: LinkType.linuxSll2 }), {
    ...NOTHING,
    error: 'truncated-link',
    reasons: { 'truncated-link': 1 },
  });
});

t.test('raw IP (101, 12, 14): the version nibble decides', async (t) => {
  for (const linkType of [LinkType.raw, LinkType.rawBsd, LinkType.rawOpenBsd]) {
    t.same(run(UDP4, { linkType }), udp4Fields(0), `v4 on ${linkType}`);
    t.same(run(TCP6, { linkType }), tcp6Fields(0), `v6 on ${linkType}`);
  }
  const v5 = Uint8Array.from(UDP4);
  v5[0] = 0x55;
  t.same(run(v5, { linkType: LinkType.raw }), {
    ...NOTHING,
    error: 'bad-ip-version',
    reasons: { 'bad-ip-version': 1 },
  });
  t.same(run(new Uint8Array(0), { linkType: LinkType.raw }), {
    ...NOTHING,
    error: 'truncated-link',
    reasons: { 'truncated-link': 1 },
  });
});

t.test('LINKTYPE_IPV4 (228) and LINKTYPE_IPV6 (229)', async (t) => {
  t.same(run(UDP4, { linkType: LinkType.ipv4 }), udp4Fields(0));
  t.same(run(TCP6, { linkType: LinkType.ipv6 }), tcp6Fields(0));
  // The declared version must match.
  t.same(run(TCP6, { linkType: LinkType.ipv4 }), {
    ...NOTHING,
    etherType: 0x0800,
    error: 'bad-ip-version',
    reasons: { 'bad-ip-version': 1 },
  });
  t.same(run(UDP4, { linkType: LinkType.ipv6 }), {
    ...NOTHING,
    etherType: 0x86dd,
    error: 'bad-ip-version',
    reasons: { 'bad-ip-version': 1 },
  });
});

t.test('BSD NULL (0): family in either byte order', async (t) => {
  const linkType = LinkType.null;
  t.same(run(cat(le32(2), UDP4), { linkType }), udp4Fields(4), 'AF_INET little-endian');
  t.same(run(cat(be32(2), UDP4), { linkType }), udp4Fields(4), 'AF_INET big-endian');
  for (const family of [24, 28, 30]) {
    t.same(run(cat(le32(family), TCP6), { linkType }), tcp6Fields(4), `AF_INET6 ${family} LE`);
    t.same(run(cat(be32(family), TCP6), { linkType }), tcp6Fields(4), `AF_INET6 ${family} BE`);
  }
  t.same(run(cat(le32(23), UDP4), { linkType }), {
    ...NOTHING,
    error: 'non-ip',
    reasons: { 'non-ip': 1 },
  });
  t.same(run(cat(le32(0), UDP4), { linkType }), { ...NOTHING, error: 'non-ip', reasons: { 'non-ip': 1 } });
  t.same(run(Uint8Array.from([2, 0, 0]), { linkType }), {
    ...NOTHING,
    error: 'truncated-link',
    reasons: { 'truncated-link': 1 },
  });
});

t.test('OpenBSD LOOP (108): big-endian family only', async (t) => {
  const linkType = LinkType.loop;
  t.same(run(cat(be32(2), UDP4), { linkType }), udp4Fields(4));
  t.same(run(cat(be32(24), TCP6), { linkType }), tcp6Fields(4));
  // Little-endian 2 read big-endian is 0x02000000: not a family we know.
  t.same(run(cat(le32(2), UDP4), { linkType }), { ...NOTHING, error: 'non-ip', reasons: { 'non-ip': 1 } });
});

t.test('unknown link type', async (t) => {
  for (const linkType of [105, 127, 274, 9999]) {
    t.same(run(ether(0x0800, UDP4), { linkType }), {
      ...NOTHING,
      error: 'unsupported-link-type',
      reasons: { 'unsupported-link-type': 1 },
    });
  }
});

t.test('offset and capLen are honoured', async (t) => {
  const { DecodedPacket, decodePacket, newDecodeCounters } =
    await import('../../../src/workers/decode/index.js');
  const frame = ether(0x0800, UDP4);
  const buf = cat(new Uint8Array(100).fill(0xee), frame, new Uint8Array(50).fill(0xee));
  const p = new DecodedPacket();
  const c = newDecodeCounters();
  t.equal(decodePacket(buf, 100, frame.length, frame.length, 1, p, c), true);
  t.equal(p.srcPort, 1111);
  t.equal(p.payloadOffset, 100 + 14 + 28);
  // capLen past the end of the buffer is clamped to the buffer.
  t.equal(decodePacket(frame, 0, 10_000, 10_000, 1, p, c), true);
  t.equal(p.ipBytes, 32);
  // capLen 0, negative, NaN: nothing is read.
  for (const capLen of [0, -5, NaN]) {
    const c2 = newDecodeCounters();
    t.equal(decodePacket(frame, 0, capLen, 60, 1, p, c2), false);
    t.equal(c2[3], 1, 'truncated-ethernet');
  }
});
