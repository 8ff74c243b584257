import { u16 } from './bytes.js';

/**
 * Teredo (RFC 4380, UDP port 3544 on either side): IPv6 in UDP, optionally preceded by an
 * authentication indicator (00 01, id length, auth length, id, auth value, 8-byte nonce,
 * confirmation byte) and/or an origin indicator (00 00, port, address: 8 bytes). Port 3544 is also
 * used by other traffic, so this only recognises a datagram whose payload is exactly one IPv6
 * packet (version 6, 40 + payload length = the rest of the datagram) with a Teredo address
 * (2001::/32) on one side or a link-local source (router solicitations and advertisements).
 * Returns the offset of the IPv6 header, or -1 when this is not Teredo — which is not an error:
 * the packet is then the plain UDP flow and nothing is counted.
 *
 * `udpEnd` is where the UDP datagram ends on the wire; `end` where the capture ends.
 */
export function findTeredoIpv6(b: Uint8Array, off: number, end: number, udpEnd: number): number {
  let o = off;
  if (end - o >= 4 && b[o] === 0 && b[o + 1] === 1) o += 13 + b[o + 2] + b[o + 3];
  if (end - o >= 2 && b[o] === 0 && b[o + 1] === 0) o += 8;
  if (end - o < 40 || b[o] >> 4 !== 6) return -1;
  if (40 + u16(b, o + 4) !== udpEnd - o) return -1;
  const srcTeredo = b[o + 8] === 0x20 && b[o + 9] === 0x01 && b[o + 10] === 0 && b[o + 11] === 0;
  const dstTeredo = b[o + 24] === 0x20 && b[o + 25] === 0x01 && b[o + 26] === 0 && b[o + 27] === 0;
  const srcLinkLocal = b[o + 8] === 0xfe && (b[o + 9] & 0xc0) === 0x80;
  return srcTeredo || dstTeredo || srcLinkLocal ? o : -1;
}
