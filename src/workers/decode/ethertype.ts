import { FAIL, fail, DecodeError } from './errors.js';
import { decodeEthernet } from './ethernet.js';
import { EtherType } from './link-types.js';
import { decodeMpls } from './mpls.js';
import type { DecodedPacket } from './packet.js';
import { decodePppoeSession } from './pppoe.js';
import { decodeVlan } from './vlan.js';

/**
 * Walks the L2 / "L2.5" layers that sit between a link header (or a tunnel header) and IP —
 * VLAN tags, MPLS label stacks, PPPoE sessions, Ethernet frames (transparent Ethernet bridging in
 * GRE, Geneve, VXLAN, MPLS pseudowires) — starting from `out.etherType`. Returns the offset of an
 * IPv4 or IPv6 header with `out.etherType` 0x0800 or 0x86DD, or FAIL (counted; 'non-ip' for any
 * other EtherType: ARP, LLDP, PPPoE discovery, 802.3/LLC...). Every step consumes at least 4 bytes
 * and checks them against `end`, so the loop always terminates within the captured bytes.
 */
export function decodeToIp(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  let o = off;
  for (;;) {
    switch (out.etherType) {
      case EtherType.ipv4:
      case EtherType.ipv6:
        return o;
      case EtherType.vlan:
      case EtherType.qinq:
      case EtherType.qinqOld:
      case EtherType.qinqOld2:
        o = decodeVlan(b, o, end, out, counters);
        break;
      case EtherType.mplsUnicast:
      case EtherType.mplsMulticast:
        o = decodeMpls(b, o, end, out, counters);
        break;
      case EtherType.pppoeSession:
        o = decodePppoeSession(b, o, end, out, counters);
        break;
      case EtherType.teb:
        o = decodeEthernet(b, o, end, out, counters);
        break;
      default:
        // Inside a tunnel an unknown payload type is the tunnel's business (the packet falls
        // back to the outer flow); only a frame on the wire is 'non-ip'.
        fail(out, counters, out.tunnelDepth > 0 ? DecodeError.unsupportedTunnelPayload : DecodeError.nonIp);
        return FAIL;
    }
    if (o < 0) return FAIL;
  }
}
