/** LINKTYPE_ / DLT_ values understood by `decodeLink` (see the tcpdump.org link-layer header types list). */
export const LinkType = {
  /** BSD loopback: 4-byte address family in the capturing host's byte order. */
  null: 0,
  ethernet: 1,
  /** DLT_RAW as written by most BSDs (12) and OpenBSD (14): raw IPv4/IPv6, version nibble decides. */
  rawBsd: 12,
  rawOpenBsd: 14,
  /** LINKTYPE_RAW: raw IPv4/IPv6, version nibble decides. */
  raw: 101,
  /** OpenBSD loopback: 4-byte address family, big-endian. */
  loop: 108,
  /** Linux cooked capture v1: 16-byte header, protocol at 14. */
  linuxSll: 113,
  ipv4: 228,
  ipv6: 229,
  /** Linux cooked capture v2: 20-byte header, protocol at 0. */
  linuxSll2: 276,
} as const;

/** EtherTypes (and GRE/Geneve protocol types, which share the registry) that the decoders dispatch on. */
export const EtherType = {
  ipv4: 0x0800,
  arp: 0x0806,
  teb: 0x6558, // transparent Ethernet bridging: an Ethernet frame follows
  erspan3: 0x22eb,
  vlan: 0x8100,
  ipv6: 0x86dd,
  ppp: 0x880b,
  mplsUnicast: 0x8847,
  mplsMulticast: 0x8848,
  pppoeDiscovery: 0x8863,
  pppoeSession: 0x8864,
  qinq: 0x88a8,
  erspan2: 0x88be,
  qinqOld: 0x9100,
  qinqOld2: 0x9200,
} as const;
