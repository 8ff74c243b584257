/**
 * The decoded view of one packet: a preallocated struct that every layer decoder writes into.
 * One instance per worker (or per reader), reused for every packet: decoders never allocate.
 *
 * Addresses are kept as four 32-bit words in network order (word 0 = first four bytes).
 * IPv4 uses word 0 only; the others stay 0.
 */
export class DecodedPacket {
  /** 0 = nothing decodable at L3 (non-IP or error before the IP header), 4 or 6. */
  ipVersion = 0;
  /** IANA protocol number of the flow layer (inner packet for tunnels). */
  proto = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  /** TCP/UDP/SCTP ports; ICMP: srcPort = type, dstPort = code (the flow table normalises echo pairs). */
  srcPort = 0;
  dstPort = 0;
  /** true when the L4 header was long enough to read the ports (or type/code). */
  hasPorts = false;
  /** TCP flags byte (FIN=1 SYN=2 RST=4 PSH=8 ACK=16 URG=32 ECE=64 CWR=128), 0 otherwise. */
  tcpFlags = 0;
  /** Bytes of the flow-layer IP packet as on the wire: IPv4 total length, IPv6 40 + payload length. */
  ipBytes = 0;
  /** IPv4 TTL / IPv6 hop limit of the flow-layer packet. */
  ttl = 0;
  /** Outer VLAN id (first tag seen, 802.1Q or 802.1ad), 0 when untagged. */
  vlan = 0;
  /** Number of VLAN tags crossed (all layers, inner Ethernet of tunnels included). */
  vlanTags = 0;
  /** Top label of the first MPLS label stack seen (20 bits), -1 when none. */
  mplsLabel = -1;
  /**
   * EtherType of the last L2 payload identified: 0x0800 / 0x86DD for IP packets; for non-IP frames
   * what they were (0x0806 ARP, 0x88CC LLDP, ...; 0 for 802.3/LLC or non-IP PPP). Decoders also use
   * it to hand the next layer's type to the dispatcher.
   */
  etherType = 0;
  /** ICMP / ICMPv6 type and code when proto is 1 or 58, else 0. */
  icmpType = 0;
  icmpCode = 0;
  /** ICMP echo-style identifier (echo, timestamp, info, ICMPv6 echo), else 0. */
  icmpId = 0;

  // IP fragments (v4 and v6 fragment header).
  isFragment = false;
  /** Fragment offset in bytes; > 0 means a later fragment without L4 header. */
  fragOffset = 0;
  moreFragments = false;
  /** IPv4 identification (16 bits) or IPv6 fragment identification (32 bits). */
  fragId = 0;

  // Tunnels: the flow is the inner packet; the outermost tunnel is remembered here.
  /** TunnelType value of the outermost tunnel, 0 = not tunnelled. */
  tunnelType = 0;
  /** VXLAN/Geneve VNI, GTP-U TEID, GRE key; 0 when absent. */
  tunnelId = 0;
  /** IP version of the outer header of the outermost tunnel (4 or 6). */
  outerVersion = 0;
  readonly outerSrc = new Uint32Array(4);
  readonly outerDst = new Uint32Array(4);
  /** Number of tunnel layers crossed. */
  tunnelDepth = 0;

  /** Offset in the buffer of the L4 payload (after TCP/UDP/... header), -1 if unknown. Used for L7 hints. */
  payloadOffset = -1;
  /** DecodeError value of the first problem met (0 = none). The packet may still be usable. */
  error = 0;

  reset(): void {
    this.ipVersion = 0;
    this.proto = 0;
    this.src[0] = this.src[1] = this.src[2] = this.src[3] = 0;
    this.dst[0] = this.dst[1] = this.dst[2] = this.dst[3] = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.hasPorts = false;
    this.tcpFlags = 0;
    this.ipBytes = 0;
    this.ttl = 0;
    this.vlan = 0;
    this.vlanTags = 0;
    this.mplsLabel = -1;
    this.etherType = 0;
    this.icmpType = 0;
    this.icmpCode = 0;
    this.icmpId = 0;
    this.isFragment = false;
    this.fragOffset = 0;
    this.moreFragments = false;
    this.fragId = 0;
    this.tunnelType = 0;
    this.tunnelId = 0;
    this.outerVersion = 0;
    this.outerSrc[0] = this.outerSrc[1] = this.outerSrc[2] = this.outerSrc[3] = 0;
    this.outerDst[0] = this.outerDst[1] = this.outerDst[2] = this.outerDst[3] = 0;
    this.tunnelDepth = 0;
    this.payloadOffset = -1;
    this.error = 0;
  }
}

export const TunnelType = {
  none: 0,
  ipip: 1, // IPv4 in IPv4 (proto 4)
  sixInFour: 2, // IPv6 in IPv4 (proto 41)
  fourInSix: 3, // IPv4 in IPv6 (next header 4)
  sixInSix: 4, // IPv6 in IPv6 (next header 41)
  gre: 5,
  vxlan: 6,
  geneve: 7,
  gtpu: 8,
  erspan: 9,
  teredo: 10,
  mpls: 11, // reserved: MPLS is a label stack, not a tunnel; kept for completeness of the name table
} as const;

export const TUNNEL_TYPE_NAMES: readonly string[] = [
  '',
  'ipip',
  '6in4',
  '4in6',
  '6in6',
  'gre',
  'vxlan',
  'geneve',
  'gtp-u',
  'erspan',
  'teredo',
  'mpls',
];
