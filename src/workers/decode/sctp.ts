import { u16 } from './bytes.js';
import { DecodeError, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/** SCTP common header (RFC 9260): ports, verification tag, checksum; chunks follow. */
export function decodeSctp(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): void {
  const n = end - off;
  if (n < 4) {
    fail(out, counters, DecodeError.truncatedSctp);
    return;
  }
  out.srcPort = u16(b, off);
  out.dstPort = u16(b, off + 2);
  out.hasPorts = true;
  if (n < 12) {
    fail(out, counters, DecodeError.truncatedSctp);
    return;
  }
  out.payloadOffset = off + 12;
}
