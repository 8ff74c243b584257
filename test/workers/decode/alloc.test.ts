/**
 * The decoders run for every packet and must not allocate: after warm-up (JIT compilation
 * allocates), millions of decodes of every corpus frame must not trigger a single garbage
 * collection. Any per-packet allocation, even 16 bytes, would fill V8's young generation
 * (16 MiB by default) well before the end and show up as a scavenge.
 */
import t from 'tap';
import { PerformanceObserver } from 'node:perf_hooks';
import { DecodedPacket, decodePacket, newDecodeCounters } from '../../../src/workers/decode/index.js';
import { corpus } from './helpers/corpus.js';

t.test('decodePacket allocates nothing per packet', async (t) => {
  const frames = corpus();
  // Truncated and mutated variants take the error paths too.
  const variants = frames.flatMap((f) => [
    f,
    { ...f, frame: f.frame.subarray(0, Math.max(0, f.frame.length - 7)) },
    { ...f, frame: f.frame.subarray(0, 20) },
  ]);
  const out = new DecodedPacket();
  const counters = newDecodeCounters();
  const loop = (rounds: number): number => {
    let ip = 0;
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < variants.length; i++) {
        const v = variants[i];
        if (decodePacket(v.frame, 0, v.frame.length, v.frame.length, v.linkType, out, counters)) ip++;
      }
    }
    return ip;
  };
  loop(5000); // warm up: optimise every path

  let gcs = 0;
  const observer = new PerformanceObserver((list) => {
    gcs += list.getEntries().length;
  });
  observer.observe({ entryTypes: ['gc'] });
  await new Promise((resolve) => setTimeout(resolve, 20));
  gcs = 0;
  const rounds = Math.ceil(3_000_000 / variants.length);
  const ip = loop(rounds);
  await new Promise((resolve) => setTimeout(resolve, 20));
  observer.disconnect();
  t.ok(ip > 0);
  t.equal(gcs, 0, `no garbage collection during ${rounds * variants.length} decodes`);
});
