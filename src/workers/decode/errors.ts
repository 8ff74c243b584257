import type { DecodedPacket } from './packet.js';

/**
 * Why a packet (or part of it) could not be decoded. Values index the counters array returned by
 * `newDecodeCounters()`; 0 means no problem. A packet may count several reasons (e.g. a truncated
 * TCP header after a good IP header, or a tunnel fallback and its cause).
 */
export const DecodeError = {
  none: 0,
  unsupportedLinkType: 1,
  truncatedLink: 2,
  truncatedEthernet: 3,
  truncatedVlan: 4,
  truncatedMpls: 5,
  unknownMplsPayload: 6,
  truncatedPppoe: 7,
  badPppoeHeader: 8,
  truncatedPpp: 9,
  nonIp: 10,
  truncatedIpv4: 11,
  badIpVersion: 12,
  badIpv4HeaderLength: 13,
  badIpv4TotalLength: 14,
  ipLengthExceedsFrame: 15,
  truncatedIpv6: 16,
  badIpv6Extension: 17,
  truncatedTcp: 18,
  badTcpDataOffset: 19,
  truncatedUdp: 20,
  badUdpLength: 21,
  truncatedSctp: 22,
  truncatedIcmp: 23,
  truncatedIcmpv6: 24,
  truncatedTunnel: 25,
  badTunnelHeader: 26,
  unsupportedTunnelPayload: 27,
  tunnelTooDeep: 28,
  tunnelFallback: 29,
} as const;

export type DecodeErrorCode = (typeof DecodeError)[keyof typeof DecodeError];

/** Kebab-case names, indexed by DecodeError value (index 0 = 'none'). */
export const DECODE_ERROR_NAMES: readonly string[] = [
  'none',
  'unsupported-link-type',
  'truncated-link',
  'truncated-ethernet',
  'truncated-vlan',
  'truncated-mpls',
  'unknown-mpls-payload',
  'truncated-pppoe',
  'bad-pppoe-header',
  'truncated-ppp',
  'non-ip',
  'truncated-ipv4',
  'bad-ip-version',
  'bad-ipv4-header-length',
  'bad-ipv4-total-length',
  'ip-length-exceeds-frame',
  'truncated-ipv6',
  'bad-ipv6-extension',
  'truncated-tcp',
  'bad-tcp-data-offset',
  'truncated-udp',
  'bad-udp-length',
  'truncated-sctp',
  'truncated-icmp',
  'truncated-icmpv6',
  'truncated-tunnel',
  'bad-tunnel-header',
  'unsupported-tunnel-payload',
  'tunnel-too-deep',
  'tunnel-fallback',
];

export const DECODE_ERROR_COUNT = DECODE_ERROR_NAMES.length;

/**
 * false for the reasons that describe well-formed traffic we do not turn into an IP flow or that
 * only report a decision: 'none', 'non-ip' (ARP, LLDP, STP, PPP control...), 'tunnel-fallback'
 * (its cause is counted separately) and 'unsupported-link-type'. true for malformed packets.
 */
export const DECODE_ERROR_MALFORMED: readonly boolean[] = DECODE_ERROR_NAMES.map(
  (name) =>
    name !== 'none' && name !== 'non-ip' && name !== 'tunnel-fallback' && name !== 'unsupported-link-type',
);

/** A counters array for `decodePacket`, indexed by DecodeError value. */
export function newDecodeCounters(): Float64Array {
  return new Float64Array(DECODE_ERROR_COUNT);
}

/** Decoder return value: the packet cannot be decoded further (the reason has been counted). */
export const FAIL = -1;
/**
 * Decoder return value: stop here without error, the layers decoded so far make the flow (a later
 * IP fragment, a truncated IPv4 option area, a GTP-U echo, a PPTP acknowledgement...).
 */
export const STOP = -2;

/** Counts `reason` and remembers it in `out.error` when it is the packet's first problem. */
export function fail(out: DecodedPacket, counters: Float64Array, reason: number): void {
  counters[reason]++;
  if (out.error === 0) out.error = reason;
}
