import type { ExporterInfo } from './exporters.js';

/** The flow record contract of DESIGN.md: the same fields in NDJSON, REST, Socket.IO and IPFIX. */
export const END_REASONS = ['idle', 'fin', 'rst', 'active-timeout', 'evicted', 'eof', 'shutdown'] as const;
export type EndReason = (typeof END_REASONS)[number];

/** Numeric codes used in typed arrays; 0 means the flow is still active. */
export const EndCode = {
  active: 0,
  idle: 1,
  fin: 2,
  rst: 3,
  activeTimeout: 4,
  evicted: 5,
  eof: 6,
  shutdown: 7,
} as const;

export function endReasonName(code: number): EndReason | null {
  return code >= 1 && code <= END_REASONS.length ? END_REASONS[code - 1] : null;
}

export interface TunnelInfo {
  type: string;
  srcAddr: string;
  dstAddr: string;
  /** VXLAN/Geneve VNI, GTP-U TEID or GRE key; 0 when the tunnel has none. */
  id: number;
}

export interface FlowRecord {
  id: string;
  proto: number;
  srcAddr: string;
  srcPort: number;
  dstAddr: string;
  dstPort: number;
  vlan: number;
  srcPackets: number;
  srcBytes: number;
  dstPackets: number;
  dstBytes: number;
  firstSeen: number;
  lastSeen: number;
  srcTcpFlags: number;
  dstTcpFlags: number;
  state: 'active' | 'ended';
  endReason: EndReason | null;
  communityId: string;
  ipVersion: 4 | 6;
  /** ICMP/ICMPv6 type and code of the initiator's first packet (null for other protocols). */
  icmpType: number | null;
  icmpCode: number | null;
  /** Outermost tunnel the flow was carried in, null when not tunnelled. */
  tunnel: TunnelInfo | null;
  /** pcapng interface id or live ifindex of the first packet (NetFlow/IPFIX: ingress interface). */
  ifIndex: number;
  /** The NetFlow/IPFIX exporter the flow came from; null for flows captured here. */
  exporter: ExporterInfo | null;
}
