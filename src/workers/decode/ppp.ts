import { u16 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import { EtherType } from './link-types.js';
import type { DecodedPacket } from './packet.js';

/**
 * The PPP protocol field at `off` (RFC 1661): 2 bytes, or 1 byte when protocol-field compression
 * is in use (a protocol number's low byte is always odd and its high byte always even, so an odd
 * first byte means the compressed form). 0x0021 IPv4, 0x0057 IPv6, 0x0281/0x0283 MPLS; everything
 * else (LCP, IPCP, CCP, compressed or encrypted datagrams) is control or opaque traffic: 'non-ip'.
 * The caller has already skipped the optional FF 03 address/control bytes.
 */
export function decodePppProtocol(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (off >= end) {
    fail(out, counters, DecodeError.truncatedPpp);
    return FAIL;
  }
  let proto: number;
  let o: number;
  if ((b[off] & 1) !== 0) {
    proto = b[off];
    o = off + 1;
  } else {
    if (end - off < 2) {
      fail(out, counters, DecodeError.truncatedPpp);
      return FAIL;
    }
    proto = u16(b, off);
    o = off + 2;
  }
  switch (proto) {
    case 0x0021:
      out.etherType = EtherType.ipv4;
      return o;
    case 0x0057:
      out.etherType = EtherType.ipv6;
      return o;
    case 0x0281:
      out.etherType = EtherType.mplsUnicast;
      return o;
    case 0x0283:
      out.etherType = EtherType.mplsMulticast;
      return o;
    default:
      out.etherType = 0;
      fail(out, counters, DecodeError.nonIp);
      return FAIL;
  }
}
