import { u16, u24 } from './bytes.js';
import { DecodeError, FAIL, fail } from './errors.js';
import type { DecodedPacket } from './packet.js';

/**
 * Geneve (RFC 8926, UDP destination port 6081): version (2 bits, must be 0), options length
 * (6 bits, 4-byte units), O/C flags, protocol type (an EtherType: 0x6558 Ethernet, 0x0800,
 * 0x86DD...), 24-bit VNI, then the options and the payload.
 */
export function decodeGeneve(
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
  if (b[off] >> 6 !== 0) {
    fail(out, counters, DecodeError.badTunnelHeader);
    return FAIL;
  }
  const o = off + 8 + ((b[off] & 0x3f) << 2);
  if (o > end) {
    fail(out, counters, DecodeError.truncatedTunnel);
    return FAIL;
  }
  if (out.tunnelDepth === 1) out.tunnelId = u24(b, off + 4);
  out.etherType = u16(b, off + 2);
  return o;
}
