/**
 * Every capture of the shared developer corpus (../shared/pcaps, when present) must open and
 * read to the end without damage, with the packet count, the declared link types and the
 * earliest/latest timestamps that capinfos reports in ../shared/reference/files.csv.
 *
 * The counts agree exactly: capinfos counts packet records (EPB, SPB, OPB, pcap records), as we
 * do. tshark's frame count differs for two pcapng files (pcapnggen_be_test202: 11, test102: 8)
 * because tshark 4.0 also counts each of their 3 Custom Blocks as a frame; we skip those blocks
 * and count them under skips['custom-block'], which this test checks too.
 */
import t from 'tap';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CaptureFileReader } from '../../src/capture/capture-file.js';
import type { PacketSink } from '../../src/capture/packet-sink.js';
import { unavailable } from '../helpers/require.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const corpusDir = resolve(repoRoot, '..', 'shared', 'pcaps');
const referenceCsv = resolve(repoRoot, '..', 'shared', 'reference', 'files.csv');

interface Reference {
  packets: number;
  tsharkPackets: number;
  linkTypes: number[];
  first: string;
  last: string;
}

function readReference(): Map<string, Reference> {
  const [header, ...rows] = readFileSync(referenceCsv, 'utf8').trim().split('\n');
  const cols = header.split(',');
  const at = (name: string) => cols.indexOf(name);
  const out = new Map<string, Reference>();
  for (const row of rows) {
    // The columns used here come before any free-text column, so a plain split is safe.
    const f = row.split(',');
    out.set(f[at('file')], {
      packets: Number(f[at('capinfos_packets')]),
      tsharkPackets: Number(f[at('tshark_packets')]),
      linkTypes: [...new Set(f[at('linktypes')].split('+').map(Number))].sort((a, b) => a - b),
      first: f[at('capinfos_first')],
      last: f[at('capinfos_last')],
    });
  }
  return out;
}

/** Tracks the earliest and latest timestamps, with backpressure now and then. */
class RangeSink implements PacketSink {
  packets = 0;
  minSec = Infinity;
  minNsec = 0;
  maxSec = -Infinity;
  maxNsec = 0;
  constructor(private readonly refuseEvery: number) {}
  private offers = 0;
  onPacket(_d: Uint8Array, _o: number, _c: number, _w: number, sec: number, nsec: number): boolean {
    if (this.refuseEvery > 0 && ++this.offers % this.refuseEvery === 0) return false;
    this.packets++;
    if (sec < this.minSec || (sec === this.minSec && nsec < this.minNsec))
      [this.minSec, this.minNsec] = [sec, nsec];
    if (sec > this.maxSec || (sec === this.maxSec && nsec > this.maxNsec))
      [this.maxSec, this.maxNsec] = [sec, nsec];
    return true;
  }
  whenWritable(): Promise<void> {
    return Promise.resolve();
  }
}

/** capinfos prints 6 or 9 decimals; ours must agree on those and be zero beyond them. */
function sameTime(sec: number, nsec: number, printed: string): boolean {
  const [s, frac] = printed.split('.');
  const ours = String(nsec).padStart(9, '0');
  return Number(s) === sec && ours.startsWith(frac) && /^0*$/.test(ours.slice(frac.length));
}

const EXPECTED_CUSTOM_BLOCKS: Record<string, number> = {
  'pcapnggen_be_test202.pcapng': 3,
  'pcapnggen_le_test102.pcapng': 3,
};

t.test('shared pcap corpus', async (t) => {
  if (
    unavailable(t, existsSync(corpusDir) ? null : `no shared corpus at ${corpusDir}`, { optionalData: true })
  )
    return;
  if (
    unavailable(t, existsSync(referenceCsv) ? null : `no reference table at ${referenceCsv}`, {
      optionalData: true,
    })
  )
    return;
  const reference = readReference();
  const files = readdirSync(corpusDir).filter((f) => /\.(pcap|pcapng|cap)$/.test(f));
  t.ok(files.length >= 70, `${files.length} captures`);
  for (const file of files.sort()) {
    const ref = reference.get(file);
    if (ref === undefined) {
      t.fail(`${file}: not in files.csv`);
      continue;
    }
    for (const [chunkBytes, refuseEvery] of [
      [undefined, 0],
      [4096, 3],
    ] as const) {
      const reader = new CaptureFileReader(join(corpusDir, file), { chunkBytes });
      await reader.open();
      const sink = new RangeSink(refuseEvery);
      const stats = await reader.run(sink);
      const label = `${file} (chunk ${chunkBytes ?? 'default'})`;
      t.equal(stats.damage, null, `${label}: no damage`);
      t.equal(stats.packets, ref.packets, `${label}: capinfos packet count`);
      t.equal(sink.packets, ref.packets, `${label}: delivered`);
      t.equal(stats.skips['custom-block'], EXPECTED_CUSTOM_BLOCKS[file] ?? 0, `${label}: custom blocks`);
      t.equal(stats.packets + stats.skips['custom-block'], ref.tsharkPackets, `${label}: tshark frames`);
      t.same(stats.linkTypes, ref.linkTypes, `${label}: link types`);
      if (ref.first !== 'n/a')
        t.ok(sameTime(sink.minSec, sink.minNsec, ref.first), `${label}: first ${ref.first}`);
      if (ref.last !== 'n/a')
        t.ok(sameTime(sink.maxSec, sink.maxNsec, ref.last), `${label}: last ${ref.last}`);
    }
  }
});
