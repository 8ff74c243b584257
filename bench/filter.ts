/**
 * Filter matcher benchmark: matchBatch over one batch of 100k binary flow records for a few
 * filters, against two baselines measured in the same run: a loop that only reads each
 * record's protocol byte (the cost of the loop and of touching the memory) and a hand-written
 * predicate equivalent to the first filter (what a compiler could at best produce).
 * Also matchRecord on the decoded records, parse+compile time, and garbage collections during
 * the timed loops (0 expected: matching allocates nothing).
 *
 *   node --import=tsx bench/filter.ts [--seconds S]
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { decodeFlows, FlowCursor, FR, FLOW_REC_BYTES } from '../src/flow/batch.js';
import { compileFilter, type CompiledFilter } from '../src/filter/index.js';
import { randomBatch } from '../test/filter/helpers/records.js';

const secondsArg = process.argv.indexOf('--seconds');
const SECONDS = secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 1;
const COUNT = 100_000;

let gcCount = 0;
new PerformanceObserver((list) => {
  gcCount += list.getEntries().length;
}).observe({ entryTypes: ['gc'] });

const batch = randomBatch(COUNT, 2024);
const cursor = new FlowCursor(batch);
const view = new DataView(batch.buffer);
const records = [...decodeFlows(batch)];

/** Runs `pass` (one pass over the batch, returning the number matched) for about SECONDS. */
function measure(pass: () => number): { rate: number; matched: number; gcs: number } {
  for (let i = 0; i < 20; i++) pass(); // warm up
  let rounds = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let r = 0; r < rounds; r++) pass();
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 50e6) {
      rounds = Math.max(1, Math.round((rounds * SECONDS * 1e9) / ns));
      break;
    }
    rounds *= 2;
  }
  const gcBefore = gcCount;
  let matched = 0;
  const t0 = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) matched = pass();
  const ns = Number(process.hrtime.bigint() - t0);
  return { rate: (rounds * COUNT * 1e9) / ns, matched, gcs: gcCount - gcBefore };
}

const readProto = (): number => {
  let n = 0;
  for (let i = 0; i < COUNT; i++) if (view.getUint8(i * FLOW_REC_BYTES + FR.proto) === 6) n++;
  return n;
};

/** `host 198.18.0.1 and (port 443 or port 80)` by hand. */
const handWritten = (): number => {
  let n = 0;
  for (let i = 0; i < COUNT; i++) {
    const o = i * FLOW_REC_BYTES;
    if (view.getUint8(o + FR.ipVersion) === 6) continue;
    const s = view.getUint32(o + FR.srcAddr);
    const d = view.getUint32(o + FR.dstAddr);
    if (s !== 0xc6120001 && d !== 0xc6120001) continue;
    const sp = view.getUint16(o + FR.srcPort, true);
    const dp = view.getUint16(o + FR.dstPort, true);
    if (sp === 443 || dp === 443 || sp === 80 || dp === 80) n++;
  }
  return n;
};

const batchPass = (f: CompiledFilter) => (): number => {
  let n = 0;
  for (let i = 0; i < COUNT; i++) if (f.matchBatch(cursor, i)) n++;
  return n;
};
const recordPass = (f: CompiledFilter) => (): number => {
  let n = 0;
  for (let i = 0; i < COUNT; i++) if (f.matchRecord(records[i])) n++;
  return n;
};

const FILTERS = [
  'host 198.18.0.1 and (port 443 or port 80)',
  'net 2001:db8::/32 and bytes > 1M',
  'not (tcp or udp) or vlan 10 or net 198.18.0.0/15 and duration > 5s',
  '',
];

await new Promise((r) => setTimeout(r, 50));
const fmt = (rate: number): string => `${(rate / 1e6).toFixed(1).padStart(6)} M rec/s`;
const base = measure(readProto);
const hand = measure(handWritten);
console.log(`filter benchmark: ${COUNT} records per batch, ~${SECONDS}s per case, node ${process.version}`);
console.log(`${'baseline: read proto byte only'.padEnd(72)} ${fmt(base.rate)}`);
console.log(`${'baseline: hand-written host … and (port 443 or port 80)'.padEnd(72)} ${fmt(hand.rate)}`);
let gcs = 0;
for (const text of FILTERS) {
  const t0 = process.hrtime.bigint();
  const compileRounds = 1000;
  for (let i = 0; i < compileRounds; i++) compileFilter(text);
  const compileUs = Number(process.hrtime.bigint() - t0) / compileRounds / 1000;
  const f = compileFilter(text);
  const b = measure(batchPass(f));
  const r = measure(recordPass(f));
  gcs += b.gcs;
  const label = `matchBatch  ${JSON.stringify(text)}`;
  console.log(
    `${label.padEnd(72)} ${fmt(b.rate)}  ${(1e9 / b.rate).toFixed(1).padStart(5)} ns/rec  ` +
      `${(base.rate / b.rate).toFixed(1)}x baseline time, ${(hand.rate / b.rate).toFixed(2)}x hand-written; ` +
      `${b.matched} matched; parse+compile ${compileUs.toFixed(1)} µs`,
  );
  console.log(
    `${'matchRecord (same filter)'.padEnd(72)} ${fmt(r.rate)}  ${(1e9 / r.rate).toFixed(1).padStart(5)} ns/rec  ${r.matched} matched`,
  );
}
await new Promise((r) => setTimeout(r, 50));
console.log(
  `garbage collections during timed matchBatch loops: ${gcs} (0 expected: matching allocates nothing)`,
);
