import { u16 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * UDP header. Returns where the datagram ends on the wire (from the UDP length when it is
 * consistent, else the IP packet's end), so that tunnel payloads are bounded by it; FAIL when the
 * 8-byte header is not all there (the ports may still have been read).
 */
export function decodeUdp(
  b: Uint8Array,
  off: number,
  end: number,
  pktEnd: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  const n = end - off;
  if (n < 4) {
    fail(out, counters, DecodeError.truncatedUdp);
    return FAIL;
  }
  out.srcPort = u16(b, off);
  out.dstPort = u16(b, off + 2);
  out.hasPorts = true;
  if (n < 8) {
    fail(out, counters, DecodeError.truncatedUdp);
    return FAIL;
  }
  out.payloadOffset = off + 8;
  const length = u16(b, off + 4);
  if (length >= 8 && length <= pktEnd - off) return off + length;
  // A first fragment holds only part of the datagram; length 0 is legal in IPv6 jumbograms
  // (RFC 2675).
  if (!(out.isFragment && length >= 8) && !(length === 0 && out.ipVersion === 6)) {
    fail(out, counters, DecodeError.badUdpLength);
  }
  return pktEnd;
}
