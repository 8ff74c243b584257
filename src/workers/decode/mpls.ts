import { DecodeError, FAIL, fail } from './errors.js';
import { EtherType } from './link-types.js';
import type { DecodedPacket } from './packet.js';

/**
 * MPLS label stack (RFC 3032): 4-byte entries up to the one with the bottom-of-stack bit. MPLS does
 * not say what it carries, so, like Wireshark and tcpdump, we look at the first nibble after the
 * stack: 4 = IPv4, 6 = IPv6, 0 = pseudowire control word (RFC 4385, 4 bytes) followed by an
 * Ethernet frame (RFC 4448). Anything else (1 = G-ACh, or a PW without control word) is counted as
 * 'unknown-mpls-payload'. Keeps the top label of the first stack seen in `out.mplsLabel`.
 */
export function decodeMpls(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  let o = off;
  for (;;) {
    if (end - o < 4) {
      fail(out, counters, DecodeError.truncatedMpls);
      return FAIL;
    }
    if (out.mplsLabel < 0) out.mplsLabel = (b[o] << 12) | (b[o + 1] << 4) | (b[o + 2] >> 4);
    const bottom = b[o + 2] & 1;
    o += 4;
    if (bottom !== 0) break;
  }
  if (o >= end) {
    fail(out, counters, DecodeError.truncatedMpls);
    return FAIL;
  }
  const nibble = b[o] >> 4;
  if (nibble === 4) {
    out.etherType = EtherType.ipv4;
    return o;
  }
  if (nibble === 6) {
    out.etherType = EtherType.ipv6;
    return o;
  }
  if (nibble === 0) {
    if (end - o < 4) {
      fail(out, counters, DecodeError.truncatedMpls);
      return FAIL;
    }
    out.etherType = EtherType.teb;
    return o + 4;
  }
  fail(out, counters, DecodeError.unknownMplsPayload);
  return FAIL;
}
