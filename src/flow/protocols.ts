/**
 * IP protocol names, one table for every side: the filter language accepts each name, and the
 * API, the dashboard and the filter printer show the first name of a number, so a name shown
 * anywhere can be typed back into a filter.
 */
export const PROTOCOL_NAMES: ReadonlyArray<readonly [string, number]> = [
  ['icmp', 1],
  ['igmp', 2],
  ['ipip', 4],
  ['ipencap', 4],
  ['tcp', 6],
  ['egp', 8],
  ['udp', 17],
  ['ipv6', 41],
  ['rsvp', 46],
  ['gre', 47],
  ['esp', 50],
  ['ah', 51],
  ['icmp6', 58],
  ['icmpv6', 58],
  ['ipv6-icmp', 58],
  ['eigrp', 88],
  ['ospf', 89],
  ['pim', 103],
  ['vrrp', 112],
  ['l2tp', 115],
  ['sctp', 132],
  ['mobility', 135],
  ['udplite', 136],
];
export const PROTOCOL_BY_NAME = new Map(PROTOCOL_NAMES);
const CANONICAL = new Map<number, string>();
for (const [name, n] of PROTOCOL_NAMES) if (!CANONICAL.has(n)) CANONICAL.set(n, name);

/** The usual short name of an IP protocol number, or its number as text. */
export function protocolName(proto: number): string {
  return CANONICAL.get(proto) ?? String(proto);
}

/** The name of a protocol number, or undefined when it has none. */
export function knownProtocolName(proto: number): string | undefined {
  return CANONICAL.get(proto);
}
