import { u16 } from './bytes.js';
import { DecodeError, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/*
 * ICMP and ICMPv6: type in srcPort, code in dstPort, as NetFlow/IPFIX do, plus icmpType/icmpCode.
 * Echo-style messages (a request and its reply share an identifier) set icmpId so that the flow
 * table can pair them. An error message (unreachable, time exceeded, parameter problem, source
 * quench, redirect; ICMPv6 1-4) quotes the offending packet: it belongs to the ICMP flow between
 * the reporting router and the sender, and we never descend into the quote — attributing it to
 * the quoted packet's flow would count a router's packets as the host's and make spurious flows.
 */

function icmpCommon(b: Uint8Array, off: number, n: number, out: DecodedPacket): void {
  const type = b[off];
  const code = b[off + 1];
  out.srcPort = type;
  out.dstPort = code;
  out.icmpType = type;
  out.icmpCode = code;
  out.hasPorts = true;
  if (n >= 8) out.payloadOffset = off + 8;
}

/** ICMP for IPv4 (RFC 792): echo 0/8, timestamp 13/14, information 15/16, address mask 17/18 carry an id. */
export function decodeIcmp(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): void {
  const n = end - off;
  if (n < 2) {
    fail(out, counters, DecodeError.truncatedIcmp);
    return;
  }
  icmpCommon(b, off, n, out);
  const type = out.icmpType;
  if (n >= 6 && (type === 0 || type === 8 || (type >= 13 && type <= 18))) out.icmpId = u16(b, off + 4);
  if (n < 8) fail(out, counters, DecodeError.truncatedIcmp);
}

/** ICMPv6 (RFC 4443): echo request/reply 128/129 carry an id. */
export function decodeIcmpv6(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): void {
  const n = end - off;
  if (n < 2) {
    fail(out, counters, DecodeError.truncatedIcmpv6);
    return;
  }
  icmpCommon(b, off, n, out);
  const type = out.icmpType;
  if (n >= 6 && (type === 128 || type === 129)) out.icmpId = u16(b, off + 4);
  if (n < 8) fail(out, counters, DecodeError.truncatedIcmpv6);
}
