import { u16, u32 } from './bytes.js';
import { DecodeError, FAIL, STOP, fail } from './errors.js';
import { EtherType } from './link-types.js';
import { TunnelType, type DecodedPacket } from './packet.js';
import { decodePppProtocol } from './ppp.js';

/**
 * GRE header (IP protocol 47). Returns the offset of the payload with `out.etherType` set to its
 * type for the EtherType dispatcher, STOP for a packet without payload (a PPTP acknowledgement),
 * or FAIL (counted). When this is the outermost tunnel (`out.tunnelDepth === 1`) it records the
 * GRE key (version 0), the PPTP call id (version 1) or the ERSPAN session id as `out.tunnelId`.
 *
 * Version 0 (RFC 2784/2890, and RFC 1701's routing): C (checksum + offset), K (key), S (sequence)
 * optional fields, then source route entries when R is set. Its protocol type is an EtherType:
 * IPv4, IPv6, 0x6558 transparent Ethernet bridging, MPLS — and ERSPAN mirrors: 0x88BE is type II
 * (8-byte header) when the S bit is set, and type I (no header at all) when it is not, as Cisco
 * sends them; 0x22EB is type III (12-byte header, + 8-byte platform-specific subheader when its O
 * bit is set).
 *
 * Version 1 (RFC 2637, PPTP's enhanced GRE): K always set, key = payload length + call id, then
 * optional sequence (S) and acknowledgement (A) numbers, then a PPP frame with optional FF 03
 * address/control bytes. PPP control traffic and compressed/encrypted (MPPE) frames are 'non-ip'.
 */
export function decodeGre(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 4) {
    fail(out, counters, DecodeError.truncatedTunnel);
    return FAIL;
  }
  const f0 = b[off];
  const f1 = b[off + 1];
  const version = f1 & 0x07;
  const protocol = u16(b, off + 2);
  const outermost = out.tunnelDepth === 1;
  let o = off + 4;

  if (version === 1) {
    if (protocol !== EtherType.ppp || (f0 & 0x20) === 0) {
      fail(out, counters, DecodeError.badTunnelHeader);
      return FAIL;
    }
    if (end - o < 4) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    const payloadLength = u16(b, o);
    if (outermost) out.tunnelId = u16(b, o + 2);
    o += 4;
    if ((f0 & 0x10) !== 0) o += 4; // sequence number
    if ((f1 & 0x80) !== 0) o += 4; // acknowledgement number
    if (payloadLength === 0) return STOP; // acknowledgement only: the GRE packet is the flow
    if (o >= end) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    if (end - o >= 2 && b[o] === 0xff && b[o + 1] === 0x03) o += 2;
    return decodePppProtocol(b, o, end, out, counters);
  }
  if (version !== 0) {
    fail(out, counters, DecodeError.badTunnelHeader);
    return FAIL;
  }

  if ((f0 & 0xc0) !== 0) o += 4; // checksum + offset, present when C or R is set
  if ((f0 & 0x20) !== 0) {
    if (end - o < 4) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    if (outermost) out.tunnelId = u32(b, o);
    o += 4;
  }
  const hasSequence = (f0 & 0x10) !== 0;
  if (hasSequence) o += 4;
  if ((f0 & 0x40) !== 0) {
    // RFC 1701 source route entries: address family (2), SRE offset (1), SRE length (1), then
    // `length` bytes; the list ends with family 0 and length 0. Each entry is >= 4 bytes.
    for (;;) {
      if (end - o < 4) {
        fail(out, counters, DecodeError.truncatedTunnel);
        return FAIL;
      }
      const family = u16(b, o);
      const length = b[o + 3];
      o += 4 + length;
      if (family === 0 && length === 0) break;
    }
  }
  if (o > end) {
    fail(out, counters, DecodeError.truncatedTunnel);
    return FAIL;
  }

  if (protocol === EtherType.erspan2) {
    if (outermost) out.tunnelType = TunnelType.erspan;
    out.etherType = EtherType.teb;
    if (!hasSequence) return o; // ERSPAN type I: the mirrored frame follows the GRE header
    if (end - o < 8) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    if (b[o] >> 4 !== 1) {
      fail(out, counters, DecodeError.badTunnelHeader);
      return FAIL;
    }
    if (outermost) out.tunnelId = u16(b, o + 2) & 0x03ff;
    return o + 8;
  }
  if (protocol === EtherType.erspan3) {
    if (outermost) out.tunnelType = TunnelType.erspan;
    if (end - o < 12) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    if (b[o] >> 4 !== 2) {
      fail(out, counters, DecodeError.badTunnelHeader);
      return FAIL;
    }
    if (outermost) out.tunnelId = u16(b, o + 2) & 0x03ff;
    // Word 2: SGT (16) | P (1) | FT (5) | HW ID (6) | D (1) | Gra (2) | O (1)
    const word = u16(b, o + 10);
    const frameType = (word >> 10) & 0x1f;
    o += (word & 1) !== 0 ? 20 : 12;
    if (o >= end) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    if (frameType === 0) {
      out.etherType = EtherType.teb;
      return o;
    }
    if (frameType === 2) {
      // A mirrored IP packet without its Ethernet header.
      const version = b[o] >> 4;
      if (version === 4 || version === 6) {
        out.etherType = version === 4 ? EtherType.ipv4 : EtherType.ipv6;
        return o;
      }
    }
    fail(out, counters, DecodeError.unsupportedTunnelPayload);
    return FAIL;
  }
  // Everything else is an EtherType for the dispatcher (IPv4, IPv6, 0x6558, MPLS, VLAN...); what it
  // does not know (WCCP, NSH, ...) it counts as non-IP.
  out.etherType = protocol;
  return o;
}
