import { u16 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * Ethernet II header (dst, src, EtherType). A type/length field <= 1500 is an IEEE 802.3 length:
 * the payload is 802.2 LLC (STP, CDP, NetBIOS...), which is non-IP unless it is SNAP with OUI 0
 * (RFC 1042 encapsulation of an EtherType). Sets `out.etherType` (0 for plain LLC) and returns the
 * payload offset; the EtherType dispatcher decides what is IP.
 */
export function decodeEthernet(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 14) {
    fail(out, counters, DecodeError.truncatedEthernet);
    return FAIL;
  }
  const type = u16(b, off + 12);
  if (type >= 0x0600) {
    out.etherType = type;
    return off + 14;
  }
  // 802.3 + LLC. SNAP: DSAP=SSAP=0xAA, control 0x03, OUI 00-00-00, then an EtherType.
  if (
    end - off >= 22 &&
    b[off + 14] === 0xaa &&
    b[off + 15] === 0xaa &&
    b[off + 16] === 0x03 &&
    b[off + 17] === 0 &&
    b[off + 18] === 0 &&
    b[off + 19] === 0
  ) {
    out.etherType = u16(b, off + 20);
    return off + 22;
  }
  out.etherType = 0;
  return off + 14;
}
