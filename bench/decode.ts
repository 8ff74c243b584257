/**
 * Micro-benchmark of the packet decoders: decodes representative frames in a loop for about a
 * second each and prints packets/s, next to a baseline measured in the same run (a loop that
 * only reads each frame's EtherType: the cost of the loop and of touching the memory).
 * Also counts garbage collections during the timed loops: the decoders allocate nothing, so
 * there should be none.
 *
 *   node --import=tsx bench/decode.ts [--seconds S]
 *
 * Frames come from the decoder tests' corpus (hand-built, see test/workers/decode/helpers),
 * copied many times into one large buffer at unaligned offsets, as a shard ring would hold them.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { DecodedPacket, decodePacket, newDecodeCounters } from '../src/workers/decode/index.js';
import { corpus, type CorpusFrame } from '../test/workers/decode/helpers/corpus.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1;
const COPIES = 4096;

interface Batch {
  buf: Uint8Array;
  offsets: Int32Array;
  lengths: Int32Array;
  links: Int32Array;
}

/** COPIES frames (cycling through `frames`) laid end to end with odd gaps. */
function batch(frames: CorpusFrame[]): Batch {
  let size = 0;
  for (let i = 0; i < COPIES; i++) size += frames[i % frames.length].frame.length + 3;
  const buf = new Uint8Array(size);
  const offsets = new Int32Array(COPIES);
  const lengths = new Int32Array(COPIES);
  const links = new Int32Array(COPIES);
  let at = 0;
  for (let i = 0; i < COPIES; i++) {
    const f = frames[i % frames.length];
    buf.set(f.frame, at);
    offsets[i] = at;
    lengths[i] = f.frame.length;
    links[i] = f.linkType;
    at += f.frame.length + 3;
  }
  return { buf, offsets, lengths, links };
}

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

const out = new DecodedPacket();
const counters = newDecodeCounters();

function decodeLoop(b: Batch, rounds: number): number {
  let ip = 0;
  const { buf, offsets, lengths, links } = b;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < COPIES; i++) {
      if (decodePacket(buf, offsets[i], lengths[i], lengths[i], links[i], out, counters)) ip++;
    }
  }
  return ip;
}

function baselineLoop(b: Batch, rounds: number): number {
  let sum = 0;
  const { buf, offsets } = b;
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < COPIES; i++) {
      const o = offsets[i];
      sum += (buf[o + 12] << 8) | buf[o + 13];
    }
  }
  return sum;
}

/** Runs `loop` for about SECONDS; returns packets/s. */
function measure(loop: (b: Batch, rounds: number) => number, b: Batch): { pps: number; gcs: number } {
  loop(b, 50); // warm up
  let rounds = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    loop(b, rounds);
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 50e6) {
      rounds = Math.max(1, Math.round((rounds * SECONDS * 1e9) / ns));
      break;
    }
    rounds *= 2;
  }
  const gcBefore = gcCount;
  const t0 = process.hrtime.bigint();
  const sink = loop(b, rounds);
  const ns = Number(process.hrtime.bigint() - t0);
  if (sink === -1) console.log(''); // keep the result alive
  return { pps: (rounds * COPIES * 1e9) / ns, gcs: gcCount - gcBefore };
}

const all = corpus();
const byName = (name: string) => {
  const f = all.find((c) => c.name === name);
  if (f === undefined) throw new Error(`no corpus frame ${name}`);
  return [f];
};
const cases: [string, CorpusFrame[]][] = [
  ['Ethernet / IPv4 / UDP', byName('eth-ipv4-udp')],
  ['Ethernet / IPv4 / TCP (options)', byName('eth-ipv4-tcp')],
  ['VLAN / IPv6 / UDP', byName('vlan-ipv6-udp')],
  ['QinQ / IPv4 / UDP', byName('qinq-ipv4')],
  ['MPLS / IPv4 / UDP', byName('mpls-ipv4')],
  ['IPv6 + 4 extension headers / UDP', byName('eth-ipv6-ext')],
  ['VXLAN / Ethernet / IPv4 / TCP', byName('vxlan')],
  ['GRE / IPv4 / GRE / IPv6 / TCP', byName('gre-in-gre')],
  ['GTP-U + extension headers / IPv6 / TCP', byName('gtpu-ext')],
  [`mix of all ${all.length} corpus frames`, all],
];

// Let the observer settle (startup GCs) before measuring.
await new Promise((r) => setTimeout(r, 50));
const base = measure(baselineLoop, batch(byName('eth-ipv4-udp')));
console.log(`decode benchmark: ${COPIES} frames per batch, ~${SECONDS}s per case, node ${process.version}`);
console.log(
  `${'baseline (read EtherType only)'.padEnd(42)} ${(base.pps / 1e6).toFixed(1).padStart(7)} M pkt/s`,
);
let gcs = 0;
for (const [name, frames] of cases) {
  const r = measure(decodeLoop, batch(frames));
  gcs += r.gcs;
  const ns = 1e9 / r.pps;
  console.log(
    `${name.padEnd(42)} ${(r.pps / 1e6).toFixed(1).padStart(7)} M pkt/s  ${ns.toFixed(1).padStart(6)} ns/pkt  ` +
      `${(base.pps / r.pps).toFixed(1).padStart(5)}x baseline time`,
  );
}
await new Promise((r) => setTimeout(r, 50));
console.log(
  `garbage collections during timed decode loops: ${gcs} (0 expected: the decoders allocate nothing)`,
);
