/**
 * Composes one frame from a flow's identity and a packet spec: link layer, optional tunnel
 * (outer IP and tunnel headers), the flow-layer IP packet, its transport header and payload.
 * Sizes are computed bottom-up first, so every length field is written once, top-down.
 */
import {
  ETH_IPV4,
  ETH_IPV6,
  ETH_MPLS,
  ETH_PPPOE_SESSION,
  ETH_QINQ,
  ETH_TEB,
  ETH_VLAN,
  PPP_IPV4,
  PPP_IPV6,
  writeEthertype,
  writeMacs,
  writeMpls,
  writePppoeSession,
  writeSll,
  writeSll2,
  writeTag,
} from './frames/l2.js';
import {
  IP_DF,
  IP_MF,
  NH_DEST_OPTS,
  NH_FRAGMENT,
  NH_HOP_BY_HOP,
  NH_ROUTING,
  ipv4HeaderLen,
  writeDestOpts,
  writeFragmentV6,
  writeHopByHop,
  writeIpv4,
  writeIpv6,
  writeRoutingSrh,
} from './frames/ip.js';
import { quoteLen, writeQuote } from './frames/quote.js';
import { sctpChunkWireLen, writeSctpChunk } from './frames/sctp.js';
import {
  PROTO_GRE,
  PROTO_ICMPV6,
  PROTO_IPIP,
  PROTO_IPV6,
  PROTO_TCP,
  PROTO_UDP,
  icmpChecksum,
  l4Checksum,
  sctpChecksum,
  tcpHeaderLen,
  writeIcmpHeader,
  writeSctpCommon,
  writeTcp,
  writeUdp,
} from './frames/transport.js';
import {
  GENEVE_PORT,
  GTPU_PORT,
  VXLAN_PORT,
  writeGeneve,
  writeGre,
  writeGtpu,
  writeVxlan,
} from './frames/tunnel.js';
import { EXT_DEST_OPTS, EXT_HOP_BY_HOP, EXT_ROUTING, RAW_ESP, RAW_GRE, type Flow } from './flow.js';
import type { PayloadPattern } from './payload.js';
import { L4_ICMP_ECHO, L4_ICMP_ERROR, L4_RAW, L4_SCTP, L4_TCP, L4_UDP, type PacketSpec } from './spec.js';
import { put16, put32 } from './checksum.js';

/** Room for the largest frame the generator writes (fragments and segments stay near 1500). */
export const MAX_FRAME = 16384;
/** Ethernet frames shorter than this (without FCS) are zero-padded, as on the wire. */
const ETH_MIN = 60;
/** Payload type of GRE "other protocol" flows: IEEE local experimental, which nothing decodes. */
export const GRE_OPAQUE_PTYPE = 0x88b5;

export function ipv6ExtLen(ext: number, fragment: boolean): number {
  let n = 0;
  if (ext & EXT_HOP_BY_HOP) n += 8;
  if (ext & EXT_ROUTING) n += 24;
  if (fragment) n += 8;
  else if (ext & EXT_DEST_OPTS) n += 8;
  return n;
}

function rawHeaderLen(kind: number): number {
  return kind === RAW_ESP ? 8 : kind === RAW_GRE ? 4 : 0;
}

/** Bytes a tunnel adds between the outer IP header and the inner IP packet. */
export function tunnelHeaderLen(f: Flow): number {
  switch (f.tunnel) {
    case 'gre':
      return f.greKey ? 8 : 4;
    case 'vxlan':
    case 'geneve':
      return 16 + 14;
    case 'gtp-u':
      return 16;
    default:
      return 0;
  }
}

/** Bytes before the flow-layer IP header's payload budget: everything but L4 within 1500 MTU. */
export function ipOverhead(f: Flow): number {
  const inner = f.v6 ? 40 + ipv6ExtLen(f.v6Ext, false) : ipv4HeaderLen(f.v4Opt);
  const outer = f.tunnel ? (f.outerV6 ? 40 : 20) + tunnelHeaderLen(f) : 0;
  return inner + outer + (f.l2 === 'pppoe' ? 8 : 0);
}

export class FrameComposer {
  readonly buf: Buffer;
  /** Flow-layer IP bytes of the last frame built (IPv4 total length / 40 + IPv6 payload length). */
  ipBytes = 0;

  constructor(private readonly pattern: PayloadPattern) {
    this.buf = pattern.frame;
  }

  /** Writes the frame into `buf` and returns its length. */
  build(f: Flow, s: PacketSpec): number {
    const buf = this.buf;
    const pat = this.pattern;
    const dir = s.dir;
    const src = dir === 0 ? f.cAddr : f.sAddr;
    const dst = dir === 0 ? f.sAddr : f.cAddr;
    const sport = dir === 0 ? f.cPort : f.sPort;
    const dport = dir === 0 ? f.sPort : f.cPort;
    const v6 = f.v6;

    // ---- sizes, bottom-up
    let l4Hdr = 0;
    let l4Len: number;
    switch (s.l4) {
      case L4_TCP:
        l4Hdr = tcpHeaderLen(s.tcpOpts);
        l4Len = l4Hdr + s.payloadLen;
        break;
      case L4_UDP:
        l4Len = s.fragment ? s.fragLen : 8 + s.payloadLen;
        break;
      case L4_ICMP_ECHO:
        l4Len = 8 + s.payloadLen;
        break;
      case L4_ICMP_ERROR:
        l4Len = 8 + quoteLen(v6);
        break;
      case L4_SCTP:
        l4Len = 12 + sctpChunkWireLen(s.sctpChunk, s.payloadLen);
        break;
      default:
        l4Len = rawHeaderLen(f.rawHdr) + s.payloadLen;
    }
    const ipHdr = v6 ? 40 + ipv6ExtLen(f.v6Ext, s.fragment) : ipv4HeaderLen(f.v4Opt);
    const ipBytes = ipHdr + l4Len;
    this.ipBytes = ipBytes;

    const tunnel = f.tunnel;
    const innerLen = tunnel === 'vxlan' || tunnel === 'geneve' ? ipBytes + 14 : ipBytes;
    const outerHdr = tunnel ? (f.outerV6 ? 40 : 20) : 0;
    const l3Len = tunnel ? outerHdr + tunnelHeaderLen(f) + ipBytes : ipBytes;
    const firstV6 = tunnel ? f.outerV6 : v6;
    const ethType = firstV6 ? ETH_IPV6 : ETH_IPV4;

    // ---- link layer
    let o = 0;
    switch (f.link) {
      case 'ethernet':
        o = writeMacs(buf, 0, dir === 0 ? f.sMac : f.cMac, dir === 0 ? f.cMac : f.sMac);
        switch (f.l2) {
          case 'vlan':
            o = writeTag(buf, o, ETH_VLAN, f.pcp, f.vlan);
            o = writeEthertype(buf, o, ethType);
            break;
          case 'qinq':
            o = writeTag(buf, o, ETH_QINQ, f.pcp, f.vlan);
            o = writeTag(buf, o, ETH_VLAN, f.pcp, f.innerVlan);
            o = writeEthertype(buf, o, ethType);
            break;
          case 'mpls':
            o = writeEthertype(buf, o, ETH_MPLS);
            for (let i = 0; i < f.mpls.length; i++)
              o = writeMpls(buf, o, f.mpls[i], 0, i === f.mpls.length - 1, 64);
            break;
          case 'pppoe':
            o = writeEthertype(buf, o, ETH_PPPOE_SESSION);
            o = writePppoeSession(buf, o, f.pppoeSession, firstV6 ? PPP_IPV6 : PPP_IPV4, l3Len);
            break;
          default:
            o = writeEthertype(buf, o, ethType);
        }
        break;
      case 'sll':
        o = writeSll(buf, 0, dir === 0 ? 4 : 0, dir === 0 ? f.cMac : f.sMac, ethType);
        break;
      case 'sll2':
        o = writeSll2(buf, 0, ethType, f.iface + 1, dir === 0 ? 4 : 0, dir === 0 ? f.cMac : f.sMac);
        break;
      default:
        break; // raw IP
    }

    // ---- tunnel: outer IP and tunnel headers
    let udpOff = -1;
    const oSrc = dir === 0 ? f.tA : f.tB;
    const oDst = dir === 0 ? f.tB : f.tA;
    if (tunnel) {
      let oProto = PROTO_UDP;
      if (tunnel === 'ipip' || tunnel === '4in6') oProto = PROTO_IPIP;
      else if (tunnel === '6in4') oProto = PROTO_IPV6;
      else if (tunnel === 'gre') oProto = PROTO_GRE;
      const oid = dir === 0 ? f.outerId0++ : f.outerId1++;
      o = f.outerV6
        ? writeIpv6(buf, o, 0, f.tKey & 0xfffff, l3Len - 40, oProto, 64, oSrc, oDst)
        : writeIpv4(buf, o, 0, l3Len, oid & 0xffff, IP_DF, 64, oProto, oSrc, oDst, 0);
      switch (tunnel) {
        case 'gre':
          o = writeGre(buf, o, v6 ? ETH_IPV6 : ETH_IPV4, f.greKey, f.tKey);
          break;
        case 'vxlan':
        case 'geneve':
          udpOff = o;
          o = writeUdp(
            buf,
            o,
            dir === 0 ? f.tPort0 : f.tPort1,
            tunnel === 'vxlan' ? VXLAN_PORT : GENEVE_PORT,
            16 + innerLen,
          );
          o = tunnel === 'vxlan' ? writeVxlan(buf, o, f.tKey) : writeGeneve(buf, o, ETH_TEB, f.tKey);
          o = writeMacs(buf, o, dir === 0 ? f.innerMacS : f.innerMacC, dir === 0 ? f.innerMacC : f.innerMacS);
          o = writeEthertype(buf, o, v6 ? ETH_IPV6 : ETH_IPV4);
          break;
        case 'gtp-u':
          udpOff = o;
          o = writeUdp(buf, o, GTPU_PORT, GTPU_PORT, 16 + innerLen);
          o = writeGtpu(buf, o, dir === 0 ? f.tKey : f.tKey2, innerLen);
          break;
        default:
          break; // IP-in-IP, 6in4, 4in6: the inner header follows directly
      }
    }

    // ---- flow-layer IP header
    const proto = f.proto;
    if (!v6) {
      let flagsFrag: number;
      let id: number;
      if (s.fragment) {
        flagsFrag = (s.fragMore ? IP_MF : 0) | (s.fragOff >> 3);
        id = s.fragId;
      } else {
        flagsFrag = proto === PROTO_TCP ? IP_DF : 0;
        id = dir === 0 ? f.ipId0++ : f.ipId1++;
      }
      o = writeIpv4(
        buf,
        o,
        f.tos,
        ipBytes,
        id & 0xffff,
        flagsFrag,
        dir === 0 ? f.ttl0 : f.ttl1,
        proto,
        src,
        dst,
        f.v4Opt,
      );
    } else {
      const ext = f.v6Ext;
      const useDest = !s.fragment && (ext & EXT_DEST_OPTS) !== 0;
      // next-header chain: hop-by-hop, routing, fragment, destination options, upper layer
      const afterFrag = useDest ? NH_DEST_OPTS : proto;
      const afterRouting = s.fragment ? NH_FRAGMENT : afterFrag;
      const afterHbh = ext & EXT_ROUTING ? NH_ROUTING : afterRouting;
      const first = ext & EXT_HOP_BY_HOP ? NH_HOP_BY_HOP : afterHbh;
      o = writeIpv6(buf, o, f.tos, f.flowLabel, ipBytes - 40, first, dir === 0 ? f.ttl0 : f.ttl1, src, dst);
      if (ext & EXT_HOP_BY_HOP) o = writeHopByHop(buf, o, afterHbh);
      if (ext & EXT_ROUTING) o = writeRoutingSrh(buf, o, afterRouting, dst);
      if (s.fragment) o = writeFragmentV6(buf, o, afterFrag, s.fragOff, s.fragMore, s.fragId);
      if (useDest) o = writeDestOpts(buf, o, proto);
    }

    // ---- transport and payload
    const l4Off = o;
    switch (s.l4) {
      case L4_TCP:
        o = writeTcp(
          buf,
          o,
          sport,
          dport,
          s.seq,
          s.ack,
          s.flags,
          s.window,
          s.tcpOpts,
          s.tsval,
          s.tsecr,
          s.mss,
        );
        pat.copy(o, s.patOff, s.payloadLen);
        l4Checksum(buf, l4Off, 16, l4Hdr, pat.sum(s.patOff, s.payloadLen), src, dst, proto, l4Len);
        o += s.payloadLen;
        break;
      case L4_UDP: {
        const dgram = 8 + s.payloadLen;
        if (!s.fragment || s.fragOff === 0) {
          o = writeUdp(buf, o, sport, dport, dgram);
          const carried = s.fragment ? s.fragLen - 8 : s.payloadLen;
          pat.copy(o, s.patOff, carried);
          // the checksum always covers the whole datagram, also when it travels in fragments
          l4Checksum(buf, l4Off, 6, 8, pat.sum(s.patOff, s.payloadLen), src, dst, proto, dgram);
          o += carried;
        } else {
          pat.copy(o, s.patOff + s.fragOff - 8, s.fragLen);
          o += s.fragLen;
        }
        break;
      }
      case L4_ICMP_ECHO:
        o = writeIcmpHeader(buf, o, s.icmpType, s.icmpCode, s.icmpRest);
        pat.copy(o, s.patOff, s.payloadLen);
        if (v6) l4Checksum(buf, l4Off, 2, 8, pat.sum(s.patOff, s.payloadLen), src, dst, PROTO_ICMPV6, l4Len);
        else icmpChecksum(buf, l4Off, 8, pat.sum(s.patOff, s.payloadLen));
        o += s.payloadLen;
        break;
      case L4_ICMP_ERROR:
        o = writeIcmpHeader(buf, o, s.icmpType, s.icmpCode, s.icmpRest);
        // the quoted packet was sent by the host (this flow's server) to the quoted destination
        o = writeQuote(
          buf,
          o,
          v6,
          f.sAddr,
          f.quoteDst,
          f.quoteProto,
          f.quoteLen,
          f.quoteTtl,
          f.quoteId,
          f.quoteSport,
          f.quoteDport,
          f.quoteSeq,
        );
        if (v6) l4Checksum(buf, l4Off, 2, l4Len, 0, src, dst, PROTO_ICMPV6, l4Len);
        else icmpChecksum(buf, l4Off, l4Len, 0);
        break;
      case L4_SCTP:
        o = writeSctpCommon(buf, o, sport, dport, s.sctpVtag);
        o = writeSctpChunk(buf, o, s.sctpChunk, s.sctpTag, s.sctpTsn, s.payloadLen, s.patOff, pat);
        sctpChecksum(buf, l4Off, l4Len);
        break;
      case L4_RAW:
        if (f.rawHdr === RAW_ESP) {
          put32(buf, o, s.rawSpi);
          put32(buf, o + 4, s.rawSeq);
          o += 8;
        } else if (f.rawHdr === RAW_GRE) {
          put16(buf, o, 0);
          put16(buf, o + 2, GRE_OPAQUE_PTYPE);
          o += 4;
        }
        pat.copy(o, s.patOff, s.payloadLen);
        o += s.payloadLen;
        break;
    }

    // outer UDP checksum: optional over IPv4 (left 0, as tunnel endpoints usually do), needed over IPv6
    if (udpOff >= 0 && f.outerV6) {
      const udpLen = o - udpOff;
      l4Checksum(buf, udpOff, 6, udpLen, 0, oSrc, oDst, PROTO_UDP, udpLen);
    }

    if (f.link === 'ethernet' && o < ETH_MIN) {
      buf.fill(0, o, ETH_MIN);
      o = ETH_MIN;
    }
    return o;
  }
}
