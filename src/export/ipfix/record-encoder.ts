import { FR } from '../../flow/batch.js';
import { flowEndReasonOf } from './ie.js';
import type { ExportFormat } from './templates.js';

const TWO32 = 4294967296;

/** Big-endian unsigned 64-bit from a non-negative integer below 2^53. */
export function putU64(v: DataView, p: number, x: number): void {
  v.setUint32(p, Math.floor(x / TWO32));
  v.setUint32(p + 4, x >>> 0);
}

/**
 * ICMP query types and their replies (RFC 792, RFC 4443): the reverse record of an echo flow
 * is an echo reply. We keep the initiator's type/code only; other types are repeated as is.
 */
function replyType(type: number, v6: boolean): number {
  if (v6) return type === 128 ? 129 : type === 133 ? 134 : type === 135 ? 136 : type;
  return type === 8 ? 0 : type === 13 ? 14 : type === 15 ? 16 : type === 17 ? 18 : type;
}

/**
 * Writes data records in the layout of templates.ts, straight from a flow batch record (byte
 * offset `o` of `inV`) into a message buffer: no allocation. Batches are little-endian; IPFIX
 * is network byte order (DataView's default).
 */
export class RecordEncoder {
  private readonly flagsLen: number;

  constructor(format: ExportFormat) {
    this.flagsLen = format === 'ipfix' ? 2 : 1;
  }

  /**
   * One direction of a bidirectional flow: the initiator's (reverse false) or the responder's
   * (reverse true: addresses, ports and counters swapped). Returns the position after it.
   */
  uni(
    inV: DataView,
    inB: Uint8Array,
    o: number,
    reverse: boolean,
    out: DataView,
    outB: Uint8Array,
    p: number,
  ): number {
    p = this.head(inV, inB, o, reverse, out, outB, p);
    p = this.flags(out, p, inB[o + (reverse ? FR.dstTcpFlags : FR.srcTcpFlags)]);
    putU64(out, p, inV.getFloat64(o + (reverse ? FR.dstBytes : FR.srcBytes), true));
    putU64(out, p + 8, inV.getFloat64(o + (reverse ? FR.dstPackets : FR.srcPackets), true));
    return this.tail(inV, inB, o, out, p + 16);
  }

  /** RFC 5103 biflow: the forward fields, then reverse octets, packets and TCP flags. */
  bi(inV: DataView, inB: Uint8Array, o: number, out: DataView, outB: Uint8Array, p: number): number {
    p = this.uni(inV, inB, o, false, out, outB, p);
    putU64(out, p, inV.getFloat64(o + FR.dstBytes, true));
    putU64(out, p + 8, inV.getFloat64(o + FR.dstPackets, true));
    return this.flags(out, p + 16, inB[o + FR.dstTcpFlags]);
  }

  /** TCP flags in the format's width (IPFIX 2 bytes, v9 1); returns the position after them. */
  private flags(out: DataView, p: number, flags: number): number {
    if (this.flagsLen === 2) out.setUint16(p, flags);
    else out.setUint8(p, flags);
    return p + this.flagsLen;
  }

  /** Addresses, ICMP type/code, ports, protocol. */
  private head(
    inV: DataView,
    inB: Uint8Array,
    o: number,
    reverse: boolean,
    out: DataView,
    outB: Uint8Array,
    p: number,
  ): number {
    const alen = inB[o + FR.ipVersion] === 6 ? 16 : 4;
    const a = o + (reverse ? FR.dstAddr : FR.srcAddr);
    const b = o + (reverse ? FR.srcAddr : FR.dstAddr);
    for (let i = 0; i < alen; i++) outB[p + i] = inB[a + i];
    p += alen;
    for (let i = 0; i < alen; i++) outB[p + i] = inB[b + i];
    p += alen;
    const icmp = inB[o + FR.isIcmp] === 1;
    const tc = icmp ? this.icmpTypeCode(inB, o, reverse) : 0;
    out.setUint16(p, tc);
    p += 2;
    if (icmp) {
      // NetFlow convention kept by IPFIX collectors: ICMP type × 256 + code as destination port.
      out.setUint16(p, 0);
      out.setUint16(p + 2, tc);
    } else {
      const sp = inV.getUint16(o + FR.srcPort, true);
      const dp = inV.getUint16(o + FR.dstPort, true);
      out.setUint16(p, reverse ? dp : sp);
      out.setUint16(p + 2, reverse ? sp : dp);
    }
    out.setUint8(p + 4, inB[o + FR.proto]);
    return p + 5;
  }

  /** Times, VLAN, interface, end reason. */
  private tail(inV: DataView, inB: Uint8Array, o: number, out: DataView, p: number): number {
    putU64(out, p, Math.floor(inV.getFloat64(o + FR.firstSeen, true)));
    putU64(out, p + 8, Math.floor(inV.getFloat64(o + FR.lastSeen, true)));
    out.setUint16(p + 16, inV.getUint16(o + FR.vlan, true));
    out.setUint32(p + 18, inV.getUint16(o + FR.ifIndex, true));
    out.setUint8(p + 22, flowEndReasonOf(inB[o + FR.endCode]));
    return p + 23;
  }

  private icmpTypeCode(inB: Uint8Array, o: number, reverse: boolean): number {
    const type = inB[o + FR.icmpType];
    const t = reverse ? replyType(type, inB[o + FR.ipVersion] === 6) : type;
    return (t << 8) | inB[o + FR.icmpCode];
  }
}
