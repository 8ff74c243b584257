import {
  ah,
  be16,
  be32,
  cat,
  erspan2,
  erspan3,
  ether,
  ext6,
  fill,
  frag6,
  geneve,
  gre,
  greV1,
  gtpu,
  icmp,
  ipv4,
  ipv6,
  le32,
  mpls,
  pppoeSession,
  sctp,
  sll,
  sll2,
  tcp,
  TcpFlag,
  udp,
  vlanTag,
  vxlan,
} from './build.js';

export interface CorpusFrame {
  name: string;
  linkType: number;
  frame: Uint8Array;
}

const udp4 = ipv4({ proto: 17 }, udp(1111, 53, fill(4)));
const tcp4 = ipv4({ proto: 6 }, tcp(40000, 443, TcpFlag.SYN, new Uint8Array(0), 10));
const tcp6 = ipv6({ nextHeader: 6 }, tcp(5555, 443, TcpFlag.ACK, fill(20)));
const o4 = (proto: number, p: Uint8Array) =>
  ether(0x0800, ipv4({ proto, src: '10.0.0.1', dst: '10.0.0.2' }, p));

/** One valid frame of every kind the decoders know: seeds for mutation fuzzing and benchmarks. */
export function corpus(): CorpusFrame[] {
  const e = (name: string, frame: Uint8Array): CorpusFrame => ({ name, linkType: 1, frame });
  return [
    e('eth-ipv4-udp', ether(0x0800, udp4)),
    e('eth-ipv4-tcp', ether(0x0800, tcp4)),
    e('eth-ipv6-tcp', ether(0x86dd, tcp6)),
    e('eth-ipv4-icmp-echo', ether(0x0800, ipv4({ proto: 1 }, icmp(8, 0, 1, 1, fill(32))))),
    e('eth-ipv4-icmp-error', ether(0x0800, ipv4({ proto: 1 }, icmp(3, 3, 0, 0, udp4)))),
    e('eth-ipv6-icmpv6', ether(0x86dd, ipv6({ nextHeader: 58 }, icmp(128, 0, 7, 7)))),
    e('eth-ipv4-sctp', ether(0x0800, ipv4({ proto: 132 }, sctp(1, 2, fill(16))))),
    e('eth-ipv4-options', ether(0x0800, ipv4({ proto: 17, options: [0x94, 4, 0, 0] }, udp(1, 2)))),
    e('eth-ipv4-frag-first', ether(0x0800, ipv4({ proto: 17, mf: true }, udp(1, 2, fill(32), 100)))),
    e('eth-ipv4-frag-later', ether(0x0800, ipv4({ proto: 17, fragOffset: 64 }, fill(36)))),
    e(
      'eth-ipv6-ext',
      ether(0x86dd, ipv6({ nextHeader: 0 }, ext6(43, ext6(60, ext6(51, ah(17, udp(7, 8)))), 2))),
    ),
    e('eth-ipv6-frag', ether(0x86dd, ipv6({ nextHeader: 44 }, frag6(17, 0, true, 99, udp(1, 2, fill(8)))))),
    e('eth-arp', ether(0x0806, fill(28, 0))),
    e('eth-snap', ether(30, cat([0xaa, 0xaa, 3, 0, 0, 0], be16(0x0800), udp4))),
    e('vlan-ipv6-udp', ether(0x8100, vlanTag(10, 0x86dd, ipv6({ nextHeader: 17 }, udp(1, 2, fill(40)))))),
    e('qinq-ipv4', ether(0x88a8, vlanTag(100, 0x8100, vlanTag(10, 0x0800, udp4)))),
    e('mpls-ipv4', ether(0x8847, mpls([16, 17], udp4))),
    e('mpls-pw-eth', ether(0x8847, mpls([16], cat([0, 0, 0, 0], ether(0x0800, udp4))))),
    e('pppoe-ipv6', ether(0x8864, pppoeSession(0x0057, tcp6))),
    e('ipip', o4(4, udp4)),
    e('6in4', o4(41, tcp6)),
    e('4in6', ether(0x86dd, ipv6({ nextHeader: 4 }, udp4))),
    e('gre-key-seq', o4(47, gre({ protocol: 0x0800, checksum: true, key: 5, seq: 6 }, udp4))),
    e('gre-routing', o4(47, gre({ protocol: 0x0800, routing: [8, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0] }, udp4))),
    e('gre-teb', o4(47, gre({ protocol: 0x6558 }, ether(0x8100, vlanTag(5, 0x0800, udp4))))),
    e('gre-mpls', o4(47, gre({ protocol: 0x8847 }, mpls([3], tcp6)))),
    e('erspan2', o4(47, gre({ protocol: 0x88be, seq: 1 }, erspan2(3, ether(0x0800, udp4))))),
    e('erspan3', o4(47, gre({ protocol: 0x22eb, seq: 1 }, erspan3(3, ether(0x0800, udp4), 0, true)))),
    e('pptp', o4(47, greV1(5, cat([0xff, 0x03, 0x00, 0x21], udp4), 1, 2))),
    e('vxlan', o4(17, udp(1, 4789, vxlan(42, ether(0x0800, tcp4))))),
    e('geneve', o4(17, udp(1, 6081, geneve(42, 0x6558, ether(0x86dd, tcp6), 2)))),
    e(
      'gtpu-ext',
      o4(
        17,
        udp(
          2152,
          2152,
          gtpu(
            {
              teid: 9,
              extensions: [
                [0x85, [0, 1]],
                [0x40, Array<number>(6).fill(0)],
              ],
            },
            tcp6,
          ),
        ),
      ),
    ),
    e(
      'teredo',
      o4(
        17,
        udp(
          3544,
          1000,
          cat(
            [0, 0, 1, 2, 3, 4, 5, 6],
            ipv6({ nextHeader: 59, src: '2001:0:1:2:3:4:5:6' }, new Uint8Array(0)),
          ),
        ),
      ),
    ),
    e('gre-in-gre', o4(47, gre({ protocol: 0x0800 }, ipv4({ proto: 47 }, gre({ protocol: 0x86dd }, tcp6))))),
    { name: 'sll', linkType: 113, frame: sll(0x0800, udp4) },
    { name: 'sll2', linkType: 276, frame: sll2(0x86dd, tcp6) },
    { name: 'raw4', linkType: 101, frame: udp4 },
    { name: 'raw6', linkType: 101, frame: tcp6 },
    { name: 'ipv4-link', linkType: 228, frame: tcp4 },
    { name: 'ipv6-link', linkType: 229, frame: tcp6 },
    { name: 'null-le', linkType: 0, frame: cat(le32(2), udp4) },
    { name: 'null-be', linkType: 0, frame: cat(be32(30), tcp6) },
    { name: 'loop', linkType: 108, frame: cat(be32(24), tcp6) },
  ];
}

/** Deterministic PRNG (mulberry32) so that a failing fuzz case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
