/** Traffic mixes: what share of flows is of each kind, family, encapsulation and tunnel. */
import type { FlowKind, L2Kind, TunnelKind } from './types.js';

export interface Mix {
  /** Relative weights of flow kinds (missing = 0). */
  kinds: Partial<Record<FlowKind, number>>;
  /** Share of flows whose flow-layer packet is IPv6 (when the tunnel does not decide it). */
  ipv6: number;
  /** Relative weights of link-layer variants (only `plain` on non-Ethernet interfaces). */
  l2: Partial<Record<L2Kind, number>>;
  /** Relative weights of tunnels; `none` = not tunnelled. */
  tunnels: Partial<Record<TunnelKind | 'none', number>>;
  /** Share of IPv4 flows carrying IP options. */
  ipv4Options: number;
  /** Share of IPv6 flows carrying extension headers (hop-by-hop, routing, destination options). */
  ipv6ExtHeaders: number;
  /** IP protocol numbers of `other` flows. */
  otherProtocols: number[];
}

export type MixName = 'default' | 'simple';

/** Mostly TCP and UDP, a few percent of each exotic kind. */
export const DEFAULT_MIX: Mix = {
  kinds: {
    tcp: 0.6,
    dns: 0.15,
    'udp-stream': 0.07,
    'udp-oneway': 0.04,
    'udp-frag': 0.02,
    'icmp-echo': 0.04,
    'icmp-error': 0.02,
    sctp: 0.02,
    other: 0.04,
  },
  ipv6: 0.3,
  l2: { plain: 0.85, vlan: 0.06, qinq: 0.03, mpls: 0.03, pppoe: 0.03 },
  tunnels: {
    none: 0.86,
    ipip: 0.02,
    '6in4': 0.02,
    '4in6': 0.02,
    gre: 0.02,
    vxlan: 0.02,
    geneve: 0.02,
    'gtp-u': 0.02,
  },
  ipv4Options: 0.03,
  ipv6ExtHeaders: 0.05,
  otherProtocols: [50, 47, 89, 253],
};

/** Benchmark mix: TCP and UDP only, plain Ethernet, IPv4 and IPv6, no options or tunnels. */
export const SIMPLE_MIX: Mix = {
  kinds: { tcp: 0.7, dns: 0.15, 'udp-stream': 0.1, 'udp-oneway': 0.05 },
  ipv6: 0.3,
  l2: { plain: 1 },
  tunnels: { none: 1 },
  ipv4Options: 0,
  ipv6ExtHeaders: 0,
  otherProtocols: [50],
};

export const MIXES: Record<MixName, Mix> = { default: DEFAULT_MIX, simple: SIMPLE_MIX };

/** A mix name, or a partial mix laid over the default one (maps given are taken whole). */
export function resolveMix(m: MixName | Partial<Mix> | undefined): Mix {
  if (m === undefined) return DEFAULT_MIX;
  if (typeof m === 'string') return MIXES[m];
  return { ...DEFAULT_MIX, ...m };
}
