import { u16 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * One 802.1Q / 802.1ad / 0x9100 tag (TCI + inner EtherType). The flow keeps the VLAN id of the
 * first tag seen in the packet (the outermost: the S-tag of a QinQ stack). PCP and DEI are ignored.
 */
export function decodeVlan(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 4) {
    fail(out, counters, DecodeError.truncatedVlan);
    return FAIL;
  }
  if (out.vlanTags === 0) out.vlan = u16(b, off) & 0x0fff;
  out.vlanTags++;
  out.etherType = u16(b, off + 2);
  return off + 4;
}
