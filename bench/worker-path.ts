/**
 * The worker's per-packet path on its own: a shard ring filled with 64-byte UDP frames (as
 * bench:live's trafgen sends) is drained by ShardProcessor (ring record → decoders → flow
 * table → accounting) in this thread, with no capture, no wake-ups and no other thread. Prints
 * ns per packet for 1,024 flows (bench:live's `flows1k`) and for random addresses (`rand`,
 * nearly every packet a new flow in a 1M-flow table). Compare with bench:live's CPU per packet:
 * the difference is what capture, wake-ups and a ring streaming through the caches add.
 *
 *   node --import=tsx bench/worker-path.ts
 */
import { createCounterBuffer } from '../src/workers/counters.js';
import { createFlowTableBuffer } from '../src/workers/flow-table.js';
import { createFragmentTableBuffer } from '../src/workers/fragments.js';
import { DEFAULT_TIMEOUTS } from '../src/workers/pipeline.js';
import { createRingBuffer, RingProducer } from '../src/workers/ring/ring.js';
import { ShardProcessor } from '../src/workers/shard.js';

const PACKETS_PER_ROUND = 100_000;
const ROUNDS = 12;
const WARM_ROUNDS = 4;
const LINKTYPE_ETHERNET = 1;

function frame(src: number, dst: number, sport: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6, 0x08, 0x00], 0);
  b.set([0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17, 0, 0], 14);
  b.set([198, 18 + ((src >> 16) & 1), (src >> 8) & 255, src & 255], 26);
  b.set([198, 18 + ((dst >> 16) & 1), (dst >> 8) & 255, dst & 255], 30);
  b.set([sport >> 8, sport & 255, 0x00, 0x35, 0, 30, 0, 0], 34);
  return b;
}

function run(profile: 'flows1k' | 'rand'): number[] {
  const buffers = {
    ring: createRingBuffer(16 << 20),
    table: createFlowTableBuffer(1_000_000),
    fragments: createFragmentTableBuffer(4096),
    counters: createCounterBuffer(),
  };
  const producer = new RingProducer(buffers.ring);
  const shard = new ShardProcessor(buffers, DEFAULT_TIMEOUTS, 0);
  let seed = 7;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  const flows1k = Array.from({ length: 1024 }, (_, f) => frame(f >> 5, 32 + (f & 31), 12345));
  const nsPerPacket: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < PACKETS_PER_ROUND; i++) {
      const f = profile === 'flows1k' ? flows1k[(i * 7 + r) & 1023] : frame(rnd(), rnd(), rnd() & 0xffff);
      if (!producer.tryWrite(f, 0, 64, 64, 1_700_000_000 + r, i * 1000, LINKTYPE_ETHERNET, 1, 0, 0, 0))
        throw new Error('ring full');
    }
    producer.publish();
    const started = performance.now();
    shard.drain(60_000);
    // drain() ends with one short wait on the empty ring (2 ms): not per-packet cost.
    const ms = performance.now() - started - 2;
    if (r >= WARM_ROUNDS) nsPerPacket.push((ms * 1e6) / PACKETS_PER_ROUND);
  }
  return nsPerPacket;
}

for (const profile of ['flows1k', 'rand'] as const) {
  const ns = run(profile).sort((a, b) => a - b);
  console.log(
    `${profile}: ${ns[Math.floor(ns.length / 2)].toFixed(0)} ns per packet (median of ${ns.length} rounds of ` +
      `${PACKETS_PER_ROUND.toLocaleString('en')}; min ${ns[0].toFixed(0)}, max ${ns[ns.length - 1].toFixed(0)})`,
  );
}
