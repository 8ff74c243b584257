import { communityId } from './community-id.js';
import { EndCode, endReasonName, type FlowRecord, type TunnelInfo } from './record.js';
import { formatAddress } from './address.js';
import { exporters } from './exporters.js';
import { TUNNEL_TYPE_NAMES } from '../workers/decode/packet.js';

/**
 * Flow batches: how flows travel from a worker to the main thread. One ArrayBuffer of
 * fixed-size little-endian records, transferred (not copied) with the task result.
 * Addresses are raw network-order bytes.
 */
export const FLOW_REC_BYTES = 144;
export const FR = {
  id: 0,
  firstSeen: 8,
  lastSeen: 16,
  srcPackets: 24,
  dstPackets: 32,
  srcBytes: 40,
  dstBytes: 48,
  srcAddr: 56,
  dstAddr: 72,
  outerSrc: 88,
  outerDst: 104,
  tunnelId: 120,
  srcPort: 124,
  dstPort: 126,
  vlan: 128,
  ifIndex: 130,
  proto: 132,
  ipVersion: 133,
  srcTcpFlags: 134,
  dstTcpFlags: 135,
  endCode: 136,
  tunnelType: 137,
  outerVersion: 138,
  icmpType: 139,
  icmpCode: 140,
  isIcmp: 141,
  /** u16 id in the exporter registry (src/flow/exporters.ts); 0 = captured here. */
  exporterId: 142,
} as const;

export interface FlowBatch {
  buffer: ArrayBuffer;
  count: number;
}

/**
 * Reads the fields of one record of a batch (move with `at(i)`); shared by the object decoder
 * and the direct NDJSON formatter so both read the layout the same way.
 */
export class FlowCursor {
  private readonly v: DataView;
  private readonly bytes: Uint8Array;
  private o = 0;

  constructor(readonly batch: FlowBatch) {
    this.v = new DataView(batch.buffer);
    this.bytes = new Uint8Array(batch.buffer);
  }

  at(i: number): this {
    this.o = i * FLOW_REC_BYTES;
    return this;
  }

  f64(field: number): number {
    return this.v.getFloat64(this.o + field, true);
  }
  u16(field: number): number {
    return this.v.getUint16(this.o + field, true);
  }
  u8(field: number): number {
    return this.v.getUint8(this.o + field);
  }
  get ipVersion(): 4 | 6 {
    return this.u8(FR.ipVersion) === 6 ? 6 : 4;
  }
  get isIcmp(): boolean {
    return this.u8(FR.isIcmp) === 1;
  }
  get endCode(): number {
    return this.u8(FR.endCode);
  }
  address(field: number, version: number): Uint8Array {
    const at = this.o + field;
    return this.bytes.subarray(at, at + (version === 6 ? 16 : 4));
  }
  communityId(): string {
    const version = this.ipVersion;
    const proto = this.u8(FR.proto);
    const src = this.address(FR.srcAddr, version);
    const dst = this.address(FR.dstAddr, version);
    return this.isIcmp
      ? communityId(proto, src, dst, this.u8(FR.icmpType), this.u8(FR.icmpCode))
      : communityId(proto, src, dst, this.u16(FR.srcPort), this.u16(FR.dstPort));
  }
  tunnel(): TunnelInfo | null {
    const type = this.u8(FR.tunnelType);
    if (type === 0) return null;
    const outerVersion = this.u8(FR.outerVersion) === 6 ? 6 : 4;
    return {
      type: TUNNEL_TYPE_NAMES[type] ?? String(type),
      srcAddr: formatAddress(this.address(FR.outerSrc, outerVersion)),
      dstAddr: formatAddress(this.address(FR.outerDst, outerVersion)),
      id: this.v.getUint32(this.o + FR.tunnelId, true),
    };
  }
}

/** Decodes record `i` of a batch into the public record shape (allocates: main thread only). */
export function decodeFlow(
  batch: FlowBatch,
  i: number,
  cursor: FlowCursor = new FlowCursor(batch),
): FlowRecord {
  const c = cursor.at(i);
  const version = c.ipVersion;
  const endCode = c.endCode;
  const isIcmp = c.isIcmp;
  return {
    id: String(c.f64(FR.id)),
    proto: c.u8(FR.proto),
    srcAddr: formatAddress(c.address(FR.srcAddr, version)),
    srcPort: c.u16(FR.srcPort),
    dstAddr: formatAddress(c.address(FR.dstAddr, version)),
    dstPort: c.u16(FR.dstPort),
    vlan: c.u16(FR.vlan),
    srcPackets: c.f64(FR.srcPackets),
    srcBytes: c.f64(FR.srcBytes),
    dstPackets: c.f64(FR.dstPackets),
    dstBytes: c.f64(FR.dstBytes),
    firstSeen: c.f64(FR.firstSeen),
    lastSeen: c.f64(FR.lastSeen),
    srcTcpFlags: c.u8(FR.srcTcpFlags),
    dstTcpFlags: c.u8(FR.dstTcpFlags),
    state: endCode === EndCode.active ? 'active' : 'ended',
    endReason: endReasonName(endCode),
    communityId: c.communityId(),
    ipVersion: version,
    icmpType: isIcmp ? c.u8(FR.icmpType) : null,
    icmpCode: isIcmp ? c.u8(FR.icmpCode) : null,
    tunnel: c.tunnel(),
    ifIndex: c.u16(FR.ifIndex),
    exporter: exporters.get(c.u16(FR.exporterId)),
  };
}

export function* decodeFlows(batch: FlowBatch): Generator<FlowRecord> {
  const cursor = new FlowCursor(batch);
  for (let i = 0; i < batch.count; i++) yield decodeFlow(batch, i, cursor);
}
