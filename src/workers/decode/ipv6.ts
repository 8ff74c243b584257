import { readAddr6, u16, u32 } from './bytes.js';
import { DecodeError, FAIL, STOP, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * IPv6 header (RFC 8200) and its extension headers: hop-by-hop options (0), routing (43),
 * fragment (44), destination options (60) and AH (51, length in 4-byte units + 2). The walk stops
 * at the first other next-header value, which becomes `out.proto`: upper layers (TCP, UDP, ...),
 * ESP (50) and no-next-header (59), which end the readable part, and mobility (135), HIP (139) and
 * shim6 (140), whose headers we treat as the terminal protocol of the flow.
 *
 * Addresses are the ones literally in the fixed header. With a routing header (type 0 or segment
 * routing) the destination is the next waypoint, not the final destination; with a Home Address
 * destination option the source is the care-of address. We do not rewrite either: the flow is
 * what crossed this link, as tcpdump and the IPFIX exporters show it.
 *
 * ipBytes is 40 + payload length. A payload length of 0 with something after the header is a
 * jumbogram (RFC 2675 hop-by-hop option) or a BIG TCP / GSO packet captured before segmentation,
 * whose jumbo option Linux strips before the capture point: the frame's length is used. A payload
 * length beyond the frame is counted and clamped, like IPv4.
 */
export function decodeIpv6(
  b: Uint8Array,
  off: number,
  end: number,
  wireEnd: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (off >= end || b[off] >> 4 !== 6) {
    fail(out, counters, off >= end ? DecodeError.truncatedIpv6 : DecodeError.badIpVersion);
    return FAIL;
  }
  if (end - off < 40) {
    fail(out, counters, DecodeError.truncatedIpv6);
    return FAIL;
  }
  const payloadLength = u16(b, off + 4);
  let nh = b[off + 6];
  const onWire = wireEnd - off;
  let ipBytes = 40 + payloadLength;
  if (payloadLength === 0 && nh !== 59) {
    ipBytes = onWire;
  } else if (ipBytes > onWire) {
    fail(out, counters, DecodeError.ipLengthExceedsFrame);
    ipBytes = onWire;
  }

  out.ipVersion = 6;
  out.ttl = b[off + 7];
  out.ipBytes = ipBytes;
  readAddr6(b, off + 8, out.src);
  readAddr6(b, off + 24, out.dst);
  out.isFragment = false;
  out.fragOffset = 0;
  out.moreFragments = false;
  out.fragId = 0;

  // Extension headers must lie inside the packet (pktEnd, on the wire) and be captured (capEnd).
  const pktEnd = off + ipBytes;
  const capEnd = pktEnd < end ? pktEnd : end;
  let o = off + 40;
  for (;;) {
    switch (nh) {
      case 0:
      case 43:
      case 60:
      case 51: {
        if (pktEnd - o < 2) {
          fail(out, counters, DecodeError.badIpv6Extension);
          out.proto = nh;
          return STOP;
        }
        if (capEnd - o < 2) {
          fail(out, counters, DecodeError.truncatedIpv6);
          out.proto = nh;
          return STOP;
        }
        const length = nh === 51 ? (b[o + 1] + 2) << 2 : (b[o + 1] + 1) << 3;
        if (pktEnd - o < length) {
          fail(out, counters, DecodeError.badIpv6Extension);
          out.proto = nh;
          return STOP;
        }
        // A header cut by the snap length still tells the next one; the next decoder counts the
        // truncation when it finds nothing to read.
        nh = b[o];
        o += length;
        break;
      }
      case 44: {
        if (pktEnd - o < 8) {
          fail(out, counters, DecodeError.badIpv6Extension);
          out.proto = nh;
          return STOP;
        }
        if (capEnd - o < 8) {
          fail(out, counters, DecodeError.truncatedIpv6);
          out.proto = nh;
          return STOP;
        }
        const offsetFlags = u16(b, o + 2);
        const fragOffset = offsetFlags & 0xfff8;
        const more = (offsetFlags & 1) !== 0;
        nh = b[o];
        // An "atomic fragment" (offset 0, M = 0, RFC 6946) is a whole packet: not a fragment.
        if (more || fragOffset !== 0) {
          out.isFragment = true;
          out.fragOffset = fragOffset;
          out.moreFragments = more;
          out.fragId = u32(b, o + 4);
        }
        o += 8;
        if (fragOffset !== 0) {
          // Later fragment: `proto` is the fragment header's next header, i.e. the first header
          // of the fragmentable part — the upper-layer protocol unless that part starts with
          // destination options.
          out.proto = nh;
          return STOP;
        }
        break;
      }
      default:
        out.proto = nh;
        return o;
    }
  }
}
