import type { DecodedPacket } from './packet.js';

/**
 * The flow as it stood before entering the latest tunnel, to fall back to when the inner packet
 * cannot be decoded into IP. One module-level instance: decodePacket is synchronous and never
 * re-entered, and a snapshot only lives for the duration of one call. Only the latest tunnel
 * needs one: once an inner IP header has been decoded, that packet is the new fallback.
 */
class FlowSnapshot {
  ipVersion = 0;
  proto = 0;
  readonly src = new Uint32Array(4);
  readonly dst = new Uint32Array(4);
  srcPort = 0;
  dstPort = 0;
  hasPorts = false;
  tcpFlags = 0;
  ipBytes = 0;
  ttl = 0;
  vlan = 0;
  vlanTags = 0;
  mplsLabel = -1;
  etherType = 0;
  icmpType = 0;
  icmpCode = 0;
  icmpId = 0;
  isFragment = false;
  fragOffset = 0;
  moreFragments = false;
  fragId = 0;
  tunnelType = 0;
  tunnelId = 0;
  outerVersion = 0;
  readonly outerSrc = new Uint32Array(4);
  readonly outerDst = new Uint32Array(4);
  tunnelDepth = 0;
  payloadOffset = -1;
}

const saved = new FlowSnapshot();

function copy4(from: Uint32Array, to: Uint32Array): void {
  to[0] = from[0];
  to[1] = from[1];
  to[2] = from[2];
  to[3] = from[3];
}

export function saveFlow(p: DecodedPacket): void {
  const s = saved;
  s.ipVersion = p.ipVersion;
  s.proto = p.proto;
  copy4(p.src, s.src);
  copy4(p.dst, s.dst);
  s.srcPort = p.srcPort;
  s.dstPort = p.dstPort;
  s.hasPorts = p.hasPorts;
  s.tcpFlags = p.tcpFlags;
  s.ipBytes = p.ipBytes;
  s.ttl = p.ttl;
  s.vlan = p.vlan;
  s.vlanTags = p.vlanTags;
  s.mplsLabel = p.mplsLabel;
  s.etherType = p.etherType;
  s.icmpType = p.icmpType;
  s.icmpCode = p.icmpCode;
  s.icmpId = p.icmpId;
  s.isFragment = p.isFragment;
  s.fragOffset = p.fragOffset;
  s.moreFragments = p.moreFragments;
  s.fragId = p.fragId;
  s.tunnelType = p.tunnelType;
  s.tunnelId = p.tunnelId;
  s.outerVersion = p.outerVersion;
  copy4(p.outerSrc, s.outerSrc);
  copy4(p.outerDst, s.outerDst);
  s.tunnelDepth = p.tunnelDepth;
  s.payloadOffset = p.payloadOffset;
}

/** Puts back everything saveFlow took; `error` is left alone (the first problem stays recorded). */
export function restoreFlow(p: DecodedPacket): void {
  const s = saved;
  p.ipVersion = s.ipVersion;
  p.proto = s.proto;
  copy4(s.src, p.src);
  copy4(s.dst, p.dst);
  p.srcPort = s.srcPort;
  p.dstPort = s.dstPort;
  p.hasPorts = s.hasPorts;
  p.tcpFlags = s.tcpFlags;
  p.ipBytes = s.ipBytes;
  p.ttl = s.ttl;
  p.vlan = s.vlan;
  p.vlanTags = s.vlanTags;
  p.mplsLabel = s.mplsLabel;
  p.etherType = s.etherType;
  p.icmpType = s.icmpType;
  p.icmpCode = s.icmpCode;
  p.icmpId = s.icmpId;
  p.isFragment = s.isFragment;
  p.fragOffset = s.fragOffset;
  p.moreFragments = s.moreFragments;
  p.fragId = s.fragId;
  p.tunnelType = s.tunnelType;
  p.tunnelId = s.tunnelId;
  p.outerVersion = s.outerVersion;
  copy4(s.outerSrc, p.outerSrc);
  copy4(s.outerDst, p.outerDst);
  p.tunnelDepth = s.tunnelDepth;
  p.payloadOffset = s.payloadOffset;
}

/** Clears what the L4 decoders write, before decoding an inner packet's L4 header. */
export function clearL4(p: DecodedPacket): void {
  p.srcPort = 0;
  p.dstPort = 0;
  p.hasPorts = false;
  p.tcpFlags = 0;
  p.icmpType = 0;
  p.icmpCode = 0;
  p.icmpId = 0;
  p.payloadOffset = -1;
}
