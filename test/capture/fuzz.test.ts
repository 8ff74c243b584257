/**
 * Random and mutated files through the reader: every case must resolve, or reject with a
 * FlowmatrixError, quickly; every delivered packet must lie inside the buffer it points into;
 * the read buffer and the heap must stay bounded.
 */
import t from 'tap';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { CaptureFileReader } from '../../src/capture/capture-file.js';
import type { PacketSink } from '../../src/capture/packet-sink.js';
import { FlowmatrixError } from '../../src/errors.js';
import { Rng, payload } from './helpers/bytes.js';
import { PcapngBuilder, pcapFile } from './helpers/capture-builder.js';
import { TempDir } from './helpers/read.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const dir = new TempDir();
t.teardown(() => dir.remove());

const CASES = Number(process.env.FLOWMATRIX_FUZZ_CASES ?? 3000);
const CASE_TIME_LIMIT_MS = 2000;

class CheckingSink implements PacketSink {
  packets = 0;
  problems: string[] = [];
  constructor(
    private readonly rng: Rng,
    private readonly refuse: boolean,
  ) {}
  onPacket(
    data: Uint8Array,
    offset: number,
    capLen: number,
    wireLen: number,
    tsSec: number,
    tsNsec: number,
    linkType: number,
    ifIndex: number,
  ): boolean {
    if (this.refuse && this.rng.int(4) === 0) return false;
    if (!(offset >= 0 && capLen >= 0 && offset + capLen <= data.length)) {
      this.problems.push(`packet outside its buffer: ${offset}+${capLen} > ${data.length}`);
    }
    if (!Number.isInteger(tsNsec) || tsNsec < 0 || tsNsec >= 1e9) this.problems.push(`tsNsec ${tsNsec}`);
    if (!Number.isInteger(tsSec)) this.problems.push(`tsSec ${tsSec}`);
    if (!Number.isInteger(wireLen) || wireLen < 0) this.problems.push(`wireLen ${wireLen}`);
    if (linkType < 0 || linkType > 0xffff || ifIndex < 0)
      this.problems.push(`link ${linkType} if ${ifIndex}`);
    this.packets++;
    return true;
  }
  whenWritable(): Promise<void> {
    return Promise.resolve();
  }
}

function seeds(): Uint8Array[] {
  const recs = Array.from({ length: 12 }, (_, i) => ({
    sec: 1_600_000_000 + i,
    frac: i * 1000,
    data: payload((i * 97) % 400, i),
  }));
  const ng = (le: boolean) =>
    new PcapngBuilder(le)
      .shb()
      .idb(1, { snaplen: 256, tsresol: 9 })
      .custom()
      .idb(113, { tsresol: 0x80 | 24, tsoffset: 5n })
      .epb(0, 1_700_000_000_000_000_000n, payload(90, 1))
      .nrb()
      .spb(300, payload(256, 2))
      .opb(1, 123_456_789n, payload(40, 3))
      .isb(0)
      .dsb()
      .shb(!le)
      .idb(101)
      .epb(0, 1n, payload(70, 4))
      .block(0x99, payload(5, 5))
      .toBytes();
  return [
    pcapFile(recs),
    pcapFile(recs, { littleEndian: false, nanoseconds: true, snaplen: 200 }),
    pcapFile(recs, { modified: true }),
    ng(true),
    ng(false),
  ];
}

const HUGE = [
  0xffffffff, 0x7fffffff, 0x80000000, 0x01000004, 0x00fffffc, 0x00040000, 0x00040001, 0, 12, 13, 16, 28,
];

function mutate(rng: Rng, seedFiles: Uint8Array[]): Uint8Array {
  const kind = rng.int(6);
  if (kind === 0) {
    // Pure noise, half of the time behind a valid magic so that it reaches a parser.
    const out = payload(rng.int(3000), rng.next());
    const magic = rng.pick([
      null,
      [0xd4, 0xc3, 0xb2, 0xa1],
      [0xa1, 0xb2, 0x3c, 0x4d],
      [0x0a, 0x0d, 0x0d, 0x0a],
    ]);
    if (magic !== null && out.length >= 4) out.set(magic, 0);
    if (magic !== null && magic[0] === 0x0a && out.length >= 16) out.set([0x4d, 0x3c, 0x2b, 0x1a, 1, 0], 8);
    return out;
  }
  const base = rng.pick(seedFiles);
  const out = base.slice();
  if (kind === 1 || kind === 4) {
    const flips = 1 + rng.int(20);
    for (let i = 0; i < flips; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
  }
  if (kind === 2 || kind === 4 || kind === 5) {
    const writes = 1 + rng.int(3);
    const view = new DataView(out.buffer);
    for (let i = 0; i < writes; i++) {
      const at = rng.int(out.length - 4) & ~3;
      const v = rng.int(3) === 0 ? out.length + rng.int(64) - 32 : rng.pick(HUGE);
      view.setUint32(at, v >>> 0, rng.int(2) === 0);
    }
  }
  if (kind === 3 || kind === 5) return out.subarray(0, rng.int(out.length + 1));
  return out;
}

t.test('fuzz: random and mutated files never crash, hang or allocate without bound', async (t) => {
  const rng = new Rng(0xf10f);
  const seedFiles = seeds();
  const path = `${dir.path}/fuzz.bin`;
  const outcomes = { resolved: 0, damaged: 0, rejected: 0 };
  const rejectedCodes = new Set<string>();
  let heapAfterWarmup = 0;
  const { writeFileSync } = await import('node:fs');
  for (let i = 0; i < CASES; i++) {
    if (i === 200) {
      gc();
      heapAfterWarmup = process.memoryUsage().heapUsed;
    }
    const bytes = mutate(rng, seedFiles);
    writeFileSync(path, bytes);
    const chunkBytes = rng.pick([64, 65, 100, 256, 1000, 4096, 65536]);
    const sink = new CheckingSink(rng, rng.int(3) === 0);
    const started = performance.now();
    try {
      const reader = new CaptureFileReader(path, { chunkBytes });
      await reader.open();
      const stats = await reader.run(sink);
      outcomes.resolved++;
      if (stats.damage !== null) outcomes.damaged++;
      if (stats.packets !== sink.packets)
        t.fail(`case ${i}: stats say ${stats.packets}, sink took ${sink.packets}`);
      if (stats.bufferBytes > Math.max(chunkBytes, 2 * bytes.length)) {
        t.fail(`case ${i}: buffer ${stats.bufferBytes} for a ${bytes.length}-byte file`);
      }
      if (stats.damage !== null && (stats.damage.includes('\n') || !stats.damage.includes(path))) {
        t.fail(`case ${i}: damage line ${JSON.stringify(stats.damage)}`);
      }
    } catch (e) {
      if (!(e instanceof FlowmatrixError)) {
        t.fail(`case ${i}: threw ${String(e)}`);
        continue;
      }
      outcomes.rejected++;
      rejectedCodes.add(e.code);
    }
    const took = performance.now() - started;
    if (took > CASE_TIME_LIMIT_MS) t.fail(`case ${i} took ${took.toFixed(0)} ms`);
    if (sink.problems.length > 0) t.fail(`case ${i}: ${sink.problems.slice(0, 3).join('; ')}`);
  }
  gc();
  const grew = process.memoryUsage().heapUsed - heapAfterWarmup;
  t.ok(grew < 16 * 1024 * 1024, `heap grew ${(grew / 1048576).toFixed(1)} MB over ${CASES} cases`);
  t.ok(outcomes.resolved > CASES / 4, `outcomes ${JSON.stringify(outcomes)}`);
  t.ok(outcomes.damaged > 0 && outcomes.rejected > 0, 'both damage and rejection were exercised');
  t.ok(
    [...rejectedCodes].every((c) => c.startsWith('CAPTURE_')),
    `rejections: ${[...rejectedCodes].join(', ')}`,
  );
});
