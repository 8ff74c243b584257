import { u24 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import { EtherType } from './link-types.js';
import type { DecodedPacket } from './packet.js';

/**
 * VXLAN (RFC 7348, UDP destination port 4789): flags with the I bit (0x08) marking a valid VNI,
 * 3 reserved bytes, 24-bit VNI, 1 reserved byte, then an Ethernet frame. Without the I bit this is
 * not VXLAN traffic we can read (or not VXLAN at all): 'bad-tunnel-header'. Other flag bits (GBP,
 * GPE) are tolerated.
 */
export function decodeVxlan(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 8) {
    fail(out, counters, DecodeError.truncatedTunnel);
    return FAIL;
  }
  if ((b[off] & 0x08) === 0) {
    fail(out, counters, DecodeError.badTunnelHeader);
    return FAIL;
  }
  if (out.tunnelDepth === 1) out.tunnelId = u24(b, off + 4);
  out.etherType = EtherType.teb;
  return off + 8;
}
