import t from 'tap';
import { decodeFlow, FlowCursor } from '../../src/flow/batch.js';
import { FlowJsonEncoder } from '../../src/flow/json-encoder.js';
import { FlowBatchWriter } from '../../src/workers/flow-batch-writer.js';
import { createFlowTableBuffer, FL, FlowTable, List } from '../../src/workers/flow-table.js';

t.test('the byte encoder writes exactly JSON.stringify of the decoded record', async (t) => {
  const table = new FlowTable(createFlowTableBuffer(4096));
  const w = new FlowBatchWriter();
  let seed = 99;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const protos = [6, 17, 1, 58, 47, 132, 50];
  for (let i = 0; i < 3000; i++) {
    const v6 = i % 3 === 0;
    const a = Uint32Array.of(rnd(), rnd() & (i % 5 === 0 ? 0 : 0xffffffff), 0, rnd() & 0xff);
    const b = Uint32Array.of(rnd(), 0, rnd() & 0xffff, i % 7 === 0 ? 0 : rnd());
    if (!v6) {
      a.fill(0, 1);
      b.fill(0, 1);
    }
    if (i % 11 === 0) a.set([0, 0, 0xffff, 0xc6120001]);
    const proto = protos[i % protos.length];
    const slot = table.insert(
      a,
      b,
      rnd() & 0xffff,
      rnd() & 0xffff,
      proto | (v6 ? 0x100 : 0) | ((i % 4096) << 12),
      rnd(),
      List.udp,
    );
    const f = slot << 4;
    table.f64[f + FL.first] = 1735689600000 + rnd() / 1000;
    table.f64[f + FL.last] = table.f64[f + FL.first] + (rnd() % 100000) / 7;
    table.f64[f + FL.srcPackets] = rnd() % 1000;
    table.f64[f + FL.srcBytes] = rnd() * 3;
    table.f64[f + FL.dstBytes] = i;
    table.f64[f + FL.id] = i * 64 + 3;
    table.u16[(slot << 6) + FL.icmp] = rnd() & 0xffff;
    table.u8[(slot << 7) + FL.srcFlags] = rnd() & 0xff;
    if (i % 9 === 0) {
      table.u8[(slot << 7) + FL.tunnelType] = 1 + (i % 10);
      table.u8[(slot << 7) + FL.outerVersion] = i % 2 ? 4 : 6;
      table.outer.set([rnd(), rnd(), 0, rnd(), rnd(), 0, 0, 1], slot * 8);
      table.u32[(slot << 5) + FL.tunnelId] = rnd();
    }
    w.write(table, slot, i % 8);
  }
  const batch = w.take();
  const cursor = new FlowCursor(batch);
  const enc = new FlowJsonEncoder(64);
  const view = new DataView(batch.buffer);
  const bytes = new Uint8Array(batch.buffer);
  const want: string[] = [];
  for (let i = 0; i < batch.count; i++) {
    enc.line(view, bytes, i);
    want.push(JSON.stringify(decodeFlow(batch, i, cursor)));
  }
  const got = enc.take().toString('latin1').split('\n');
  t.equal(got.pop(), '', 'ends with a newline');
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) {
      t.equal(got[i], want[i], `record ${i}`);
      return;
    }
  }
  t.pass(`${want.length} records identical`);
});
