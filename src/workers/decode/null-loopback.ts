import { DecodeError, FAIL, fail } from './errors.js';
import { EtherType } from './link-types.js';
import type { DecodedPacket } from './packet.js';

/**
 * BSD address families as they appear in loopback headers. AF_INET is 2 everywhere; AF_INET6
 * differs: 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD, DragonFly), 30 (macOS/Darwin).
 */
function familyToEtherType(family: number, out: DecodedPacket, counters: Float64Array): boolean {
  if (family === 2) {
    out.etherType = EtherType.ipv4;
    return true;
  }
  if (family === 24 || family === 28 || family === 30) {
    out.etherType = EtherType.ipv6;
    return true;
  }
  out.etherType = 0;
  fail(out, counters, DecodeError.nonIp);
  return false;
}

/**
 * LINKTYPE_NULL: a 4-byte address family in the byte order of the host that captured, which the
 * file does not record. Families are small, so a value that fits in 16 bits read little-endian is
 * little-endian; otherwise it is big-endian.
 */
export function decodeNull(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 4) {
    fail(out, counters, DecodeError.truncatedLink);
    return FAIL;
  }
  const family =
    b[off + 2] === 0 && b[off + 3] === 0
      ? b[off] | (b[off + 1] << 8)
      : (b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
  return familyToEtherType(family, out, counters) ? off + 4 : FAIL;
}

/** LINKTYPE_LOOP (OpenBSD): the same 4-byte family, always big-endian. */
export function decodeLoop(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 4) {
    fail(out, counters, DecodeError.truncatedLink);
    return FAIL;
  }
  const family = (b[off] << 24) | (b[off + 1] << 16) | (b[off + 2] << 8) | b[off + 3];
  return familyToEtherType(family, out, counters) ? off + 4 : FAIL;
}
