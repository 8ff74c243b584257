/**
 * Mutated packets through the whole pipeline (reader → rings → workers → flows): record headers
 * stay valid so every packet reaches the decoders and the flow table with broken contents.
 * Nothing may throw out of a worker, and every packet read must be accounted for: in a flow, or
 * counted as without one.
 */
import t from 'tap';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture } from '../../src/gen/index.js';
import { createShardPool, runOffline } from '../helpers/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-fuzz-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0);
}

/** Flips bytes inside packet data of a little-endian µs pcap, leaving the record headers intact. */
function mutate(pcap: Buffer, seed: number, rate: number): Buffer {
  const out = Buffer.from(pcap);
  const rnd = lcg(seed);
  for (let o = 24; o + 16 <= out.length;) {
    const incl = out.readUInt32LE(o + 8);
    const data = o + 16;
    for (let i = 0; i < incl; i++) {
      if (rnd() % 1000 < rate) out[data + i] = rnd() & 0xff;
    }
    // Sometimes claim a different original length (truncation metadata) too.
    if (rnd() % 50 === 0) out.writeUInt32LE(rnd() % 70000, o + 12);
    o = data + incl;
  }
  return out;
}

t.test('mutated packets never break a worker and every packet is accounted for', async (t) => {
  const base = join(dir, 'base.pcap');
  await writeCapture({ seed: 11, flows: 2000, packets: 20_000 }, base);
  const bytes = readFileSync(base);
  const pool = createShardPool(2);
  t.teardown(() => pool.destroy());
  for (const [seed, rate] of [
    [1, 5],
    [2, 20],
    [3, 100],
    [4, 400],
  ]) {
    const f = join(dir, `m${seed}.pcap`);
    writeFileSync(f, mutate(bytes, seed, rate));
    const r = await runOffline([f], {}, pool);
    const c = r.counters.totals;
    t.equal(c.taskErrors, 0, `rate ${rate}/1000: no worker errors`);
    t.equal(c.packets, r.packets, `rate ${rate}/1000: every packet reached a worker`);
    t.equal(
      c.flowPackets + c.noFlowPackets,
      c.packets,
      `rate ${rate}/1000: every packet in a flow or counted`,
    );
    const inFlows = r.flows.reduce((s, f) => s + f.srcPackets + f.dstPackets, 0);
    t.equal(inFlows, c.flowPackets, `rate ${rate}/1000: flow records add up to the packets in flows`);
    t.ok(
      r.flows.every((f) => f.lastSeen >= f.firstSeen && f.srcPackets + f.dstPackets > 0),
      'records are well-formed',
    );
  }
});
