import { readAddr4, u16 } from './bytes.js';
import { DecodeError, FAIL, STOP, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * IPv4 header (RFC 791). `wireEnd` is where the enclosing frame ended on the wire (the link frame,
 * or the outer packet for a tunnelled one), which may lie past `end` when the capture was cut by a
 * snap length. Sets version, addresses, proto, ttl, ipBytes and the fragment fields, and returns
 * the offset of the L4 header; STOP when the packet makes a flow but has no L4 header to read (a
 * later fragment, options cut by the snap length); FAIL when it is not a usable IPv4 header.
 *
 * ipBytes is the total length. A total length of 0 is what TSO/GSO leaves in packets captured on
 * the sending host before segmentation: the frame's length is used. A total length beyond the
 * frame is counted ('ip-length-exceeds-frame') and ipBytes is clamped to what was on the wire.
 * The header checksum is not verified (offloading leaves it unset in locally sent packets).
 */
export function decodeIpv4(
  b: Uint8Array,
  off: number,
  end: number,
  wireEnd: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  // The version first: a short packet of the wrong version is better reported as such.
  if (off >= end || b[off] >> 4 !== 4) {
    fail(out, counters, off >= end ? DecodeError.truncatedIpv4 : DecodeError.badIpVersion);
    return FAIL;
  }
  if (end - off < 20) {
    fail(out, counters, DecodeError.truncatedIpv4);
    return FAIL;
  }
  const vihl = b[off];
  const hl = (vihl & 0x0f) << 2;
  if (hl < 20) {
    fail(out, counters, DecodeError.badIpv4HeaderLength);
    return FAIL;
  }
  const totalLength = u16(b, off + 2);
  const onWire = wireEnd - off;
  let ipBytes = totalLength;
  if (totalLength === 0) {
    ipBytes = onWire;
  } else if (totalLength < hl) {
    fail(out, counters, DecodeError.badIpv4TotalLength);
    return FAIL;
  } else if (totalLength > onWire) {
    fail(out, counters, DecodeError.ipLengthExceedsFrame);
    ipBytes = onWire;
  }

  out.ipVersion = 4;
  out.proto = b[off + 9];
  out.ttl = b[off + 8];
  out.ipBytes = ipBytes;
  readAddr4(b, off + 12, out.src);
  readAddr4(b, off + 16, out.dst);

  const flags = u16(b, off + 6);
  const fragOffset = (flags & 0x1fff) << 3;
  const more = (flags & 0x2000) !== 0;
  if (more || fragOffset !== 0) {
    out.isFragment = true;
    out.fragOffset = fragOffset;
    out.moreFragments = more;
    out.fragId = u16(b, off + 4);
    // A later fragment carries no L4 header: the flow table attributes it by (src, dst, proto, id).
    if (fragOffset !== 0) return STOP;
  } else {
    out.isFragment = false;
    out.fragOffset = 0;
    out.moreFragments = false;
    out.fragId = 0;
  }
  if (end - off < hl) {
    fail(out, counters, DecodeError.truncatedIpv4);
    return STOP;
  }
  return off + hl;
}
