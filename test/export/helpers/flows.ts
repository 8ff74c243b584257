import { decodeFlows, FLOW_REC_BYTES, FR, type FlowBatch } from '../../../src/flow/batch.js';
import { EndCode, type FlowRecord } from '../../../src/flow/record.js';
import { runFile } from '../../helpers/pipeline.js';

export interface PipelineBatches {
  /** Every batch the pipeline produced (ended flows only: no snapshots). */
  batches: FlowBatch[];
  /** The ended flows of those batches. */
  flows: FlowRecord[];
}

/** The file path of main.ts in-process: files → rings → workers → batches of ended flows. */
export async function pipelineBatches(paths: string[], workers = 2): Promise<PipelineBatches> {
  const batches: FlowBatch[] = [];
  await runFile(paths, (batch) => batches.push(batch), { workers, maxFlows: 200_000, snapshotMs: 0 });
  const flows: FlowRecord[] = [];
  for (const b of batches) for (const r of decodeFlows(b)) if (r.state === 'ended') flows.push(r);
  return { batches, flows };
}

/**
 * `n` ended bidirectional IPv4/IPv6 TCP flows written straight into a batch (no pipeline):
 * flow i is 198.18.x.y:(10000+i) → 198.19.0.1:443 (every 4th one IPv6), 10 + i % 7 packets each
 * way, 100 bytes each.
 */
export function syntheticBatch(n: number, firstId = 1, endCode: number = EndCode.fin): FlowBatch {
  const buffer = new ArrayBuffer(n * FLOW_REC_BYTES);
  const v = new DataView(buffer);
  const b = new Uint8Array(buffer);
  for (let i = 0; i < n; i++) {
    const o = i * FLOW_REC_BYTES;
    const v6 = i % 4 === 3;
    const packets = 10 + (i % 7);
    v.setFloat64(o + FR.id, firstId + i, true);
    v.setFloat64(o + FR.firstSeen, 1_735_689_600_000 + i, true);
    v.setFloat64(o + FR.lastSeen, 1_735_689_660_000 + i, true);
    v.setFloat64(o + FR.srcPackets, packets, true);
    v.setFloat64(o + FR.dstPackets, packets, true);
    v.setFloat64(o + FR.srcBytes, packets * 100, true);
    v.setFloat64(o + FR.dstBytes, packets * 100, true);
    if (v6) {
      b.set([0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, (i >> 8) & 255, i & 255], o + FR.srcAddr);
      b.set([0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], o + FR.dstAddr);
    } else {
      b.set([198, 18, (i >> 8) & 255, i & 255], o + FR.srcAddr);
      b.set([198, 19, 0, 1], o + FR.dstAddr);
    }
    v.setUint16(o + FR.srcPort, 10000 + (i % 50000), true);
    v.setUint16(o + FR.dstPort, 443, true);
    b[o + FR.proto] = 6;
    b[o + FR.ipVersion] = v6 ? 6 : 4;
    b[o + FR.srcTcpFlags] = 0x1b;
    b[o + FR.dstTcpFlags] = 0x1b;
    b[o + FR.endCode] = endCode;
  }
  return { buffer, count: n };
}
