import { FLOW_REC_BYTES, FR, type FlowBatch } from '../../flow/batch.js';
import { EndCode } from '../../flow/record.js';
import { FlowEndReason } from '../ipfix/ie.js';
import type { FlowScratch } from './scratch.js';

/**
 * Ids of collected flows: a range of their own, far above capture ids (seq × 64 + shard,
 * which would need 2^46 flows per shard to get there) and still exact in a double.
 */
export const COLLECTED_ID_BASE = 2 ** 52;

const TCP_FIN = 0x01;
const TCP_RST = 0x04;

/** Our end reason for an IPFIX flowEndReason (or none: -1), helped by the TCP flags. */
export function endCodeOf(reason: number, proto: number, flags: number): number {
  switch (reason) {
    case FlowEndReason.idleTimeout:
      return EndCode.idle;
    case FlowEndReason.activeTimeout:
      return EndCode.activeTimeout;
    case FlowEndReason.forcedEnd:
      return EndCode.shutdown;
    case FlowEndReason.lackOfResources:
      return EndCode.evicted;
  }
  // endOfFlowDetected, or no reason (v5, many v9 exporters): the TCP flags tell FIN from RST.
  if (proto === 6)
    return flags & TCP_RST ? EndCode.rst : flags & TCP_FIN || reason === 3 ? EndCode.fin : EndCode.idle;
  return EndCode.idle;
}

/**
 * Collected records as flow batches in the layout of src/flow/batch.ts (the store's and every
 * output's), one preallocated buffer of `capacity` records handed over (copied) when full or
 * on flush(). A NetFlow/IPFIX record is one direction: src is its source, the dst counters are
 * 0 — except RFC 5103 biflow records, whose reverse counters fill them.
 */
export class CollectedFlowWriter {
  private readonly buffer: ArrayBuffer;
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  count = 0;
  private nextId = COLLECTED_ID_BASE;

  constructor(
    readonly capacity: number,
    private readonly sink: (batch: FlowBatch) => void,
  ) {
    this.buffer = new ArrayBuffer(capacity * FLOW_REC_BYTES);
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
  }

  /** Appends the scratch record (times already resolved) scaled by the sampling `rate`. */
  write(s: FlowScratch, exporterId: number, rate: number): void {
    if (this.count === this.capacity) this.flush();
    const v = this.view;
    const b = this.bytes;
    const o = this.count * FLOW_REC_BYTES;
    b.fill(0, o, o + FLOW_REC_BYTES);
    const v6 = s.ipVersion === 6;
    const alen = v6 ? 16 : 4;
    for (let i = 0; i < alen; i++) {
      b[o + FR.srcAddr + i] = s.src[i];
      b[o + FR.dstAddr + i] = s.dst[i];
    }
    const packets = s.packets >= 0 ? s.packets : s.totalPackets >= 0 ? s.totalPackets : 0;
    const octets = s.bytes >= 0 ? s.bytes : s.totalBytes >= 0 ? s.totalBytes : 0;
    v.setFloat64(o + FR.id, this.nextId++, true);
    v.setFloat64(o + FR.firstSeen, s.startMs, true);
    v.setFloat64(o + FR.lastSeen, s.endMs, true);
    v.setFloat64(o + FR.srcPackets, Math.round(packets * rate), true);
    v.setFloat64(o + FR.srcBytes, Math.round(octets * rate), true);
    v.setFloat64(o + FR.dstPackets, Math.round(s.revPackets * rate), true);
    v.setFloat64(o + FR.dstBytes, Math.round(s.revBytes * rate), true);
    const icmp = s.proto === 1 || s.proto === 58;
    if (icmp) {
      const tc = icmpTypeCode(s);
      v.setUint16(o + FR.dstPort, tc, true);
      b[o + FR.icmpType] = tc >>> 8;
      b[o + FR.icmpCode] = tc & 0xff;
      b[o + FR.isIcmp] = 1;
    } else {
      v.setUint16(o + FR.srcPort, s.srcPort, true);
      v.setUint16(o + FR.dstPort, s.dstPort, true);
    }
    v.setUint16(o + FR.vlan, s.vlan || s.dot1qVlan, true);
    v.setUint16(o + FR.ifIndex, s.ifIndex > 0xffff ? 0xffff : s.ifIndex, true);
    b[o + FR.proto] = s.proto;
    b[o + FR.ipVersion] = v6 ? 6 : 4;
    b[o + FR.srcTcpFlags] = s.tcpFlags;
    b[o + FR.dstTcpFlags] = s.revTcpFlags;
    b[o + FR.endCode] = endCodeOf(s.endReason, s.proto, s.tcpFlags | s.revTcpFlags);
    v.setUint16(o + FR.exporterId, exporterId, true);
    this.count++;
  }

  flush(): void {
    if (this.count === 0) return;
    const batch: FlowBatch = { buffer: this.buffer.slice(0, this.count * FLOW_REC_BYTES), count: this.count };
    this.count = 0;
    this.sink(batch);
  }
}

/**
 * ICMP type × 256 + code: from icmpTypeCode (v9 ICMP_TYPE), from separate type/code elements,
 * or from the destination port (the NetFlow v5 convention many exporters keep).
 */
function icmpTypeCode(s: FlowScratch): number {
  if (s.icmpTypeCode > 0) return s.icmpTypeCode;
  if (s.icmpType >= 0) return (s.icmpType << 8) | (s.icmpCode > 0 ? s.icmpCode : 0);
  return s.dstPort;
}
