import t from 'tap';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeCapture } from '../../src/gen/index.js';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'flowmatrix-cli-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function oneLine(t: { equal(a: unknown, b: unknown, m: string): unknown }, stderr: string): void {
  t.equal(stderr.trim().split('\n').length, 1, `one line: ${stderr.trim()}`);
}

t.test('a capture to NDJSON on stdout, with the summary on stderr', async (t) => {
  const pcap = join(dir, 'small.pcap');
  const gen = await writeCapture({ seed: 5, flows: 200, packets: 3000 }, pcap, { collectTruth: true });
  const r = await runCli(['--pcap', pcap, '--no-server', '--out', '-', '--no-progress']);
  t.equal(r.code, 0);
  const lines = r.stdout.trim().split('\n');
  t.equal(lines.length, gen.truth?.length, 'one line per flow');
  t.ok(lines.every((l) => JSON.parse(l).state === 'ended'));
  t.match(r.stderr, /flowmatrix: [\d,]+ packets .* from 1 file in [\d.]+ s \([\d.]+[kM]? packets\/s/);
  t.match(r.stderr, /flows: 200 records \(/);
  t.match(r.stderr, /decode: /);
});

t.test('several files are read in order as one stream', async (t) => {
  const a = join(dir, 'a.pcap');
  const b = join(dir, 'b.pcapng');
  await writeCapture({ seed: 6, flows: 50, packets: 500 }, a);
  await writeCapture({ seed: 7, flows: 60, packets: 600, format: 'pcapng' }, b);
  const out = join(dir, 'ab.ndjson');
  const r = await runCli(['--pcap', a, '--pcap', b, '--no-server', '--out', out, '--quiet']);
  t.equal(r.code, 0, r.stderr);
  t.equal(r.stderr, '', '--quiet prints nothing');
  t.equal(readFileSync(out, 'utf8').trim().split('\n').length, 110);
});

t.test('bad input: one line, non-zero exit, nothing half-done', async (t) => {
  const empty = join(dir, 'empty.pcap');
  writeFileSync(empty, '');
  const text = join(dir, 'notes.txt');
  writeFileSync(text, 'this is not a capture file\n');
  const cases: [string[], number, RegExp][] = [
    [['--pcap', join(dir, 'missing.pcap'), '--no-server'], 1, /missing\.pcap/],
    [['--pcap', empty, '--no-server'], 1, /empty/],
    [['--pcap', text, '--no-server'], 1, /not a pcap or pcapng file \(magic bytes 74 68 69 73\)/],
    [['--pcap', empty, '--no-server', '--workers', 'many'], 2, /--workers/],
    [['--no-server', '--bogus'], 2, /Unknown argument: bogus/],
    [['--pcap', empty, '--port', '0'], 1, /empty/],
  ];
  for (const [args, code, pattern] of cases) {
    const r = await runCli(args);
    t.equal(r.code, code, args.join(' '));
    oneLine(t, r.stderr);
    t.match(r.stderr, pattern);
    t.match(r.stderr, /^flowmatrix: /);
  }
});

t.test('a damaged file is read up to the damage, reported, and exits 0', async (t) => {
  const good = join(dir, 'good.pcap');
  const gen = await writeCapture({ seed: 8, flows: 100, packets: 2000 }, good);
  const bytes = readFileSync(good);
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 37));
  const out = join(dir, 'cut.ndjson');
  const r = await runCli(['--pcap', cut, '--no-server', '--out', out]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stderr, /truncated-record 1/);
  const flows = readFileSync(out, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { srcPackets: number; dstPackets: number });
  const packets = flows.reduce((s, f) => s + f.srcPackets + f.dstPackets, 0);
  t.equal(packets, gen.packets - 1, 'every packet before the damage is reported');
});

t.test('--help prints usage and exits 0', async (t) => {
  const r = await runCli(['--help']);
  t.equal(r.code, 0);
  t.match(r.stdout, /--pcap/);
  t.match(r.stdout, /--idle-timeout/);
});

t.test(
  '--filter keeps only matching flows in --out; a bad filter is one line naming the position',
  async (t) => {
    const pcap = join(dir, 'f.pcap');
    const gen = await writeCapture({ seed: 9, flows: 300, packets: 4000 }, pcap, { collectTruth: true });
    const out = join(dir, 'f.ndjson');
    const r = await runCli([
      '--pcap',
      pcap,
      '--no-server',
      '--out',
      out,
      '--filter',
      'udp and not port 53',
      '--quiet',
    ]);
    t.equal(r.code, 0, r.stderr);
    const flows = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { proto: number; srcPort: number; dstPort: number });
    const want = (gen.truth ?? []).filter((f) => f.proto === 17 && f.cport !== 53 && f.sport !== 53).length;
    t.equal(flows.length, want, `${want} UDP flows off port 53`);
    t.ok(flows.every((f) => f.proto === 17 && f.srcPort !== 53 && f.dstPort !== 53));
    const bad = await runCli(['--pcap', pcap, '--no-server', '--out', out, '--filter', 'hots 198.18.0.1']);
    t.equal(bad.code, 2);
    oneLine(t, bad.stderr);
    t.match(bad.stderr, /--filter: unknown keyword 'hots' at 0 — did you mean 'host'\?/);
  },
);
