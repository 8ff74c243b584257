/**
 * The invoking packet an ICMP error quotes: its IP header and the first 8 bytes after it
 * (RFC 792; for ICMPv6 we quote the same 48 bytes, well under the RFC 4443 limit).
 */
import { put16, put32 } from '../checksum.js';
import { writeIpv4, writeIpv6 } from './ip.js';
import { PROTO_ICMP, PROTO_ICMPV6, PROTO_TCP } from './transport.js';

export function quoteLen(v6: boolean): number {
  return v6 ? 48 : 28;
}

/**
 * Writes the quote at `off`: IP header src -> dst with the claimed original length, then 8 bytes
 * of its L4 header (UDP header, TCP ports and sequence number, or an echo request header).
 */
export function writeQuote(
  buf: Uint8Array,
  off: number,
  v6: boolean,
  src: Uint8Array,
  dst: Uint8Array,
  proto: number,
  origLen: number,
  ttl: number,
  id: number,
  sport: number,
  dport: number,
  seq: number,
): number {
  const o = v6
    ? writeIpv6(buf, off, 0, id & 0xfffff, origLen - 40, proto, ttl, src, dst)
    : writeIpv4(buf, off, 0, origLen, id & 0xffff, 0x4000, ttl, proto, src, dst, 0);
  if (proto === PROTO_ICMP || proto === PROTO_ICMPV6) {
    buf[o] = proto === PROTO_ICMP ? 8 : 128;
    buf[o + 1] = 0;
    put16(buf, o + 2, seq & 0xffff);
    put16(buf, o + 4, sport);
    put16(buf, o + 6, dport);
  } else if (proto === PROTO_TCP) {
    put16(buf, o, sport);
    put16(buf, o + 2, dport);
    put32(buf, o + 4, seq);
  } else {
    put16(buf, o, sport);
    put16(buf, o + 2, dport);
    put16(buf, o + 4, origLen - (v6 ? 40 : 20));
    put16(buf, o + 6, seq & 0xffff);
  }
  return o + 8;
}
