import t from 'tap';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture, type GenOptions } from '../../src/gen/index.js';
import { readNdjson, runCli } from '../helpers/cli.js';
import { compareWithTruth } from '../helpers/truth-compare.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-truth-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Case {
  name: string;
  gen: GenOptions;
  args: string[];
}

const cases: Case[] = [
  {
    name: 'default mix, seed 1, 2 workers',
    gen: { seed: 1, flows: 20_000, packets: 250_000 },
    args: ['--workers', '2'],
  },
  {
    name: 'default mix, seed 2, 1 worker',
    gen: { seed: 2, flows: 20_000, packets: 250_000 },
    args: ['--workers', '1'],
  },
  {
    name: 'seed 3, pcapng, 3 interfaces with mixed resolutions, out of order, 3 workers',
    gen: {
      seed: 3,
      flows: 20_000,
      packets: 200_000,
      format: 'pcapng',
      interfaces: [
        { link: 'ethernet', tsResolution: 'ns' },
        { link: 'raw', tsResolution: 'us' },
        { link: 'sll2', tsResolution: 'us' },
      ],
      outOfOrder: 0.02,
    },
    args: ['--workers', '3'],
  },
  {
    name: 'seed 4, Linux SLL, big-endian ns pcap',
    gen: { seed: 4, flows: 5_000, packets: 50_000, link: 'sll', bigEndian: true, tsResolution: 'ns' },
    args: [],
  },
];

for (const c of cases) {
  t.test(c.name, async (t) => {
    const pcap = join(dir, `${c.gen.seed}.${c.gen.format ?? 'pcap'}`);
    const out = join(dir, `${c.gen.seed}.ndjson`);
    const summary = await writeCapture(c.gen, pcap, { collectTruth: true });
    const truth = summary.truth ?? [];
    t.ok(truth.length >= Math.min(5_000, c.gen.flows ?? 0), `${truth.length} truth flows`);
    const r = await runCli(['--pcap', pcap, '--no-server', '--out', out, '--no-progress', ...c.args]);
    t.equal(r.code, 0, r.stderr);
    const cmp = compareWithTruth(truth, readNdjson(out));
    t.same(cmp.missing.slice(0, 5), [], `missing ${cmp.missing.length}`);
    t.same(cmp.spurious.slice(0, 5), [], `spurious ${cmp.spurious.length}`);
    t.same(cmp.split.slice(0, 5), [], `split ${cmp.split.length}`);
    t.same(cmp.countMismatch.slice(0, 5), [], `count mismatches ${cmp.countMismatch.length}`);
    t.same(cmp.directionMismatch.slice(0, 5), [], `direction mismatches ${cmp.directionMismatch.length}`);
    t.same(cmp.timeMismatch.slice(0, 5), [], `time mismatches ${cmp.timeMismatch.length}`);
    t.same(cmp.endMismatch.slice(0, 5), [], `end mismatches ${cmp.endMismatch.length}`);
    t.same(cmp.tunnelMismatch.slice(0, 5), [], `tunnel mismatches ${cmp.tunnelMismatch.length}`);
    t.equal(cmp.records, truth.length, 'one record per flow');
  });
}
