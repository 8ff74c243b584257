/**
 * Packet decoding for the workers: one function per layer, all writing into one preallocated
 * `DecodedPacket`. Hot path: no allocation, no closures, no exceptions, plain switch dispatch.
 *
 * ## What a decoded packet is
 * The flow layer is the innermost IP packet we can decode. Its addresses, protocol, ports (ICMP:
 * type/code), TCP flags, TTL, fragment fields and `ipBytes` (its IP length) describe the flow.
 *
 * ## What is kept of the outer headers (tunnels, VLAN, MPLS)
 * - `vlan`: the id of the first VLAN tag met in the packet, i.e. the outermost (the S-tag of a
 *   QinQ stack); only when the outer frame is untagged can it come from a tunnel's inner Ethernet
 *   frame. `vlanTags` counts every tag crossed. `mplsLabel`: top label of the first MPLS stack.
 * - Tunnels (IP-in-IP, 6in4, 4in6, 6in6, GRE, ERSPAN, VXLAN, Geneve, GTP-U, Teredo): the OUTERMOST
 *   tunnel's type (`tunnelType`), id (`tunnelId`: VXLAN/Geneve VNI, GTP-U TEID, GRE key, PPTP call
 *   id, ERSPAN session), outer IP version and addresses (`outerVersion`, `outerSrc`, `outerDst`),
 *   and the number of tunnels crossed (`tunnelDepth`, at most MAX_TUNNEL_DEPTH; a deeper one
 *   counts 'tunnel-too-deep' and the packet stays the flow of the last decoded layer). Dropped:
 *   the outer ports, TTL and lengths, and the addresses of intermediate tunnels.
 * - A fragmented outer packet is not descended into: the inner packet is incomplete, and its later
 *   fragments could only be attributed to the outer flow. The whole datagram stays the outer flow.
 * - Fallback: when a tunnel's inner packet cannot be decoded into IP (not really VXLAN on 4789, an
 *   ARP frame inside VXLAN, PPP control or compressed frames inside PPTP GRE, a truncated inner
 *   header...), the packet goes back to the flow of the enclosing IP packet as it was decoded
 *   before the tunnel (addresses, proto, ports, ipBytes, ttl, and the tunnel fields of any outer
 *   tunnel), and counts the cause plus 'tunnel-fallback'. GTP-U signalling (echo, end marker...)
 *   and PPTP acknowledgements have no inner packet: they are the outer flow, with nothing counted.
 *   Teredo is recognised only when the payload validates as IPv6 (see teredo.ts), else plain UDP.
 *
 * ## Other decisions
 * - IPv4 fragments: the first fragment carries the ports; a later fragment (offset > 0) stops at
 *   the IP header with hasPorts false, and the flow table attributes it by (src, dst, proto,
 *   fragId). Same for IPv6 fragment headers. An IPv6 atomic fragment is not a fragment.
 * - ICMP/ICMPv6 errors belong to the ICMP flow; the quoted packet is never decoded (icmp.ts).
 * - Addresses are the ones literally in the header (IPv6 routing header type 0, Home Address
 *   option: see ipv6.ts). Any IP protocol makes a flow keyed by addresses and protocol; ports are
 *   read for TCP, UDP, SCTP (and ICMP type/code) only.
 * - Truncated L4 headers are counted but the packet still counts for its flow (ports need 4
 *   bytes, TCP flags 14).
 *
 * ## Safety
 * Never reads at or beyond `offset + capLen` (nor past `buf.length`), never throws, never
 * allocates. Every loop (VLAN/MPLS stacks, IPv6 extension headers, GRE routing, GTP-U extension
 * headers, tunnels) advances through the captured bytes or is capped.
 */
import { decodeIcmp, decodeIcmpv6 } from './icmp.js';
import { DecodeError, FAIL, STOP, fail } from './errors.js';
import { decodeToIp } from './ethertype.js';
import { decodeGeneve } from './geneve.js';
import { decodeGre } from './gre.js';
import { decodeGtpu } from './gtpu.js';
import { decodeIpv4 } from './ipv4.js';
import { decodeIpv6 } from './ipv6.js';
import { decodeLink } from './link.js';
import { EtherType } from './link-types.js';
import { TunnelType, type DecodedPacket } from './packet.js';
import { decodeSctp } from './sctp.js';
import { decodeTcp } from './tcp.js';
import { findTeredoIpv6 } from './teredo.js';
import { clearL4, restoreFlow, saveFlow } from './tunnel.js';
import { decodeUdp } from './udp.js';
import { decodeVxlan } from './vxlan.js';

export {
  DecodeError,
  DECODE_ERROR_NAMES,
  DECODE_ERROR_COUNT,
  DECODE_ERROR_MALFORMED,
  newDecodeCounters,
  type DecodeErrorCode,
} from './errors.js';
export { DecodedPacket, TunnelType, TUNNEL_TYPE_NAMES } from './packet.js';
export { LinkType, EtherType } from './link-types.js';

/** Tunnels crossed at most; one more counts 'tunnel-too-deep' and stays with the last flow. */
export const MAX_TUNNEL_DEPTH = 4;

export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;
export const GTPU_PORT = 2152;
export const TEREDO_PORT = 3544;

function fallBack(out: DecodedPacket, counters: Float64Array): boolean {
  restoreFlow(out);
  fail(out, counters, DecodeError.tunnelFallback);
  return true;
}

/**
 * Decodes the frame at `buf[offset .. offset + capLen)` (`wireLen` bytes long on the wire) of link
 * type `linkType` into `out` (reset first), counting every problem met in `counters` (indexed by
 * DecodeError). Returns true iff the packet makes a flow: `out.ipVersion` is 4 or 6 with addresses
 * and protocol set. Expects 0 <= offset <= buf.length.
 */
export function decodePacket(
  buf: Uint8Array,
  offset: number,
  capLen: number,
  wireLen: number,
  linkType: number,
  out: DecodedPacket,
  counters: Float64Array,
): boolean {
  out.reset();
  let end = offset + capLen;
  if (end > buf.length) end = buf.length;
  if (!(end >= offset)) end = offset;
  // Where the frame ended on the wire; bounds IP lengths. Never before the captured end.
  let limit = offset + wireLen;
  if (!(limit >= end)) limit = end;

  let off = decodeLink(buf, offset, end, linkType, out, counters);
  if (off < 0) return false;
  off = decodeToIp(buf, off, end, out, counters);
  if (off < 0) return false;

  let depth = 0;
  for (;;) {
    // `off` is an IP header; out.etherType says which version.
    const ipOff = off;
    const l4 =
      out.etherType === EtherType.ipv4
        ? decodeIpv4(buf, off, end, limit, out, counters)
        : decodeIpv6(buf, off, end, limit, out, counters);
    if (l4 === FAIL) return depth === 0 ? false : fallBack(out, counters);
    if (l4 === STOP) return true;
    const pktWireEnd = ipOff + out.ipBytes;
    const pktEnd = pktWireEnd < end ? pktWireEnd : end;

    let tunnel = 0;
    let inner = l4;
    let innerWireEnd = pktWireEnd;
    switch (out.proto) {
      case 6:
        decodeTcp(buf, l4, pktEnd, pktWireEnd, out, counters);
        return true;
      case 17: {
        const udpEnd = decodeUdp(buf, l4, pktEnd, pktWireEnd, out, counters);
        if (udpEnd < 0) return true;
        inner = l4 + 8;
        innerWireEnd = udpEnd;
        const dstPort = out.dstPort;
        if (dstPort === VXLAN_PORT) tunnel = TunnelType.vxlan;
        else if (dstPort === GENEVE_PORT) tunnel = TunnelType.geneve;
        else if (dstPort === GTPU_PORT) tunnel = TunnelType.gtpu;
        else if (dstPort === TEREDO_PORT || out.srcPort === TEREDO_PORT) {
          inner = findTeredoIpv6(buf, inner, udpEnd < pktEnd ? udpEnd : pktEnd, udpEnd);
          if (inner >= 0) tunnel = TunnelType.teredo;
        }
        if (tunnel === 0) return true;
        break;
      }
      case 1:
        decodeIcmp(buf, l4, pktEnd, out, counters);
        return true;
      case 58:
        decodeIcmpv6(buf, l4, pktEnd, out, counters);
        return true;
      case 132:
        decodeSctp(buf, l4, pktEnd, out, counters);
        return true;
      case 4:
        tunnel = out.ipVersion === 4 ? TunnelType.ipip : TunnelType.fourInSix;
        break;
      case 41:
        tunnel = out.ipVersion === 4 ? TunnelType.sixInFour : TunnelType.sixInSix;
        break;
      case 47:
        tunnel = TunnelType.gre;
        break;
      default:
        // ESP, no-next-header, IGMP, OSPF, ...: a flow keyed by addresses and protocol.
        return true;
    }

    // Entering a tunnel.
    if (out.isFragment) return true;
    if (depth === MAX_TUNNEL_DEPTH) {
      fail(out, counters, DecodeError.tunnelTooDeep);
      return true;
    }
    saveFlow(out);
    depth++;
    out.tunnelDepth = depth;
    if (depth === 1) {
      out.tunnelType = tunnel;
      out.outerVersion = out.ipVersion;
      out.outerSrc[0] = out.src[0];
      out.outerSrc[1] = out.src[1];
      out.outerSrc[2] = out.src[2];
      out.outerSrc[3] = out.src[3];
      out.outerDst[0] = out.dst[0];
      out.outerDst[1] = out.dst[1];
      out.outerDst[2] = out.dst[2];
      out.outerDst[3] = out.dst[3];
    }
    clearL4(out);
    // The inner packet lies within the outer one (the UDP datagram for UDP tunnels).
    if (innerWireEnd < end) end = innerWireEnd;
    limit = innerWireEnd;
    switch (tunnel) {
      case TunnelType.ipip:
      case TunnelType.fourInSix:
        out.etherType = EtherType.ipv4;
        off = inner;
        break;
      case TunnelType.sixInFour:
      case TunnelType.sixInSix:
      case TunnelType.teredo:
        out.etherType = EtherType.ipv6;
        off = inner;
        break;
      case TunnelType.gre:
        off = decodeGre(buf, inner, end, out, counters);
        break;
      case TunnelType.vxlan:
        off = decodeVxlan(buf, inner, end, out, counters);
        break;
      case TunnelType.geneve:
        off = decodeGeneve(buf, inner, end, out, counters);
        break;
      default:
        off = decodeGtpu(buf, inner, end, out, counters);
        break;
    }
    if (off === STOP) {
      restoreFlow(out);
      return true;
    }
    if (off < 0) return fallBack(out, counters);
    off = decodeToIp(buf, off, end, out, counters);
    if (off < 0) return fallBack(out, counters);
  }
}
