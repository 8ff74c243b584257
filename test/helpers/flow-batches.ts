import type { FlowBatch } from '../../src/flow/batch.js';
import { parseAddress } from '../../src/flow/address.js';
import { FlowBatchWriter } from '../../src/workers/flow-batch-writer.js';
import { createFlowTableBuffer, FL, FlowTable, List } from '../../src/workers/flow-table.js';

export interface FlowSpec {
  id: number;
  src: string;
  dst: string;
  proto?: number;
  srcPort?: number;
  dstPort?: number;
  srcPackets?: number;
  srcBytes?: number;
  dstPackets?: number;
  dstBytes?: number;
  first: number;
  last: number;
  /** EndCode: 0 = active snapshot. */
  end?: number;
  vlan?: number;
}

function words(addr: string): Uint32Array {
  const b = parseAddress(addr);
  if (!b) throw new Error(`bad address ${addr}`);
  const w = new Uint32Array(4);
  for (let i = 0; i < b.length; i += 4)
    w[i / 4] = ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) >>> 0;
  return w;
}

/** A batch of flow records built through the worker's own table and writer. */
export function makeBatch(specs: FlowSpec[]): FlowBatch {
  const table = new FlowTable(createFlowTableBuffer(Math.max(16, specs.length)));
  const w = new FlowBatchWriter();
  for (const f of specs) {
    const v6 = f.src.includes(':');
    const meta = (f.proto ?? 6) | (v6 ? 0x100 : 0) | ((f.vlan ?? 0) << 12);
    const slot = table.insert(
      words(f.src),
      words(f.dst),
      f.srcPort ?? 0,
      f.dstPort ?? 0,
      meta,
      f.id,
      List.tcp,
    );
    const r = slot << 4;
    table.f64[r + FL.id] = f.id;
    table.f64[r + FL.first] = f.first;
    table.f64[r + FL.last] = f.last;
    table.f64[r + FL.srcPackets] = f.srcPackets ?? 1;
    table.f64[r + FL.srcBytes] = f.srcBytes ?? 100;
    table.f64[r + FL.dstPackets] = f.dstPackets ?? 0;
    table.f64[r + FL.dstBytes] = f.dstBytes ?? 0;
    w.write(table, slot, f.end ?? 6);
  }
  return w.take();
}
