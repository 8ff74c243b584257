import { communityId } from './community-id.js';
import { EndCode, endReasonName, type FlowRecord } from './record.js';
import { formatAddress } from './address.js';
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
} as const;

export interface FlowBatch {
  buffer: ArrayBuffer;
  count: number;
}

function addressBytes(bytes: Uint8Array, at: number, version: number): Uint8Array {
  return bytes.subarray(at, at + (version === 6 ? 16 : 4));
}

/** Decodes record `i` of a batch into the public record shape (allocates: main thread only). */
export function decodeFlow(batch: FlowBatch, i: number): FlowRecord {
  const v = new DataView(batch.buffer, i * FLOW_REC_BYTES, FLOW_REC_BYTES);
  const bytes = new Uint8Array(batch.buffer, i * FLOW_REC_BYTES, FLOW_REC_BYTES);
  const version = v.getUint8(FR.ipVersion) === 6 ? 6 : 4;
  const proto = v.getUint8(FR.proto);
  const endCode = v.getUint8(FR.endCode);
  const isIcmp = v.getUint8(FR.isIcmp) === 1;
  const icmpType = v.getUint8(FR.icmpType);
  const icmpCode = v.getUint8(FR.icmpCode);
  const srcAddr = addressBytes(bytes, FR.srcAddr, version);
  const dstAddr = addressBytes(bytes, FR.dstAddr, version);
  const srcPort = v.getUint16(FR.srcPort, true);
  const dstPort = v.getUint16(FR.dstPort, true);
  const tunnelType = v.getUint8(FR.tunnelType);
  const outerVersion = v.getUint8(FR.outerVersion) === 6 ? 6 : 4;
  return {
    id: String(v.getFloat64(FR.id, true)),
    proto,
    srcAddr: formatAddress(srcAddr),
    srcPort,
    dstAddr: formatAddress(dstAddr),
    dstPort,
    vlan: v.getUint16(FR.vlan, true),
    srcPackets: v.getFloat64(FR.srcPackets, true),
    srcBytes: v.getFloat64(FR.srcBytes, true),
    dstPackets: v.getFloat64(FR.dstPackets, true),
    dstBytes: v.getFloat64(FR.dstBytes, true),
    firstSeen: v.getFloat64(FR.firstSeen, true),
    lastSeen: v.getFloat64(FR.lastSeen, true),
    srcTcpFlags: v.getUint8(FR.srcTcpFlags),
    dstTcpFlags: v.getUint8(FR.dstTcpFlags),
    state: endCode === EndCode.active ? 'active' : 'ended',
    endReason: endReasonName(endCode),
    communityId: isIcmp
      ? communityId(proto, srcAddr, dstAddr, icmpType, icmpCode)
      : communityId(proto, srcAddr, dstAddr, srcPort, dstPort),
    ipVersion: version,
    icmpType: isIcmp ? icmpType : null,
    icmpCode: isIcmp ? icmpCode : null,
    tunnel:
      tunnelType === 0
        ? null
        : {
            type: TUNNEL_TYPE_NAMES[tunnelType] ?? String(tunnelType),
            srcAddr: formatAddress(addressBytes(bytes, FR.outerSrc, outerVersion)),
            dstAddr: formatAddress(addressBytes(bytes, FR.outerDst, outerVersion)),
            id: v.getUint32(FR.tunnelId, true),
          },
    ifIndex: v.getUint16(FR.ifIndex, true),
  };
}

export function* decodeFlows(batch: FlowBatch): Generator<FlowRecord> {
  for (let i = 0; i < batch.count; i++) yield decodeFlow(batch, i);
}
