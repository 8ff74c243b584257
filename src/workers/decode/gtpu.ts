import { u32 } from './bytes.js';
import { DecodeError, FAIL, STOP, fail } from './errors.js';
import { EtherType } from './link-types.js';
import type { DecodedPacket } from './packet.js';

/**
 * GTP-U (3GPP TS 29.281, UDP destination port 2152). Flags: version (3 bits, must be 1), PT (must
 * be 1: 0 is GTP'), E / S / PN; message type; length; TEID. When any of E, S, PN is set a 4-byte
 * block follows (sequence number, N-PDU number, next extension header type), and with E the
 * extension headers chain: each is `length` 4-byte units long (its first byte; 0 is invalid) and
 * ends with the next type (0 = none). Only a G-PDU (type 255) carries a user packet, IPv4 or IPv6
 * by its first nibble; echo, error indication and end marker messages are the outer flow (STOP).
 */
export function decodeGtpu(
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
  const flags = b[off];
  if (flags >> 5 !== 1 || (flags & 0x10) === 0) {
    fail(out, counters, DecodeError.badTunnelHeader);
    return FAIL;
  }
  if (out.tunnelDepth === 1) out.tunnelId = u32(b, off + 4);
  if (b[off + 1] !== 255) return STOP;
  let o = off + 8;
  if ((flags & 0x07) !== 0) {
    if (end - o < 4) {
      fail(out, counters, DecodeError.truncatedTunnel);
      return FAIL;
    }
    let next = b[o + 3];
    o += 4;
    if ((flags & 0x04) !== 0) {
      while (next !== 0) {
        if (o >= end) {
          fail(out, counters, DecodeError.truncatedTunnel);
          return FAIL;
        }
        const length = b[o] << 2;
        if (length === 0) {
          fail(out, counters, DecodeError.badTunnelHeader);
          return FAIL;
        }
        if (end - o < length) {
          fail(out, counters, DecodeError.truncatedTunnel);
          return FAIL;
        }
        next = b[o + length - 1];
        o += length;
      }
    }
  }
  if (o >= end) {
    fail(out, counters, DecodeError.truncatedTunnel);
    return FAIL;
  }
  const version = b[o] >> 4;
  if (version === 4) out.etherType = EtherType.ipv4;
  else if (version === 6) out.etherType = EtherType.ipv6;
  else {
    fail(out, counters, DecodeError.unsupportedTunnelPayload);
    return FAIL;
  }
  return o;
}
