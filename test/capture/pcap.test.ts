import t from 'tap';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureFileReader } from '../../src/capture/capture-file.js';
import { payload } from './helpers/bytes.js';
import { pcapFile, type PcapRecord } from './helpers/capture-builder.js';
import { CollectingSink, TempDir, readBytes } from './helpers/read.js';
import { unavailable } from '../helpers/require.js';

const dir = new TempDir();
t.teardown(() => dir.remove());

function records(n: number, nanoseconds: boolean): PcapRecord[] {
  const out: PcapRecord[] = [];
  for (let i = 0; i < n; i++) {
    const len = [60, 1514, 0, 1, 333, 9000][i % 6];
    out.push({
      sec: 1700000000 + i,
      frac: nanoseconds ? 999999999 - i : 999999 - i,
      data: payload(len, i + 1),
      wireLen: len + (i % 3),
    });
  }
  return out;
}

for (const littleEndian of [true, false]) {
  for (const kind of ['us', 'ns', 'modified'] as const) {
    t.test(`pcap ${kind} ${littleEndian ? 'little' : 'big'}-endian`, async (t) => {
      const nanoseconds = kind === 'ns';
      const recs = records(25, nanoseconds);
      const file = pcapFile(recs, {
        littleEndian,
        nanoseconds,
        modified: kind === 'modified',
        snaplen: 65535,
      });
      const { packets, stats, reader } = await readBytes(dir, file);
      t.equal(stats.format, 'pcap');
      t.equal(stats.packets, recs.length);
      t.equal(packets.length, recs.length);
      t.same(stats.linkTypes, [1]);
      t.equal(stats.damage, null);
      t.equal(stats.bytesRead, file.length);
      t.equal(stats.fileSize, file.length);
      t.equal(reader.progress(), 1);
      let wire = 0;
      let cap = 0;
      recs.forEach((r, i) => {
        const p = packets[i];
        t.same(p.data, r.data, `data ${i}`);
        t.equal(p.capLen, r.data.length);
        t.equal(p.wireLen, r.wireLen);
        t.equal(p.tsSec, r.sec);
        t.equal(p.tsNsec, nanoseconds ? r.frac : r.frac * 1000);
        t.equal(p.linkType, 1);
        t.equal(p.ifIndex, 0);
        wire += r.wireLen ?? 0;
        cap += r.data.length;
      });
      t.equal(stats.wireBytes, wire);
      t.equal(stats.capturedBytes, cap);
    });
  }
}

t.test('link type is the low 16 bits of the header field (FCS bits ignored)', async (t) => {
  const file = pcapFile([{ sec: 1, frac: 0, data: payload(40, 1) }], { linkType: 0x14000000 | 113 });
  const { packets, stats } = await readBytes(dir, file);
  t.equal(packets[0].linkType, 113);
  t.same(stats.linkTypes, [113]);
});

t.test('out-of-order timestamps pass through unchanged', async (t) => {
  const secs = [50, 10, 10, 99, 0, 4294967295];
  const recs = secs.map((sec, i) => ({ sec, frac: 7 * i, data: payload(20, i) }));
  const { packets } = await readBytes(dir, pcapFile(recs));
  t.same(
    packets.map((p) => [p.tsSec, p.tsNsec]),
    recs.map((r) => [r.sec, r.frac * 1000]),
  );
});

t.test('a fraction out of range is carried into the seconds', async (t) => {
  const recs = [
    { sec: 10, frac: 2_500_000, data: payload(10, 1) },
    { sec: 10, frac: 4294967295, data: payload(10, 2) },
  ];
  const { packets } = await readBytes(dir, pcapFile(recs));
  t.same([packets[0].tsSec, packets[0].tsNsec], [12, 500_000_000]);
  t.same([packets[1].tsSec, packets[1].tsNsec], [10 + 4294, 967295000]);
  const ns = await readBytes(
    dir,
    pcapFile([{ sec: 1, frac: 3_000_000_001, data: payload(1, 1) }], { nanoseconds: true }),
  );
  t.same([ns.packets[0].tsSec, ns.packets[0].tsNsec], [4, 1]);
});

t.test('records straddling chunk boundaries, any chunk size', async (t) => {
  const recs = records(60, false);
  const file = pcapFile(recs);
  for (const chunkBytes of [64, 65, 100, 127, 1000, 1513, 4096, 9017]) {
    const { packets, stats } = await readBytes(dir, file, { chunkBytes });
    t.equal(packets.length, recs.length, `chunk ${chunkBytes}: count`);
    t.ok(
      packets.every((p, i) => Buffer.compare(p.data, recs[i].data) === 0),
      `chunk ${chunkBytes}: bytes`,
    );
    t.equal(stats.damage, null);
    // The buffer grows only to hold the largest record (16-byte header + 9000 bytes).
    t.ok(stats.bufferBytes <= Math.max(chunkBytes, 2 * (16 + 9000)), `chunk ${chunkBytes}: buffer bounded`);
  }
});

t.test('backpressure: refused packets are offered again, each delivered once, in order', async (t) => {
  const recs = records(100, false);
  for (const chunkBytes of [64, 4096]) {
    const { packets, stats } = await readBytes(dir, pcapFile(recs), { refuseEvery: 3, chunkBytes });
    t.equal(packets.length, recs.length);
    t.equal(stats.packets, recs.length);
    t.ok(packets.every((p, i) => p.tsSec === recs[i].sec && Buffer.compare(p.data, recs[i].data) === 0));
  }
});

t.test('a record above the snaplen but plausible is delivered and counted', async (t) => {
  const recs = [
    { sec: 1, frac: 0, data: payload(100, 1) },
    { sec: 2, frac: 0, data: payload(5000, 2) },
    { sec: 3, frac: 0, data: payload(100, 3) },
  ];
  const { packets, stats } = await readBytes(dir, pcapFile(recs, { snaplen: 200 }));
  t.equal(packets.length, 3);
  t.equal(packets[1].capLen, 5000);
  t.equal(stats.skips['record-over-snaplen'], 1);
  t.equal(stats.damage, null);
});

t.test('snaplen 0 means no limit was given', async (t) => {
  const { stats } = await readBytes(
    dir,
    pcapFile([{ sec: 1, frac: 0, data: payload(3000, 1) }], { snaplen: 0 }),
  );
  t.equal(stats.packets, 1);
  t.equal(stats.skips['record-over-snaplen'], 0);
});

t.test('a header-only file is a valid capture with no packets', async (t) => {
  const { stats, reader } = await readBytes(dir, pcapFile([]));
  t.equal(stats.packets, 0);
  t.equal(stats.damage, null);
  t.equal(reader.progress(), 1);
});

t.test('open() reports the detected format; progress moves from 0 to 1', async (t) => {
  const recs = records(200, true);
  const path = dir.file(pcapFile(recs, { nanoseconds: true, littleEndian: false }));
  const reader = new CaptureFileReader(path, { chunkBytes: 4096 });
  t.equal(reader.progress(), 0);
  const detected = await reader.open();
  t.same(detected, {
    format: 'pcap',
    littleEndian: false,
    resolution: 'ns',
    variant: 'standard',
    headerBytes: 24,
  });
  const seen: number[] = [];
  const sink = new CollectingSink();
  const orig = sink.onPacket.bind(sink);
  sink.onPacket = (...args) => {
    seen.push(reader.progress());
    return orig(...args);
  };
  await reader.run(sink);
  t.ok(
    seen.every((p, i) => p >= 0 && p <= 1 && (i === 0 || p >= seen[i - 1])),
    'monotonic within 0..1',
  );
  t.ok(seen[0] < 0.1);
  t.equal(reader.progress(), 1);
});

t.test('an abort signal stops reading between chunks', async (t) => {
  const recs = records(300, false);
  const path = dir.file(pcapFile(recs));
  const reader = new CaptureFileReader(path, { chunkBytes: 4096 });
  await reader.open();
  const ac = new AbortController();
  const sink = new CollectingSink();
  const orig = sink.onPacket.bind(sink);
  sink.onPacket = (...args) => {
    if (sink.packets.length === 10) ac.abort();
    return orig(...args);
  };
  const stats = await reader.run(sink, ac.signal);
  t.equal(stats.aborted, true);
  t.ok(stats.packets < recs.length);
  t.equal(stats.packets, sink.packets.length);
});

t.test('an abort signal also ends a wait for a full sink', async (t) => {
  const path = dir.file(pcapFile(records(10, false)));
  const reader = new CaptureFileReader(path);
  await reader.open();
  const ac = new AbortController();
  const stuck = {
    onPacket: () => false,
    whenWritable: () => new Promise<void>(() => {}),
  };
  setTimeout(() => ac.abort(), 20);
  const stats = await reader.run(stuck, ac.signal);
  t.equal(stats.aborted, true);
  t.equal(stats.packets, 0);
});

t.test('reads from a pipe, where the size is unknown', async (t) => {
  const fifo = join(dir.path, 'pipe.pcap');
  try {
    execFileSync('mkfifo', [fifo]);
  } catch {
    unavailable(t, 'mkfifo is not available');
    return;
  }
  const recs = records(40, false);
  const full = pcapFile(recs);
  for (const [bytes, expected, damaged] of [
    [full, recs.length, false],
    [full.subarray(0, full.length - 5), recs.length - 1, true],
  ] as const) {
    const writing = writeFile(fifo, bytes);
    const reader = new CaptureFileReader(fifo, { chunkBytes: 256 });
    await reader.open();
    const sink = new CollectingSink();
    const stats = await reader.run(sink);
    await writing;
    t.equal(stats.fileSize, 0);
    t.equal(stats.packets, expected);
    t.equal(stats.damage !== null, damaged);
    t.ok(sink.packets.every((p, i) => Buffer.compare(p.data, recs[i].data) === 0));
  }
});
