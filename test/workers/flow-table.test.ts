import t from 'tap';
import { createFlowTableBuffer, FlowTable, List, flowTableBytes } from '../../src/workers/flow-table.js';
import { flowHash } from '../../src/workers/flow-hash.js';

function words(a: number): Uint32Array {
  return Uint32Array.of(0xc6120000 + a, 0, 0, 0);
}

t.test('symmetric hash: both orientations give the same value', async (t) => {
  for (let i = 0; i < 1000; i++) {
    const a = Uint32Array.of(i * 7919, i, 3, i ^ 0xffff);
    const b = Uint32Array.of(i * 31, 5, i * 3, 1);
    t.equal(flowHash(a, b, i & 0xffff, 80, 6), flowHash(b, a, 80, i & 0xffff, 6));
  }
});

t.test('find matches both orientations and reports which', async (t) => {
  const table = new FlowTable(createFlowTableBuffer(64));
  const a = words(1);
  const b = words(2);
  const h = flowHash(a, b, 1234, 80, 6);
  const slot = table.insert(a, b, 1234, 80, 6, h, List.tcp);
  t.equal(table.find(a, b, 1234, 80, 6, h), slot);
  t.equal(table.foundReversed, 0);
  t.equal(table.find(b, a, 80, 1234, 6, h), slot);
  t.equal(table.foundReversed, 1);
  t.equal(table.find(a, b, 1234, 81, 6, flowHash(a, b, 1234, 81, 6)), -1);
  t.equal(table.find(a, b, 1234, 80, 17, flowHash(a, b, 1234, 80, 17)), -1, 'meta is part of the key');
});

t.test('random inserts and removals agree with a Map model (backward-shift deletion)', async (t) => {
  const cap = 257;
  const table = new FlowTable(createFlowTableBuffer(cap));
  const model = new Map<number, number>(); // key id -> slot
  let seed = 12345;
  const rnd = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (let step = 0; step < 50_000; step++) {
    const k = rnd() % 600;
    const a = words(k);
    const b = words(10_000 + (k % 7));
    const h = flowHash(a, b, k, 53, 17);
    const found = table.find(a, b, k, 53, 17, h);
    if (model.has(k)) {
      if (found !== model.get(k)) {
        t.fail(`step ${step}: key ${k} expected slot ${model.get(k)}, found ${found}`);
        return;
      }
      if (rnd() % 2 === 0) {
        table.remove(found);
        model.delete(k);
      }
    } else {
      if (found !== -1) {
        t.fail(`step ${step}: key ${k} found but absent`);
        return;
      }
      if (!table.isFull()) model.set(k, table.insert(a, b, k, 53, 17, h, List.udp));
    }
    if (table.count !== model.size) {
      t.fail(`count ${table.count} != ${model.size}`);
      return;
    }
  }
  t.pass('50k operations consistent');
});

t.test('recency lists: touch moves to head, tail is the least recent', async (t) => {
  const table = new FlowTable(createFlowTableBuffer(16));
  const slots: number[] = [];
  for (let i = 0; i < 5; i++) {
    const a = words(i);
    const b = words(100);
    slots.push(table.insert(a, b, 1, 2, 17, flowHash(a, b, 1, 2, 17), List.udp));
  }
  t.equal(table.listTail(List.udp), slots[0]);
  table.touch(slots[0], List.udp);
  t.equal(table.listTail(List.udp), slots[1]);
  table.touch(slots[1], List.closing);
  t.equal(table.listTail(List.udp), slots[2]);
  t.equal(table.listTail(List.closing), slots[1]);
  table.remove(slots[2]);
  t.equal(table.listTail(List.udp), slots[3]);
});

t.test('memory per flow stays under 200 bytes', async (t) => {
  const perFlow = flowTableBytes(1 << 20) / (1 << 20);
  t.ok(perFlow <= 200, `${perFlow.toFixed(1)} bytes per flow`);
});
