import { EndCode } from '../../flow/record.js';

/**
 * IANA IPFIX information element ids (https://www.iana.org/assignments/ipfix) used by the
 * exporter and the collector. NetFlow v9 (RFC 3954) field types 1–127 are the same numbers, so
 * one table serves both; ids of 128 and above are IPFIX additions that v9 collectors may skip.
 */
export const IE = {
  octetDeltaCount: 1,
  packetDeltaCount: 2,
  protocolIdentifier: 4,
  tcpControlBits: 6,
  sourceTransportPort: 7,
  sourceIPv4Address: 8,
  ingressInterface: 10,
  destinationTransportPort: 11,
  destinationIPv4Address: 12,
  /** v9 LAST_SWITCHED / IPFIX flowEndSysUpTime: ms of the exporter's uptime. */
  flowEndSysUpTime: 21,
  flowStartSysUpTime: 22,
  sourceIPv6Address: 27,
  destinationIPv6Address: 28,
  /** type × 256 + code (v9 ICMP_TYPE has the same encoding). */
  icmpTypeCodeIPv4: 32,
  samplingInterval: 34,
  samplingAlgorithm: 35,
  /** v9 FLOW_SAMPLER_ID (1 byte) / IPFIX samplerId. */
  samplerId: 48,
  samplerRandomInterval: 50,
  vlanId: 58,
  ipVersion: 60,
  octetTotalCount: 85,
  packetTotalCount: 86,
  flowEndReason: 136,
  icmpTypeCodeIPv6: 139,
  flowStartSeconds: 150,
  flowEndSeconds: 151,
  flowStartMilliseconds: 152,
  flowEndMilliseconds: 153,
  /** dateTimeMicroseconds / dateTimeNanoseconds: NTP-format 64-bit timestamps (RFC 7011 §6.1.9). */
  flowStartMicroseconds: 154,
  flowEndMicroseconds: 155,
  flowStartNanoseconds: 156,
  flowEndNanoseconds: 157,
  /** µs before the message's export time. */
  flowStartDeltaMicroseconds: 158,
  flowEndDeltaMicroseconds: 159,
  systemInitTimeMilliseconds: 160,
  icmpTypeIPv4: 176,
  icmpCodeIPv4: 177,
  icmpTypeIPv6: 178,
  icmpCodeIPv6: 179,
  dot1qVlanId: 243,
  selectorId: 302,
  samplingPacketInterval: 305,
  samplingPacketSpace: 306,
} as const;

/**
 * RFC 5103 biflows: the reverse direction's counters are the forward IEs' numbers under the
 * private enterprise number 29305 (IPFIX enterprise bit set in the field specifier).
 */
export const REVERSE_PEN = 29305;

/** IPFIX flowEndReason values (IE 136, RFC 7011/IANA). */
export const FlowEndReason = {
  idleTimeout: 1,
  activeTimeout: 2,
  endOfFlowDetected: 3,
  forcedEnd: 4,
  lackOfResources: 5,
} as const;

/** Our end reasons as IPFIX flowEndReason: FIN and RST are both "end of flow detected". */
export function flowEndReasonOf(endCode: number): number {
  switch (endCode) {
    case EndCode.idle:
      return FlowEndReason.idleTimeout;
    case EndCode.activeTimeout:
      return FlowEndReason.activeTimeout;
    case EndCode.fin:
    case EndCode.rst:
      return FlowEndReason.endOfFlowDetected;
    case EndCode.evicted:
      return FlowEndReason.lackOfResources;
    default:
      // eof, shutdown: the meter ended the flow, not the traffic.
      return FlowEndReason.forcedEnd;
  }
}

/** Set ids: RFC 7011 §3.3.2 (IPFIX) and RFC 3954 §5.2 (v9 FlowSet ids). Data sets use ids ≥ 256. */
export const SetId = {
  ipfixTemplate: 2,
  ipfixOptionsTemplate: 3,
  v9Template: 0,
  v9OptionsTemplate: 1,
  firstData: 256,
} as const;

/** Message header lengths: IPFIX 16 bytes (has a length field), v9 20 bytes (has a record count). */
export const IPFIX_HEADER_BYTES = 16;
export const V9_HEADER_BYTES = 20;
export const V5_HEADER_BYTES = 24;
export const V5_RECORD_BYTES = 48;
