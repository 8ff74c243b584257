import { u16 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/*
 * Linux "cooked" captures (tcpdump -i any). The protocol field is an EtherType for Ethernet-like
 * devices; for others Linux puts small ETH_P_* values there (0x0001 802.3, 0x0004 802.2 LLC,
 * 0x000C CAN, netlink families for ARPHRD_NETLINK...), all below 0x0600, which the EtherType
 * dispatcher counts as non-IP. For ARPHRD_IPGRE the field is the GRE protocol type and the payload
 * follows the GRE header: GRE protocol types are EtherTypes, so the same dispatch applies.
 * libpcap re-inserts a stripped 802.1Q tag as protocol 0x8100 + 4-byte tag, which the VLAN decoder
 * reads like any other.
 */

/** LINKTYPE_LINUX_SLL: packet type, ARPHRD type, address length, 8 address bytes, protocol at 14. */
export function decodeSll(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 16) {
    fail(out, counters, DecodeError.truncatedLink);
    return FAIL;
  }
  out.etherType = u16(b, off + 14);
  return off + 16;
}

/** LINKTYPE_LINUX_SLL2: protocol at 0, reserved, ifindex, ARPHRD type, packet type, address. */
export function decodeSll2(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 20) {
    fail(out, counters, DecodeError.truncatedLink);
    return FAIL;
  }
  out.etherType = u16(b, off);
  return off + 20;
}
