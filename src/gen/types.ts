/** Names shared by the generator's options, flows and truth. */

export const FLOW_KINDS = [
  'tcp',
  'dns',
  'udp-stream',
  'udp-oneway',
  'udp-frag',
  'icmp-echo',
  'icmp-error',
  'sctp',
  'other',
] as const;
export type FlowKind = (typeof FLOW_KINDS)[number];

export const TUNNEL_KINDS = ['ipip', '6in4', '4in6', 'gre', 'vxlan', 'geneve', 'gtp-u'] as const;
export type TunnelKind = (typeof TUNNEL_KINDS)[number];

/** Link-layer variants of an Ethernet frame (`plain` is the only one other link types carry). */
export const L2_KINDS = ['plain', 'vlan', 'qinq', 'mpls', 'pppoe'] as const;
export type L2Kind = (typeof L2_KINDS)[number];

export type EndKind = 'fin' | 'rst' | 'open' | 'none';

export const LINK_NAMES = ['ethernet', 'raw', 'sll', 'sll2'] as const;
export type LinkName = (typeof LINK_NAMES)[number];

/** pcap/pcapng LINKTYPE_* values. */
export const LINKTYPE: Record<LinkName, number> = { ethernet: 1, raw: 101, sll: 113, sll2: 276 };

export const TS_RESOLUTIONS = ['ms', 'us', 'ns'] as const;
export type TsResolution = (typeof TS_RESOLUTIONS)[number];

/** Nanoseconds per timestamp unit. */
export const TICK_NS: Record<TsResolution, number> = { ms: 1_000_000, us: 1000, ns: 1 };
