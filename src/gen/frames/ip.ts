/** IPv4 (with options and header checksum) and IPv6 (with extension headers) builders. */
import { finishChecksum, put16, put32, sumWords } from '../checksum.js';

export const IPV4_OPT_NONE = 0;
/** Router Alert (RFC 2113): 4 bytes, header 24 bytes. */
export const IPV4_OPT_ROUTER_ALERT = 1;
/** Timestamp option with one slot, 12 bytes, header 32 bytes. */
export const IPV4_OPT_TIMESTAMP = 2;

export const IP_DF = 0x4000;
export const IP_MF = 0x2000;

export function ipv4HeaderLen(options: number): number {
  return options === IPV4_OPT_ROUTER_ALERT ? 24 : options === IPV4_OPT_TIMESTAMP ? 32 : 20;
}

/**
 * IPv4 header with a valid checksum. `flagsFrag` = DF/MF bits | fragment offset in 8-byte units.
 * Returns the offset after the header (and its options).
 */
export function writeIpv4(
  buf: Uint8Array,
  off: number,
  tos: number,
  totalLen: number,
  id: number,
  flagsFrag: number,
  ttl: number,
  proto: number,
  src: Uint8Array,
  dst: Uint8Array,
  options: number,
): number {
  const hl = ipv4HeaderLen(options);
  buf[off] = 0x40 | (hl >> 2);
  buf[off + 1] = tos;
  put16(buf, off + 2, totalLen);
  put16(buf, off + 4, id);
  put16(buf, off + 6, flagsFrag);
  buf[off + 8] = ttl;
  buf[off + 9] = proto;
  buf[off + 10] = 0;
  buf[off + 11] = 0;
  for (let i = 0; i < 4; i++) {
    buf[off + 12 + i] = src[i];
    buf[off + 16 + i] = dst[i];
  }
  if (options === IPV4_OPT_ROUTER_ALERT) {
    put32(buf, off + 20, 0x94040000);
  } else if (options === IPV4_OPT_TIMESTAMP) {
    // type 68, length 12, pointer 9 (one slot used of two), overflow 0 / flag 0 (timestamps only)
    buf[off + 20] = 0x44;
    buf[off + 21] = 12;
    buf[off + 22] = 9;
    buf[off + 23] = 0;
    put32(buf, off + 24, 0x80000000 | ((id * 977) & 0x7fffffff));
    put32(buf, off + 28, 0);
  }
  put16(buf, off + 10, finishChecksum(sumWords(buf, off, hl)));
  return off + hl;
}

export function writeIpv6(
  buf: Uint8Array,
  off: number,
  trafficClass: number,
  flowLabel: number,
  payloadLen: number,
  nextHeader: number,
  hopLimit: number,
  src: Uint8Array,
  dst: Uint8Array,
): number {
  put32(buf, off, (6 << 28) | ((trafficClass & 255) << 20) | (flowLabel & 0xfffff));
  put16(buf, off + 4, payloadLen);
  buf[off + 6] = nextHeader;
  buf[off + 7] = hopLimit;
  for (let i = 0; i < 16; i++) {
    buf[off + 8 + i] = src[i];
    buf[off + 24 + i] = dst[i];
  }
  return off + 40;
}

export const NH_HOP_BY_HOP = 0;
export const NH_ROUTING = 43;
export const NH_FRAGMENT = 44;
export const NH_DEST_OPTS = 60;

/** Hop-by-hop options (8 bytes): Router Alert (MLD) and a PadN. */
export function writeHopByHop(buf: Uint8Array, off: number, next: number): number {
  buf[off] = next;
  buf[off + 1] = 0;
  put32(buf, off + 2, 0x05020000);
  buf[off + 6] = 1;
  buf[off + 7] = 0;
  return off + 8;
}

/** Destination options (8 bytes): one PadN. */
export function writeDestOpts(buf: Uint8Array, off: number, next: number): number {
  buf[off] = next;
  buf[off + 1] = 0;
  buf[off + 2] = 1;
  buf[off + 3] = 4;
  put32(buf, off + 4, 0);
  return off + 8;
}

/**
 * Segment Routing Header (RFC 8754, routing type 4) with one segment and Segments Left 0: the
 * destination address is already the final one, so the header only has to be skipped.
 */
export function writeRoutingSrh(buf: Uint8Array, off: number, next: number, segment: Uint8Array): number {
  buf[off] = next;
  buf[off + 1] = 2; // 16 more bytes after the first 8
  buf[off + 2] = 4;
  buf[off + 3] = 0;
  buf[off + 4] = 0; // last entry
  buf[off + 5] = 0;
  put16(buf, off + 6, 0);
  for (let i = 0; i < 16; i++) buf[off + 8 + i] = segment[i];
  return off + 24;
}

/** Fragment header: offset in bytes (multiple of 8), more-fragments flag, 32-bit identification. */
export function writeFragmentV6(
  buf: Uint8Array,
  off: number,
  next: number,
  offsetBytes: number,
  more: boolean,
  id: number,
): number {
  buf[off] = next;
  buf[off + 1] = 0;
  put16(buf, off + 2, offsetBytes | (more ? 1 : 0));
  put32(buf, off + 4, id);
  return off + 8;
}
