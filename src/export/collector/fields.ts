import { IE, REVERSE_PEN } from '../ipfix/ie.js';

/** What a template field is used for (one small number per field, looked up once per template). */
export const Role = {
  skip: 0,
  src4: 1,
  dst4: 2,
  src6: 3,
  dst6: 4,
  srcPort: 5,
  dstPort: 6,
  proto: 7,
  tcpFlags: 8,
  bytes: 9,
  packets: 10,
  totalBytes: 11,
  totalPackets: 12,
  startMs: 13,
  endMs: 14,
  startSec: 15,
  endSec: 16,
  startUptime: 17,
  endUptime: 18,
  startNtp: 19,
  endNtp: 20,
  startDeltaUs: 21,
  endDeltaUs: 22,
  vlan: 23,
  dot1qVlan: 24,
  ifIndex: 25,
  endReason: 26,
  icmpTypeCode: 27,
  icmpType: 28,
  icmpCode: 29,
  samplerId: 30,
  rate: 31,
  pktInterval: 32,
  pktSpace: 33,
  systemInitMs: 34,
  revBytes: 35,
  revPackets: 36,
  revTcpFlags: 37,
} as const;

const IANA = new Uint8Array(512);
IANA[IE.octetDeltaCount] = Role.bytes;
IANA[IE.packetDeltaCount] = Role.packets;
IANA[IE.protocolIdentifier] = Role.proto;
IANA[IE.tcpControlBits] = Role.tcpFlags;
IANA[IE.sourceTransportPort] = Role.srcPort;
IANA[IE.sourceIPv4Address] = Role.src4;
IANA[IE.ingressInterface] = Role.ifIndex;
IANA[IE.destinationTransportPort] = Role.dstPort;
IANA[IE.destinationIPv4Address] = Role.dst4;
IANA[IE.flowEndSysUpTime] = Role.endUptime;
IANA[IE.flowStartSysUpTime] = Role.startUptime;
IANA[IE.sourceIPv6Address] = Role.src6;
IANA[IE.destinationIPv6Address] = Role.dst6;
IANA[IE.icmpTypeCodeIPv4] = Role.icmpTypeCode;
IANA[IE.icmpTypeCodeIPv6] = Role.icmpTypeCode;
IANA[IE.samplingInterval] = Role.rate;
IANA[IE.samplerRandomInterval] = Role.rate;
IANA[IE.samplerId] = Role.samplerId;
IANA[IE.selectorId] = Role.samplerId;
IANA[IE.vlanId] = Role.vlan;
IANA[IE.dot1qVlanId] = Role.dot1qVlan;
IANA[IE.octetTotalCount] = Role.totalBytes;
IANA[IE.packetTotalCount] = Role.totalPackets;
IANA[IE.flowEndReason] = Role.endReason;
IANA[IE.flowStartSeconds] = Role.startSec;
IANA[IE.flowEndSeconds] = Role.endSec;
IANA[IE.flowStartMilliseconds] = Role.startMs;
IANA[IE.flowEndMilliseconds] = Role.endMs;
IANA[IE.flowStartMicroseconds] = Role.startNtp;
IANA[IE.flowEndMicroseconds] = Role.endNtp;
IANA[IE.flowStartNanoseconds] = Role.startNtp;
IANA[IE.flowEndNanoseconds] = Role.endNtp;
IANA[IE.flowStartDeltaMicroseconds] = Role.startDeltaUs;
IANA[IE.flowEndDeltaMicroseconds] = Role.endDeltaUs;
IANA[IE.systemInitTimeMilliseconds] = Role.systemInitMs;
IANA[IE.icmpTypeIPv4] = Role.icmpType;
IANA[IE.icmpTypeIPv6] = Role.icmpType;
IANA[IE.icmpCodeIPv4] = Role.icmpCode;
IANA[IE.icmpCodeIPv6] = Role.icmpCode;
IANA[IE.samplingPacketInterval] = Role.pktInterval;
IANA[IE.samplingPacketSpace] = Role.pktSpace;

/** The role of a field specifier; unknown elements (and other enterprises) are skipped. */
export function roleOf(enterprise: number, id: number): number {
  if (enterprise === 0) return id < IANA.length ? IANA[id] : Role.skip;
  if (enterprise === REVERSE_PEN) {
    // RFC 5103: the reverse direction of a biflow.
    if (id === IE.octetDeltaCount) return Role.revBytes;
    if (id === IE.packetDeltaCount) return Role.revPackets;
    if (id === IE.tcpControlBits) return Role.revTcpFlags;
  }
  return Role.skip;
}

const TWO32 = 4294967296;

/**
 * Big-endian unsigned of 1–8 bytes (RFC 7011 §6.2 reduced-size encoding: any length up to the
 * type's). Values above 2^53 lose precision, which no counter reaches.
 */
export function readUint(v: DataView, p: number, len: number): number {
  switch (len) {
    case 1:
      return v.getUint8(p);
    case 2:
      return v.getUint16(p);
    case 4:
      return v.getUint32(p);
    case 8:
      return v.getUint32(p) * TWO32 + v.getUint32(p + 4);
    default: {
      let x = 0;
      for (let i = 0; i < len && i < 8; i++) x = x * 256 + v.getUint8(p + i);
      return x;
    }
  }
}

/** NTP 64-bit timestamp (seconds since 1900 + 2^-32 fractions, RFC 7011 §6.1.9) as epoch ms. */
export function ntpToMs(v: DataView, p: number): number {
  const sec = v.getUint32(p);
  const frac = v.getUint32(p + 4);
  return (sec - 2208988800) * 1000 + (frac / TWO32) * 1000;
}
