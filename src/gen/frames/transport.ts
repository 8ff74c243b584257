/** Transport headers: TCP (with options), UDP, ICMP/ICMPv6, SCTP common header and chunks. */
import { crc32c, finishChecksum, pseudoHeaderSum, put16, put32, sumWords } from '../checksum.js';

export const PROTO_ICMP = 1;
export const PROTO_IPIP = 4;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;
export const PROTO_IPV6 = 41;
export const PROTO_GRE = 47;
export const PROTO_ESP = 50;
export const PROTO_ICMPV6 = 58;
export const PROTO_SCTP = 132;

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/** TCP option layouts. */
export const TCP_OPTS_NONE = 0;
/** NOP NOP Timestamps (12 bytes). */
export const TCP_OPTS_TS = 1;
/** SYN: MSS, SACK permitted, Timestamps, NOP, Window scale (20 bytes). */
export const TCP_OPTS_SYN_TS = 2;
/** SYN without timestamps: MSS, NOP, Window scale, NOP, NOP, SACK permitted (12 bytes). */
export const TCP_OPTS_SYN = 3;

export function tcpHeaderLen(opts: number): number {
  return opts === TCP_OPTS_TS ? 32 : opts === TCP_OPTS_SYN_TS ? 40 : opts === TCP_OPTS_SYN ? 32 : 20;
}

/** TCP header with checksum 0 (see l4Checksum). Returns the offset after the header. */
export function writeTcp(
  buf: Uint8Array,
  off: number,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  window: number,
  opts: number,
  tsval: number,
  tsecr: number,
  mss: number,
): number {
  const hl = tcpHeaderLen(opts);
  put16(buf, off, sport);
  put16(buf, off + 2, dport);
  put32(buf, off + 4, seq);
  put32(buf, off + 8, ack);
  buf[off + 12] = (hl >> 2) << 4;
  buf[off + 13] = flags;
  put16(buf, off + 14, window);
  put32(buf, off + 16, 0); // checksum, urgent pointer
  const o = off + 20;
  if (opts === TCP_OPTS_TS) {
    put16(buf, o, 0x0101);
    buf[o + 2] = 8;
    buf[o + 3] = 10;
    put32(buf, o + 4, tsval);
    put32(buf, o + 8, tsecr);
  } else if (opts === TCP_OPTS_SYN_TS) {
    buf[o] = 2;
    buf[o + 1] = 4;
    put16(buf, o + 2, mss);
    buf[o + 4] = 4;
    buf[o + 5] = 2;
    buf[o + 6] = 8;
    buf[o + 7] = 10;
    put32(buf, o + 8, tsval);
    put32(buf, o + 12, tsecr);
    buf[o + 16] = 1;
    buf[o + 17] = 3;
    buf[o + 18] = 3;
    buf[o + 19] = 7;
  } else if (opts === TCP_OPTS_SYN) {
    buf[o] = 2;
    buf[o + 1] = 4;
    put16(buf, o + 2, mss);
    buf[o + 4] = 1;
    buf[o + 5] = 3;
    buf[o + 6] = 3;
    buf[o + 7] = 8;
    buf[o + 8] = 1;
    buf[o + 9] = 1;
    buf[o + 10] = 4;
    buf[o + 11] = 2;
  }
  return off + hl;
}

/** UDP header with checksum 0 (see l4Checksum). `length` = 8 + payload (whole datagram). */
export function writeUdp(buf: Uint8Array, off: number, sport: number, dport: number, length: number): number {
  put16(buf, off, sport);
  put16(buf, off + 2, dport);
  put16(buf, off + 4, length);
  put16(buf, off + 6, 0);
  return off + 8;
}

/**
 * Stores the TCP/UDP/ICMPv6 checksum of the L4 message at `l4Off`: the pseudo header, the
 * `inBuf` bytes present in `buf`, and `extraSum` for bytes not in the buffer (payload pattern
 * sums, the rest of a fragmented datagram). `l4Len` is the whole L4 length for the pseudo header.
 */
export function l4Checksum(
  buf: Uint8Array,
  l4Off: number,
  checksumOff: number,
  inBuf: number,
  extraSum: number,
  src: Uint8Array,
  dst: Uint8Array,
  proto: number,
  l4Len: number,
): void {
  const s = pseudoHeaderSum(src, dst, proto, l4Len) + sumWords(buf, l4Off, inBuf) + extraSum;
  let c = finishChecksum(s);
  if (c === 0 && proto === PROTO_UDP) c = 0xffff; // 0 means "no checksum" in UDP
  put16(buf, l4Off + checksumOff, c);
}

/** ICMP (v4) checksum: no pseudo header. */
export function icmpChecksum(buf: Uint8Array, off: number, inBuf: number, extraSum: number): void {
  put16(buf, off + 2, finishChecksum(sumWords(buf, off, inBuf) + extraSum));
}

/** ICMP/ICMPv6 header: type, code, checksum 0, and 4 bytes (echo id/seq, MTU, unused). */
export function writeIcmpHeader(
  buf: Uint8Array,
  off: number,
  type: number,
  code: number,
  rest: number,
): number {
  buf[off] = type;
  buf[off + 1] = code;
  put16(buf, off + 2, 0);
  put32(buf, off + 4, rest);
  return off + 8;
}

/** SCTP common header with checksum 0 (see sctpChecksum). */
export function writeSctpCommon(
  buf: Uint8Array,
  off: number,
  sport: number,
  dport: number,
  vtag: number,
): number {
  put16(buf, off, sport);
  put16(buf, off + 2, dport);
  put32(buf, off + 4, vtag);
  put32(buf, off + 8, 0);
  return off + 12;
}

/** Chunk header; `length` excludes padding. Returns the offset after the 4-byte header. */
export function writeChunkHeader(
  buf: Uint8Array,
  off: number,
  type: number,
  flags: number,
  length: number,
): number {
  buf[off] = type;
  buf[off + 1] = flags;
  put16(buf, off + 2, length);
  return off + 4;
}

/** CRC-32C over the whole SCTP packet, stored little-endian as RFC 9260 appendix B shows. */
export function sctpChecksum(buf: Uint8Array, off: number, len: number): void {
  const c = crc32c(buf, off, len);
  buf[off + 8] = c & 255;
  buf[off + 9] = (c >>> 8) & 255;
  buf[off + 10] = (c >>> 16) & 255;
  buf[off + 11] = c >>> 24;
}
