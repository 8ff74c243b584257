import { DecodeError, FAIL, fail } from './errors.js';
import { decodeEthernet } from './ethernet.js';
import { EtherType, LinkType } from './link-types.js';
import { decodeLoop, decodeNull } from './null-loopback.js';
import type { DecodedPacket } from './packet.js';
import { decodeSll, decodeSll2 } from './sll.js';

/** Raw IP without any link header: the version nibble says which. */
function decodeRawIp(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (off >= end) {
    fail(out, counters, DecodeError.truncatedLink);
    return FAIL;
  }
  const version = b[off] >> 4;
  if (version === 4) out.etherType = EtherType.ipv4;
  else if (version === 6) out.etherType = EtherType.ipv6;
  else {
    fail(out, counters, DecodeError.badIpVersion);
    return FAIL;
  }
  return off;
}

/**
 * Decodes the link-layer header for `linkType`: sets `out.etherType` to the type of what follows
 * and returns its offset, or FAIL (counted).
 */
export function decodeLink(
  b: Uint8Array,
  off: number,
  end: number,
  linkType: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  switch (linkType) {
    case LinkType.ethernet:
      return decodeEthernet(b, off, end, out, counters);
    case LinkType.linuxSll:
      return decodeSll(b, off, end, out, counters);
    case LinkType.linuxSll2:
      return decodeSll2(b, off, end, out, counters);
    case LinkType.raw:
    case LinkType.rawBsd:
    case LinkType.rawOpenBsd:
      return decodeRawIp(b, off, end, out, counters);
    case LinkType.ipv4:
      // The IPv4 decoder checks the version nibble.
      out.etherType = EtherType.ipv4;
      return off;
    case LinkType.ipv6:
      out.etherType = EtherType.ipv6;
      return off;
    case LinkType.null:
      return decodeNull(b, off, end, out, counters);
    case LinkType.loop:
      return decodeLoop(b, off, end, out, counters);
    default:
      fail(out, counters, DecodeError.unsupportedLinkType);
      return FAIL;
  }
}
