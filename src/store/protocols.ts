const NAMES: Record<number, string> = {
  1: 'icmp',
  2: 'igmp',
  4: 'ipip',
  6: 'tcp',
  17: 'udp',
  41: 'ipv6',
  47: 'gre',
  50: 'esp',
  51: 'ah',
  58: 'icmp6',
  89: 'ospf',
  103: 'pim',
  112: 'vrrp',
  132: 'sctp',
  135: 'mobility',
  136: 'udplite',
};

/** The usual short name of an IP protocol number, or its number as text. */
export function protocolName(proto: number): string {
  return NAMES[proto] ?? String(proto);
}
