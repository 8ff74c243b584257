import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';
import { decodePppProtocol } from './ppp.js';

/**
 * PPPoE session stage (EtherType 0x8864, RFC 2516): version 1, type 1, code 0x00, session id,
 * length, then a PPP frame without address/control bytes. Discovery (0x8863) never reaches here:
 * the dispatcher counts it as 'non-ip'.
 */
export function decodePppoeSession(
  b: Uint8Array,
  off: number,
  end: number,
  out: DecodedPacket,
  counters: Float64Array,
): number {
  if (end - off < 6) {
    fail(out, counters, DecodeError.truncatedPppoe);
    return FAIL;
  }
  if (b[off] !== 0x11 || b[off + 1] !== 0x00) {
    fail(out, counters, DecodeError.badPppoeHeader);
    return FAIL;
  }
  return decodePppProtocol(b, off + 6, end, out, counters);
}
