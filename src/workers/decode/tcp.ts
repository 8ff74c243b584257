import { u16 } from './bytes.js';
import { DecodeError, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * TCP header: ports (first 4 bytes) and the flags byte (offset 13). A header cut short still gives
 * whatever it holds: ports need 4 bytes, flags 14. `pktEnd` is the end of the IP packet on the
 * wire, to tell a data offset pointing past the segment (malformed) from a snap-length cut.
 */
export function decodeTcp(
  b: Uint8Array,
  off: number,
  end: number,
  pktEnd: number,
  out: DecodedPacket,
  counters: Float64Array,
): void {
  const n = end - off;
  if (n < 4) {
    fail(out, counters, DecodeError.truncatedTcp);
    return;
  }
  out.srcPort = u16(b, off);
  out.dstPort = u16(b, off + 2);
  out.hasPorts = true;
  if (n < 14) {
    fail(out, counters, DecodeError.truncatedTcp);
    return;
  }
  out.tcpFlags = b[off + 13];
  const dataOffset = (b[off + 12] >> 4) << 2;
  // In a first fragment the header may continue in the next fragment (RFC 1858's "tiny
  // fragments"): that is a truncation, not a bad data offset.
  if (dataOffset < 20 || (pktEnd - off < dataOffset && !out.isFragment)) {
    fail(out, counters, DecodeError.badTcpDataOffset);
    return;
  }
  if (n < dataOffset) {
    fail(out, counters, DecodeError.truncatedTcp);
    return;
  }
  out.payloadOffset = off + dataOffset;
}
