/** Tunnel headers: GRE (optional key), VXLAN, Geneve, GTP-U. */
import { put16, put32 } from '../checksum.js';

export const VXLAN_PORT = 4789;
export const GENEVE_PORT = 6081;
export const GTPU_PORT = 2152;

/** GRE (RFC 2784/2890): K bit and key when `withKey`. Returns the offset after the header. */
export function writeGre(buf: Uint8Array, off: number, ptype: number, withKey: boolean, key: number): number {
  put16(buf, off, withKey ? 0x2000 : 0);
  put16(buf, off + 2, ptype);
  if (!withKey) return off + 4;
  put32(buf, off + 4, key);
  return off + 8;
}

/** VXLAN (RFC 7348): I flag and 24-bit VNI; an Ethernet frame follows. */
export function writeVxlan(buf: Uint8Array, off: number, vni: number): number {
  put32(buf, off, 0x08000000);
  put32(buf, off + 4, (vni & 0xffffff) << 8);
  return off + 8;
}

/** Geneve (RFC 8926) without options: version 0, protocol type, 24-bit VNI. */
export function writeGeneve(buf: Uint8Array, off: number, ptype: number, vni: number): number {
  buf[off] = 0;
  buf[off + 1] = 0;
  put16(buf, off + 2, ptype);
  put32(buf, off + 4, (vni & 0xffffff) << 8);
  return off + 8;
}

/** GTP-U v1 G-PDU without optional fields; `payloadLen` = bytes of the T-PDU after the header. */
export function writeGtpu(buf: Uint8Array, off: number, teid: number, payloadLen: number): number {
  buf[off] = 0x30; // version 1, protocol type GTP, no E/S/PN
  buf[off + 1] = 0xff; // G-PDU
  put16(buf, off + 2, payloadLen);
  put32(buf, off + 4, teid);
  return off + 8;
}
