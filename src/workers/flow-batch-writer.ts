import { FLOW_REC_BYTES, FR, type FlowBatch } from '../flow/batch.js';
import { FL, type FlowTable } from './flow-table.js';

/**
 * Collects flow records of one task into a growing ArrayBuffer that is transferred to the main
 * thread with the task result (one message per task, never per flow).
 */
export class FlowBatchWriter {
  private buffer: ArrayBuffer;
  private view: DataView;
  private bytes: Uint8Array;
  count = 0;

  private readonly initialBytes: number;

  constructor(initialRecords = 1024) {
    this.initialBytes = initialRecords * FLOW_REC_BYTES;
    this.buffer = new ArrayBuffer(this.initialBytes);
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
  }

  /** Appends slot `slot` of `t` as a record with the given end code (0 = still active). */
  write(t: FlowTable, slot: number, endCode: number): void {
    if ((this.count + 1) * FLOW_REC_BYTES > this.buffer.byteLength) this.grow();
    const o = this.count * FLOW_REC_BYTES;
    const v = this.view;
    v.setFloat64(o + FR.id, t.f64[(slot << 4) + FL.id], true);
    v.setFloat64(o + FR.firstSeen, t.f64[(slot << 4) + FL.first], true);
    v.setFloat64(o + FR.lastSeen, t.f64[(slot << 4) + FL.last], true);
    v.setFloat64(o + FR.srcPackets, t.f64[(slot << 4) + FL.srcPackets], true);
    v.setFloat64(o + FR.dstPackets, t.f64[(slot << 4) + FL.dstPackets], true);
    v.setFloat64(o + FR.srcBytes, t.f64[(slot << 4) + FL.srcBytes], true);
    v.setFloat64(o + FR.dstBytes, t.f64[(slot << 4) + FL.dstBytes], true);
    const k = slot * 8;
    const a = (slot << 5) + FL.addr;
    for (let w = 0; w < 4; w++) {
      v.setUint32(o + FR.srcAddr + w * 4, t.u32[a + w], false);
      v.setUint32(o + FR.dstAddr + w * 4, t.u32[a + 4 + w], false);
      v.setUint32(o + FR.outerSrc + w * 4, t.outer[k + w], false);
      v.setUint32(o + FR.outerDst + w * 4, t.outer[k + 4 + w], false);
    }
    const meta = t.u32[(slot << 5) + FL.meta];
    const proto = meta & 0xff;
    const isIcmp = proto === 1 || proto === 58;
    const icmp = t.u16[(slot << 6) + FL.icmp];
    v.setUint32(o + FR.tunnelId, t.u32[(slot << 5) + FL.tunnelId], true);
    if (isIcmp) {
      // NetFlow convention: ICMP type and code in the destination port, source port 0.
      v.setUint16(o + FR.srcPort, 0, true);
      v.setUint16(o + FR.dstPort, icmp, true);
    } else {
      const ports = t.u32[(slot << 5) + FL.ports];
      v.setUint16(o + FR.srcPort, ports >>> 16, true);
      v.setUint16(o + FR.dstPort, ports & 0xffff, true);
    }
    v.setUint16(o + FR.vlan, (meta >>> 12) & 0xfff, true);
    v.setUint16(o + FR.ifIndex, t.u16[(slot << 6) + FL.ifIndex], true);
    v.setUint8(o + FR.proto, proto);
    v.setUint8(o + FR.ipVersion, meta & 0x100 ? 6 : 4);
    v.setUint8(o + FR.srcTcpFlags, t.u8[(slot << 7) + FL.srcFlags]);
    v.setUint8(o + FR.dstTcpFlags, t.u8[(slot << 7) + FL.dstFlags]);
    v.setUint8(o + FR.endCode, endCode);
    v.setUint8(o + FR.tunnelType, t.u8[(slot << 7) + FL.tunnelType]);
    v.setUint8(o + FR.outerVersion, t.u8[(slot << 7) + FL.outerVersion]);
    v.setUint8(o + FR.icmpType, icmp >>> 8);
    v.setUint8(o + FR.icmpCode, icmp & 0xff);
    v.setUint8(o + FR.isIcmp, isIcmp ? 1 : 0);
    this.count++;
  }

  /** Hands the records over and starts a new, empty buffer. */
  take(): FlowBatch {
    const batch: FlowBatch = { buffer: this.buffer.slice(0, this.count * FLOW_REC_BYTES), count: this.count };
    this.count = 0;
    // A flush of many flows grows the buffer; do not keep that much memory for the next task.
    if (this.buffer.byteLength > this.initialBytes * 4) this.reset(this.initialBytes);
    return batch;
  }

  private reset(bytes: number): void {
    this.buffer = new ArrayBuffer(bytes);
    this.view = new DataView(this.buffer);
    this.bytes = new Uint8Array(this.buffer);
  }

  private grow(): void {
    const next = new ArrayBuffer(this.buffer.byteLength * 2);
    new Uint8Array(next).set(this.bytes);
    this.buffer = next;
    this.view = new DataView(next);
    this.bytes = new Uint8Array(next);
  }
}
