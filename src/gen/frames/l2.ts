/** Link-layer byte builders: Ethernet and its tags, MPLS, PPPoE session, Linux SLL and SLL2. */
import { put16, put32 } from '../checksum.js';

export const ETH_IPV4 = 0x0800;
export const ETH_IPV6 = 0x86dd;
export const ETH_VLAN = 0x8100;
export const ETH_QINQ = 0x88a8;
export const ETH_MPLS = 0x8847;
export const ETH_PPPOE_SESSION = 0x8864;
export const ETH_TEB = 0x6558;
export const PPP_IPV4 = 0x0021;
export const PPP_IPV6 = 0x0057;

/** Destination and source MAC (6 bytes each). Returns the offset after them. */
export function writeMacs(buf: Uint8Array, off: number, dst: Uint8Array, src: Uint8Array): number {
  for (let i = 0; i < 6; i++) {
    buf[off + i] = dst[i];
    buf[off + 6 + i] = src[i];
  }
  return off + 12;
}

export function writeEthertype(buf: Uint8Array, off: number, type: number): number {
  put16(buf, off, type);
  return off + 2;
}

/** One 802.1Q / 802.1ad tag: TPID, then PCP (3 bits), DEI 0, VLAN id (12 bits). */
export function writeTag(buf: Uint8Array, off: number, tpid: number, pcp: number, vid: number): number {
  put16(buf, off, tpid);
  put16(buf, off + 2, ((pcp & 7) << 13) | (vid & 0xfff));
  return off + 4;
}

/** One MPLS label stack entry: label (20 bits), traffic class, bottom-of-stack, TTL. */
export function writeMpls(
  buf: Uint8Array,
  off: number,
  label: number,
  tc: number,
  bottom: boolean,
  ttl: number,
): number {
  put32(buf, off, ((label & 0xfffff) << 12) | ((tc & 7) << 9) | (bottom ? 0x100 : 0) | (ttl & 255));
  return off + 4;
}

/** PPPoE session header (RFC 2516) and the 2-byte PPP protocol field; `ipLen` = bytes after them. */
export function writePppoeSession(
  buf: Uint8Array,
  off: number,
  session: number,
  pppProto: number,
  ipLen: number,
): number {
  buf[off] = 0x11; // version 1, type 1
  buf[off + 1] = 0; // code: session data
  put16(buf, off + 2, session);
  put16(buf, off + 4, ipLen + 2);
  put16(buf, off + 6, pppProto);
  return off + 8;
}

/** Linux cooked capture v1 (16 bytes); `pktType` 0 = to us, 4 = sent by us. */
export function writeSll(
  buf: Uint8Array,
  off: number,
  pktType: number,
  mac: Uint8Array,
  proto: number,
): number {
  put16(buf, off, pktType);
  put16(buf, off + 2, 1); // ARPHRD_ETHER
  put16(buf, off + 4, 6);
  for (let i = 0; i < 6; i++) buf[off + 6 + i] = mac[i];
  buf[off + 12] = 0;
  buf[off + 13] = 0;
  put16(buf, off + 14, proto);
  return off + 16;
}

/** Linux cooked capture v2 (20 bytes). */
export function writeSll2(
  buf: Uint8Array,
  off: number,
  proto: number,
  ifindex: number,
  pktType: number,
  mac: Uint8Array,
): number {
  put16(buf, off, proto);
  put16(buf, off + 2, 0);
  put32(buf, off + 4, ifindex);
  put16(buf, off + 8, 1); // ARPHRD_ETHER
  buf[off + 10] = pktType;
  buf[off + 11] = 6;
  for (let i = 0; i < 6; i++) buf[off + 12 + i] = mac[i];
  buf[off + 18] = 0;
  buf[off + 19] = 0;
  return off + 20;
}
