/**
 * Decodes every packet of the shared developer corpus (../shared/pcaps, when present) through
 * the capture reader. Asserts: nothing throws, every file decodes a sensible share of its
 * packets to IP, and, for the captures that exercise a particular decoder, the exact counts.
 *
 * These counts were cross-checked packet by packet against tshark 4.0 (with IP reassembly
 * off): the packets we decode to IP are exactly those where tshark shows an IP/IPv6 layer, and
 * the innermost addresses and TCP/UDP ports agree for every one of them except by design:
 * - ICMP errors: tshark shows the quoted packet's layers; we keep the ICMP flow.
 * - zeek_trunc_ip4-trunc and tcpdump_ipv6_invalid_length: tshark shows a malformed IP layer;
 *   a truncated fixed IP header makes no flow here (counted as truncated-ipv4/ipv6).
 * - ndpi_badpackets: IPv4 total length 1500 in frames of 60-300 bytes; we clamp ipBytes to
 *   the frame (and count ip-length-exceeds-frame), tshark reports 1500.
 * - zeek_gtp_ext_header: the outer IPv4 packet is fragmented; we do not descend into a
 *   fragmented outer packet (tshark reassembles first), so both fragments stay the outer flow.
 */
import t from 'tap';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureFileReader } from '../../../src/capture/capture-file.js';
import type { PacketSink } from '../../../src/capture/packet-sink.js';
import {
  DECODE_ERROR_NAMES,
  DecodedPacket,
  decodePacket,
  newDecodeCounters,
  TUNNEL_TYPE_NAMES,
} from '../../../src/workers/decode/index.js';
import { unavailable } from '../../helpers/require.js';
import { reasons } from './helpers/inspect.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const corpusDir = resolve(repoRoot, '..', 'shared', 'pcaps');

class DecodeSink implements PacketSink {
  readonly p = new DecodedPacket();
  readonly counters = newDecodeCounters();
  packets = 0;
  ip = 0;
  threw = 0;
  firstError = '';
  /** 'gre/2' (type/depth) -> packets. */
  readonly tunnels: Record<string, number> = {};
  vlanTagged = 0;
  mpls = 0;
  fragments = 0;
  readonly protos: Record<number, number> = {};

  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    _s: number,
    _n: number,
    link: number,
  ): boolean {
    this.packets++;
    let ok: boolean;
    try {
      ok = decodePacket(data, offset, capLen, wireLen, link, this.p, this.counters);
    } catch (e) {
      this.threw++;
      if (this.firstError === '') this.firstError = `packet ${this.packets}: ${String(e)}`;
      return true;
    }
    const p = this.p;
    if (!ok) return true;
    this.ip++;
    this.protos[p.proto] = (this.protos[p.proto] ?? 0) + 1;
    if (p.tunnelType !== 0) {
      const key = `${TUNNEL_TYPE_NAMES[p.tunnelType]}/${p.tunnelDepth}`;
      this.tunnels[key] = (this.tunnels[key] ?? 0) + 1;
    }
    if (p.vlanTags > 0) this.vlanTagged++;
    if (p.mplsLabel >= 0) this.mpls++;
    if (p.isFragment) this.fragments++;
    return true;
  }

  whenWritable(): Promise<void> {
    return Promise.resolve();
  }
}

interface Expect {
  ip?: number;
  tunnels?: Record<string, number>;
  reasons?: Record<string, number>;
  vlanTagged?: number;
  mpls?: number;
  fragments?: number;
  protos?: Record<number, number>;
}

/** Exact expectations for the captures that exercise one decoder in particular. */
const EXPECT: Record<string, Expect> = {
  'ndpi_6in4tunnel.pcap': { ip: 127, tunnels: { '6in4/1': 127 }, reasons: {} },
  'zeek_6in4.pcap': { ip: 1, tunnels: { '6in4/1': 1 } },
  'zeek_4in6.pcap': { ip: 1, tunnels: { '4in6/1': 1 } },
  'zeek_Teredo.pcap': { ip: 78, tunnels: { 'teredo/1': 4 }, reasons: {} },
  'zeek_erspanIII.pcap': { ip: 2, tunnels: { 'erspan/1': 2 }, protos: { 1: 2 } },
  'zeek_geneve.pcap': { ip: 6, tunnels: { 'geneve/1': 6 } },
  'zeek_gre-sample.pcap': { ip: 40, tunnels: { 'gre/1': 40 }, reasons: {} },
  'zeek_gre-within-gre.pcap': { ip: 628, tunnels: { 'gre/2': 628 }, reasons: {} },
  'zeek_gtp7_ipv6.pcap': { ip: 2, tunnels: { 'gtp-u/1': 2 }, protos: { 17: 1, 58: 1 } },
  'zeek_gtp_ext_header.pcap': { ip: 2, tunnels: {}, fragments: 2, protos: { 17: 2 } },
  // Two of the ten frames carry ARP inside VXLAN: they fall back to the outer UDP flow.
  'zeek_vxlan.pcap': {
    ip: 10,
    tunnels: { 'vxlan/1': 8 },
    reasons: { 'unsupported-tunnel-payload': 2, 'tunnel-fallback': 2 },
  },
  // The one PPTP GRE packet carries LCP: the GRE packet is the flow.
  'tcpdump_pptp.pcap': {
    ip: 23,
    tunnels: {},
    reasons: { 'non-ip': 1, 'tunnel-fallback': 1 },
    protos: { 6: 22, 47: 1 },
  },
  'mercury_pppoe_double_vlan_tagging.pcap': { ip: 428, vlanTagged: 428, reasons: { 'non-ip': 4 } },
  'zeek_q-in-q.pcap': { ip: 4, vlanTagged: 4 },
  'zeek_mixed-vlan-mpls.pcap': { ip: 47, vlanTagged: 14, mpls: 11, reasons: {} },
  'zeek_icmp_dot1q.pcap': { ip: 9, vlanTagged: 9, reasons: { 'non-ip': 6 } },
  'ndpi_badpackets.pcap': { ip: 93, reasons: { 'ip-length-exceeds-frame': 93 } },
  'zeek_trunc_ip4-trunc.pcap': { ip: 0, reasons: { 'truncated-ipv4': 1 } },
  'tcpdump_ipv6_invalid_length.pcap': { ip: 0, reasons: { 'truncated-ipv6': 1 } },
  'zeek_tcp_truncated-header.pcap': { ip: 24, reasons: { 'truncated-tcp': 1 } },
  'zeek_ipv6-mobility-dst-opts.pcap': { ip: 3, reasons: { 'bad-ipv6-extension': 1 } },
  'zeek_icmp-destunreach-udp.pcap': { ip: 1, protos: { 1: 1 } },
  'zeek_icmp6-toobig.pcap': { ip: 1, protos: { 58: 1 } },
  'zeek_icmp-timeexceeded.pcap': { ip: 1, protos: { 1: 1 } },
  'zeek_ipv4_fragmented-1.pcap': { ip: 3, fragments: 3, protos: { 17: 3 } },
  'zeek_ipv6-fragmented-dns.pcap': { ip: 8, reasons: {} },
  'zeek_ipv6-hbh-routing0.pcap': { ip: 1, protos: { 17: 1 } },
  // Two neighbour discovery packets, then TCP behind hop-by-hop, routing, destination options and
  // atomic fragment headers (which are not fragments).
  'zeek_ipv6-http-atomic-frag.pcap': { ip: 38, fragments: 0, protos: { 6: 36, 58: 2 } },
  // Overlapping "tiny" first fragments whose TCP header continues in the next fragment, and
  // garbage fragments whose data offset points past the packet.
  'ndpi_ip_fragmented_garbage.pcap': { ip: 1252, reasons: { 'truncated-tcp': 2, 'bad-tcp-data-offset': 2 } },
  // One ICMP echo whose IPv4 total length (255) exceeds its 100-byte frame.
  'tcpreplay_test.pcap': { ip: 176, reasons: { 'non-ip': 3, 'ip-length-exceeds-frame': 1 } },
  'zeek_ipv6_zero_len_ah.pcap': { ip: 10, reasons: {} },
  'ndpi_sctp.cap': { ip: 4, protos: { 132: 4 } },
  'zeek_radius_localhost.pcap': { ip: 19, protos: { 17: 19 } },
  'suri_http-range-multiflows.pcap': { ip: 614 },
  'zeek_linux_dlt_sll2.pcap': { ip: 4, reasons: { 'non-ip': 2 } },
  'zeek_tcp_timeout-with-pings.pcap': { ip: 15 },
  'zeek_icmp6-mldv2.pcap': { ip: 5, protos: { 58: 5 } },
  'ndpi_ocs.pcap': { ip: 946 },
  'mercury_http_rawip.pcap': { ip: 81 },
};

t.test('every packet of the shared corpus decodes without throwing', async (t) => {
  if (
    unavailable(t, existsSync(corpusDir) ? null : `no shared corpus at ${corpusDir}`, { optionalData: true })
  )
    return;
  const files = readdirSync(corpusDir)
    .filter((f) => /\.(pcap|pcapng|cap)$/.test(f))
    .sort();
  t.ok(files.length > 0, 'corpus has captures');
  let totalPackets = 0;
  let totalIp = 0;
  for (const file of files) {
    const sink = new DecodeSink();
    const reader = new CaptureFileReader(join(corpusDir, file));
    try {
      await reader.open();
      await reader.run(sink);
    } catch (e) {
      t.fail(`${file}: the capture reader failed: ${String(e)}`);
      continue;
    }
    totalPackets += sink.packets;
    totalIp += sink.ip;
    t.equal(sink.threw, 0, `${file}: no throw ${sink.firstError}`);
    const exp = EXPECT[file];
    const got = {
      ip: sink.ip,
      tunnels: sink.tunnels,
      reasons: reasons(sink.counters),
      vlanTagged: sink.vlanTagged,
      mpls: sink.mpls,
      fragments: sink.fragments,
      protos: sink.protos,
    };
    if (exp === undefined) {
      // Ordinary traffic: most of it is IP (the rest ARP, STP, LLDP, NetBIOS over LLC...).
      t.ok(sink.packets > 0, `${file}: has packets`);
      t.ok(sink.ip / sink.packets >= 0.85, `${file}: ${sink.ip}/${sink.packets} decode to IP`);
      const malformed = Object.keys(got.reasons).filter((r) => r !== 'non-ip');
      t.same(malformed, [], `${file}: only non-IP frames fail to decode`);
    } else {
      const subset: Record<string, unknown> = {};
      for (const k of Object.keys(exp) as (keyof Expect)[]) subset[k] = got[k];
      // Counters and tunnels compare exactly; protos by the listed protocols.
      if (exp.protos) {
        const p: Record<number, number> = {};
        for (const proto of Object.keys(exp.protos)) p[Number(proto)] = sink.protos[Number(proto)] ?? 0;
        subset.protos = p;
      }
      t.same(subset, exp, `${file}: ${sink.ip}/${sink.packets} IP`);
    }
  }
  t.ok(totalIp / totalPackets > 0.97, `corpus: ${totalIp}/${totalPackets} packets decode to IP`);
  t.equal(DECODE_ERROR_NAMES[0], 'none');
});
